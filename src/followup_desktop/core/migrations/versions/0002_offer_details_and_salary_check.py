"""Offer details on opportunities, and a salary range the database itself enforces.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adding a CHECK constraint makes SQLite rebuild ``opportunities`` (copy, drop, rename).
Every child table points at it with ON DELETE CASCADE, which is why migrations run with
foreign keys off (see ``followup_desktop.core.db``): with them on, the drop would empty
interviews, actions and correspondence without a word.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Ranges typed the wrong way round are swapped rather than refused, so no row is lost.
    op.execute(
        "UPDATE opportunities SET salary_min = salary_max, salary_max = salary_min "
        "WHERE salary_min IS NOT NULL AND salary_max IS NOT NULL AND salary_min > salary_max"
    )
    with op.batch_alter_table("opportunities", recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column("acceptance_criteria", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            "salary_range",
            "salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max",
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunities", recreate="always") as batch_op:
        batch_op.drop_constraint("ck_opportunities_salary_range", type_="check")
        batch_op.drop_column("start_date")
        batch_op.drop_column("acceptance_criteria")
