"""Each opportunity may say which language its letters are written in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A nullable column: None (every existing row) writes the letters in the app's language,
as before. Batch mode adds a nullable column without a CHECK with a plain ``ALTER TABLE
ADD COLUMN`` (``recreate="auto"``), so ``opportunities`` is not rebuilt and nothing can
cascade to its children (migrations also run with foreign keys off, see
``followup_desktop.core.db``); the downgrade drops the column in place for the same
reason. The allowed values are checked by the service.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("opportunities") as batch_op:
        batch_op.add_column(sa.Column("letter_language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+) edits the table in place. A batch rebuild (copy,
    # drop, rename) would delete every interview, action and draft through ON DELETE
    # CASCADE on a connection with foreign keys on, which a downgrade may run on.
    op.execute("ALTER TABLE opportunities DROP COLUMN letter_language")
