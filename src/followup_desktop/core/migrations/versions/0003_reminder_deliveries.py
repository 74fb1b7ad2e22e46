"""Remember which reminders reached the person, so a restart never repeats or loses one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

One row per action and announced due time: a snooze or a new due time is a new row, so
the action is announced again, while the same due time is announced only once (the
unique constraint makes that a rule of the database, not a hope of the scheduler).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("grouped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_reminder_deliveries_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_deliveries")),
        sa.UniqueConstraint("action_id", "due_at", name="uq_reminder_deliveries_action_id_due_at"),
    )


def downgrade() -> None:
    op.drop_table("reminder_deliveries")
