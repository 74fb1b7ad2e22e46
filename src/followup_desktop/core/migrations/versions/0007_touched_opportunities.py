"""Every write notes which opportunities it touched, for the search statistics.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The "Your search" page keeps what it read until something is committed; after a commit
it read every row again (about 90 ms of a 140 ms computation at 10,000 opportunities).
Triggers on the tables the figures read now append to ``touched_opportunities`` each
opportunity a changed row belongs to (before and after an update), numbered in order
(``seq``, the rowid), so the cache can read again only the opportunities touched since
the last number it saw. Triggers run for every writer, this process, the command line
or a second window alike, and for the rows that ON DELETE CASCADE / SET NULL change,
which is what makes this exact where counting our own commits could not be.

Only the latest :data:`KEEP` notes are kept: each trigger drops the older ones (a look-up
at the end of the rowid b-tree), so the table stays about a megabyte. A cache whose last
number was dropped reads everything, as it does after a schema change: a later migration
that rebuilds one of these tables in batch mode drops its triggers, and
tests/unit/core/test_stats_touches.py fails until they are created again.

An append-only log costs each written row about 3.5 µs (a 3,000-opportunity demo filled
in 1.42 s instead of 1.25 s); keeping one row per opportunity with an upsert cost twice
that. Updates of actions note only the columns the figures read: a re-plan rewrites due
times and reasons of thousands of steps. Only a table and triggers are created, nothing
is rebuilt, so nothing can cascade.

The SQL is written out here rather than imported: a migration must do the same thing
whatever the code around it becomes.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "touched_opportunities"
#: How many notes are kept (far more than a cache reads one by one; see above).
KEEP = 50_000
# For each table the figures read: the expressions giving the opportunity ids of a row
# (``{row}`` is NEW or OLD). A message linked to an action hides that action's own row
# from the figures, so it also touches the action's opportunity.
OWNERS = {
    "opportunities": ("{row}.id",),
    "stage_changes": ("{row}.opportunity_id",),
    "interviews": ("{row}.opportunity_id",),
    "opportunity_contacts": ("{row}.opportunity_id",),
    "correspondence": (
        "{row}.opportunity_id",
        "(SELECT opportunity_id FROM actions WHERE id = {row}.action_id)",
    ),
    "actions": ("{row}.opportunity_id",),
}
# The columns of actions the figures read (core/stats.py); other updates note nothing.
ACTION_COLUMNS = "id, opportunity_id, kind, state, completed_at"


def _note(ids: str) -> str:
    """Append ``ids`` (a SELECT of ``id``) and drop the notes older than the last KEEP."""
    return (
        f"INSERT INTO {TABLE} (opportunity_id) SELECT id FROM ({ids}) WHERE id IS NOT NULL; "
        f"DELETE FROM {TABLE} WHERE seq <= (SELECT max(seq) FROM {TABLE}) - {KEEP};"
    )


def _statements() -> list[str]:
    statements = []
    for table, owners in OWNERS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            expressions = [owner.format(row=row) for row in rows for owner in owners]
            ids = " UNION ".join(f"SELECT {expression} AS id" for expression in expressions)
            columns = f" OF {ACTION_COLUMNS}" if table == "actions" and event == "UPDATE" else ""
            statements.append(
                f"CREATE TRIGGER touch_{table}_{event.lower()} AFTER {event}{columns} ON {table} "
                f"BEGIN {_note(ids)} END"
            )
    # A change of an action's kind or opportunity changes what the messages linked to it
    # count as (a thank-you or a follow-up); only then are they looked for
    # (correspondence has no index on action_id).
    statements.append(
        "CREATE TRIGGER touch_actions_linked_messages AFTER UPDATE OF kind, opportunity_id "
        "ON actions WHEN OLD.kind IS NOT NEW.kind "
        "OR OLD.opportunity_id IS NOT NEW.opportunity_id BEGIN "
        + _note("SELECT opportunity_id AS id FROM correspondence WHERE action_id = NEW.id")
        + " END"
    )
    return statements


def upgrade() -> None:
    op.execute(f"CREATE TABLE {TABLE} (seq INTEGER PRIMARY KEY, opportunity_id INTEGER NOT NULL)")
    for statement in _statements():
        op.execute(statement)


def downgrade() -> None:
    for table in OWNERS:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER touch_{table}_{event}")
    op.execute("DROP TRIGGER touch_actions_linked_messages")
    op.execute(f"DROP TABLE {TABLE}")
