"""Alembic environment: runs in-process on the connection the app hands it.

No ``fileConfig`` call: it would reset the application's loggers.
"""

from __future__ import annotations

from alembic import context

from followup_desktop.core.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the developer's autogenerate path
    raise RuntimeError("migrations run through followup_desktop.core.db, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
context.run_migrations()
