"""Debrief drafts get a table of their own, deleted with their interview.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Until now a draft was a setting (``debrief_draft:<interview id>``) holding the form's
state with the interview it was typed for (opportunity and start time); it outlived a
deleted interview. Each draft whose interview still exists and matches is carried over
as format 1 of :mod:`followup_desktop.core.debrief_draft`, whose fields are the form's
fields of that time, and its setting is removed; so is the setting of a draft whose
interview is gone or is another one (no version could ever show those). A setting that
cannot be read as a draft at all is left as it is. Only rows are added and deleted
here, no table is rebuilt, so nothing cascades.

The keys and text forms are written out here rather than imported: a migration must do
the same thing whatever the code around it becomes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PREFIX = "debrief_draft:"
OLD_FORMAT = 1
NEW_VERSION = 1
# Format 1's fields: exactly the form state the settings held.
FIELDS = (
    "went_well",
    "went_badly",
    "learned_job",
    "learned_organization",
    "skills_to_build",
    "promised_material",
    "next_steps",
    "decision_date",
    "check_back_on",
    "decision_timeline_days",
    "preparedness",
    "tied_experience",
    "may_check_in",
    "preferred_channel",
    "panel",
    "questions",
    "panel_row",
    "question_row",
)


def _stored(moment: datetime) -> str:
    """An aware instant in the text form UTCDateTime stores."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _aware(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _interview_id(key: str) -> int | None:
    suffix = key[len(PREFIX) :]
    return int(suffix) if suffix.isdigit() else None


def _carry(
    connection: sa.Connection, key: str, value: Any, interviews: dict[int, tuple[int, str]]
) -> bool | None:
    """Insert the draft kept under ``key``: True carried, False dropped, None not a draft."""
    interview_id = _interview_id(key)
    if not isinstance(value, dict) or value.get("format") != OLD_FORMAT or interview_id is None:
        return None
    state, saved_at = value.get("state"), _aware(value.get("saved_at"))
    if not isinstance(state, dict) or saved_at is None:
        return None
    identity = value.get("interview")
    found = interviews.get(interview_id)
    if found is None or not isinstance(identity, dict):
        return False
    starts_at = _aware(identity.get("starts_at"))
    if identity.get("opportunity_id") != found[0] or starts_at != _instant(found[1]):
        return False  # a draft that came in with an import for another interview
    body = {key: state[key] for key in FIELDS if key in state}
    body.update(version=NEW_VERSION, saved_at=saved_at.isoformat())
    connection.execute(
        sa.text(
            "INSERT INTO debrief_drafts (interview_id, version, saved_at, body) "
            "VALUES (:interview_id, :version, :saved_at, :body)"
        ),
        {
            "interview_id": interview_id,
            "version": NEW_VERSION,
            "saved_at": _stored(saved_at),
            "body": json.dumps(body, ensure_ascii=False, sort_keys=True),
        },
    )
    return True


def upgrade() -> None:
    op.create_table(
        "debrief_drafts",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_debrief_drafts_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_debrief_drafts")),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT key, value FROM settings WHERE substr(key, 1, :n) = :prefix"),
        {"n": len(PREFIX), "prefix": PREFIX},
    ).all()
    if not rows:
        return
    interviews = {
        int(ident): (int(opportunity_id), str(starts_at))
        for ident, opportunity_id, starts_at in connection.execute(
            sa.text("SELECT id, opportunity_id, starts_at FROM interviews")
        )
    }
    for key, text in rows:
        try:
            value = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            continue
        if _carry(connection, key, value, interviews) is not None:
            connection.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": key})


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT d.interview_id, d.version, d.saved_at, d.body, i.opportunity_id, "
            "i.starts_at FROM debrief_drafts AS d JOIN interviews AS i ON i.id = d.interview_id"
        )
    ).all()
    for interview_id, version, saved_at, body, opportunity_id, starts_at in rows:
        if version != NEW_VERSION:
            continue  # a format the settings never held
        state = json.loads(body)
        state.pop("version", None)
        state.pop("saved_at", None)
        value = {
            "format": OLD_FORMAT,
            "interview": {
                "opportunity_id": opportunity_id,
                "starts_at": _instant(starts_at).isoformat(),
            },
            "saved_at": _instant(saved_at).isoformat(),
            "state": state,
        }
        connection.execute(
            sa.text("INSERT OR REPLACE INTO settings (key, value) VALUES (:key, :value)"),
            {"key": f"{PREFIX}{interview_id}", "value": json.dumps(value, ensure_ascii=False)},
        )
    op.drop_table("debrief_drafts")
