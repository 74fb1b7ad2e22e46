"""The JSON import's writing half: replace every table with a checked export, then plan.

:func:`followup_desktop.core.exchange.prepare` checks the whole document and builds its
rows in storage form without writing; :meth:`ExchangeOps.import_export` takes the backup,
replaces the tables in one transaction and plans what was imported, so any error leaves
the database as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from followup_desktop.core.errors import ImportFormatError
from followup_desktop.core.i18n import _
from followup_desktop.core.playbook import replan_report
from followup_desktop.core.services._base import ServiceBase, marked_writing

if TYPE_CHECKING:
    from followup_desktop.core.exchange.prepare import ImportResult, Prepared


class ExchangeOps(ServiceBase):
    """Importing a Followup export (JSON), which replaces everything."""

    def import_export(
        self, document: Any, *, replace: bool = False, plan: bool = True
    ) -> ImportResult:
        """Replace the database's content with ``document``, all or nothing, then re-plan.

        Without ``replace`` the database must hold no opportunities and no contacts (a new
        database: its default stages and settings are replaced by the file's). With
        ``replace`` a backup is taken first, then everything is replaced.

        The imported facts are planned in the same transaction (at the service's clock),
        keeping what the file says the person did: done, dismissed and snoozed actions and
        hand-moved due times. An opportunity the playbook cannot plan (an override it does
        not know, an interview that ends before it starts, ...) is imported as it is and
        named in ``unplanned``. ``plan=False`` stores the file exactly as it is and plans
        nothing (to check what the format holds).
        """
        # Here, not at the top: the import's checks read the message and playbook
        # settings, whose modules load the service.
        from followup_desktop.core.exchange import explain
        from followup_desktop.core.exchange.prepare import (
            ImportResult,
            has_lone_surrogate,
            prepare,
        )
        from followup_desktop.core.exchange.schema import TABLES
        from followup_desktop.core.exchange.tables import release_gradually

        prepared = prepare(document)
        backup = self.db.backup("before-import") if replace else None
        try:
            with marked_writing(), self.db.engine.begin() as connection:
                if not replace:
                    self._refuse_unless_empty(connection)
                _replace_tables(connection, prepared)
                unplanned = self._plan_imported(connection) if plan else {}
        except sa.exc.IntegrityError as error:
            # The checks mirror every constraint of the schema, so this is a bug; still,
            # the transaction has rolled back and the person deserves a sentence, not a trace.
            raise ImportFormatError(
                _(
                    "the database refused the data ({error}); nothing was imported. Followup "
                    "should have caught this while checking the file: please report it."
                ).format(error=error.orig)
            ) from error
        except UnicodeEncodeError:
            # A lone UTF-16 surrogate (an escape like \ud800 in the file) is not text and
            # cannot be stored; the transaction has rolled back. Rare enough to look for
            # only now.
            location = explain._find(document, has_lone_surrogate)
            raise ImportFormatError(
                _(
                    "this text contains a lone UTF-16 surrogate escape (\\ud800-\\udfff without "
                    "its pair), which is not a character. Remove it or complete the pair."
                ),
                explain.json_path(location or ()),
            ) from None
        counts = {table: len(prepared.rows[table]) for table in TABLES}
        release_gradually(prepared.rows)
        return ImportResult(counts, backup, unplanned)

    def _refuse_unless_empty(self, connection: Connection) -> None:
        from followup_desktop.core.exchange.prepare import ImportConflictError

        opportunities = connection.exec_driver_sql(
            "SELECT count(*) FROM opportunities"
        ).scalar_one()
        contacts = connection.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one()
        if not opportunities and not contacts:
            return
        raise ImportConflictError(
            _(
                "The database {path} already holds {opportunities} opportunities and "
                "{contacts} contacts, and an import replaces everything. Run the import again "
                "with --replace to replace it (a backup is taken first), or import into a new "
                "database with --db."
            ).format(path=self.db.path, opportunities=opportunities, contacts=contacts)
        )

    def _plan_imported(self, connection: Connection) -> Mapping[int | None, str]:
        """Plan everything just imported, inside the import's own transaction."""
        with Session(bind=connection) as session:
            try:
                report = replan_report(session, None, self.clock(), skip_invalid=True)
            except OverflowError:
                # A valid instant at the very end of the calendar (9999-12-31T23:59+14:00
                # is allowed) leaves no room to plan after it; found by the import fuzzing
                # test. Raised inside the import's transaction, so nothing is kept.
                raise ImportFormatError(
                    _(
                        "a date in the file is so close to the end of the calendar (year 9999) "
                        "that nothing can be planned after it; check the dates and times."
                    )
                ) from None
            session.flush()
        return report.problems


def _replace_tables(connection: Connection, prepared: Prepared) -> None:
    from followup_desktop.core.exchange.tables import _specs

    # Children before parents when deleting, parents before children when inserting;
    # executemany on values already in storage form (see core.exchange.tables).
    for spec in reversed(_specs()):
        connection.exec_driver_sql(spec.delete_sql)
    for spec in _specs():
        rows = prepared.rows[spec.name]
        if rows:
            connection.exec_driver_sql(spec.insert_sql, rows)


__all__ = ["ExchangeOps"]
