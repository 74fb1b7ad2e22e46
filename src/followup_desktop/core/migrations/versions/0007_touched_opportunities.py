"""Every write notes which opportunities it touched, for the search statistics.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The "Your search" page keeps what it read until something is committed; after a commit
it read every row again (about 90 ms of a 140 ms computation at 10,000 opportunities).
Triggers on the tables the figures read now note, in ``touched_opportunities``, each
opportunity a row belongs to (before and after an update), with a number that grows
with every write, so the cache can read again only the opportunities touched since it
last read. Triggers run for every writer, this process, the command line or a second
window alike, and for the rows that ON DELETE CASCADE / SET NULL change, which is what
makes this exact where counting our own commits could not be.

The table holds one row per opportunity (the latest number), so it never grows past the
opportunities there have been. The ORM never writes it. Only a table, an index and
triggers are created, nothing is rebuilt, so nothing can cascade. A later migration that
rebuilds one of these tables in batch mode drops its triggers: the schema version then
changes and the cache reads everything again, and tests/unit/core/test_stats_touches.py
fails until they are created again.

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
# For each table the figures read: the expression giving an opportunity id of a row
# (``{row}`` is NEW or OLD). An action's kind decides what a message linked to it counts
# as, and a message linked to an action hides that action's own row, so each of those
# also touches the other's opportunity.
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


def _touch(expressions: list[str]) -> str:
    # Every id gets the next number (one more than the largest so far; the index on seq
    # finds it at once), one row per opportunity. An upsert, not INSERT OR REPLACE: a
    # trigger's conflict policy gives way to the outer statement's, and then the second
    # touch of an opportunity failed as a duplicate instead of replacing the first.
    ids = " UNION ".join(f"SELECT {expression} AS id" for expression in expressions)
    return _upsert(f"SELECT id FROM ({ids}) WHERE id IS NOT NULL")


def _upsert(ids: str) -> str:
    return (
        f"INSERT INTO {TABLE} (opportunity_id, seq) "
        f"SELECT id, (SELECT coalesce(max(seq), 0) + 1 FROM {TABLE}) FROM ({ids}) WHERE true "
        "ON CONFLICT (opportunity_id) DO UPDATE SET seq = excluded.seq;"
    )


def _statements() -> list[str]:
    statements = []
    for table, owners in OWNERS.items():
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            expressions = [owner.format(row=row) for row in rows for owner in owners]
            statements.append(
                f"CREATE TRIGGER touch_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {_touch(expressions)} END"
            )
    # A change of an action's kind or opportunity changes what the messages linked to it
    # count as; only then are they looked for (correspondence has no index on action_id).
    statements.append(
        "CREATE TRIGGER touch_actions_linked_messages AFTER UPDATE OF kind, opportunity_id "
        "ON actions WHEN OLD.kind IS NOT NEW.kind "
        "OR OLD.opportunity_id IS NOT NEW.opportunity_id "
        "BEGIN "
        + _upsert(
            "SELECT DISTINCT opportunity_id AS id FROM correspondence WHERE action_id = NEW.id"
        )
        + " END"
    )
    return statements


def upgrade() -> None:
    op.execute(f"CREATE TABLE {TABLE} (opportunity_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)")
    op.execute(f"CREATE INDEX ix_{TABLE}_seq ON {TABLE} (seq)")
    for statement in _statements():
        op.execute(statement)


def downgrade() -> None:
    for table in OWNERS:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER touch_{table}_{event}")
    op.execute("DROP TRIGGER touch_actions_linked_messages")
    op.execute(f"DROP TABLE {TABLE}")
