"""What the faces read: query functions that take a :class:`~followup_desktop.core.db.Database`
and hand back immutable snapshots.

Each function opens its own short session, reads only what its view shows and returns
frozen dataclasses (or tuples of them), so the window never holds a session or a live
ORM object, and never imports SQLAlchemy. Changes go through
:class:`~followup_desktop.core.services.FollowupService`; nothing here writes.
"""
