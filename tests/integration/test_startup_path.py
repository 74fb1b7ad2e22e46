"""The path to a painted board stays clear of one-time work that can wait.

SQLAlchemy configures every mapper the first time the ORM is used, which takes a sizeable
part of start-up on a slow machine. The board reads stages, cards and card order in plain
SQL, so that set-up happens after the first paint, on the worker. Only a fresh process
shows it, hence the subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService

SCRIPT = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication([])
from sqlalchemy import event
from sqlalchemy.orm import Mapper

from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow

configured = []
event.listen(Mapper, "before_configured", lambda: configured.append(True))
service = FollowupService(open_database(Path(sys.argv[1])))
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(service, dialogs=Dialogs(), settings=settings)
window.show()
window.repaint()
before_paint_done = bool(configured)
cards = len(window.board_model.cards())
app.processEvents()
while not window.settled:
    window.tasks.wait()
    app.processEvents()
print(json.dumps({"before": before_paint_done, "after": bool(configured), "cards": cards,
                  "today": window.agenda_model.rowCount()}))
window.close()
"""


def _last_json(
    arguments: list[str], *, without_session_bus: bool = False, timeout: int = 60
) -> Any:
    """Run ``python -c`` with ``arguments`` offscreen; the JSON its last line prints."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if without_session_bus:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    output = subprocess.run(
        [sys.executable, "-c", *arguments],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_the_orm_is_set_up_only_after_the_board_is_painted(
    database: Database, tmp_path: Path
) -> None:
    service = FollowupService(database)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.add_action("call_recruiter", service.clock(), opportunity_id=acme)
    path = database.path
    database.close()
    result = _last_json([SCRIPT, str(path), str(tmp_path / "window.ini")], timeout=60)
    assert result == {"before": False, "after": True, "cards": 1, "today": 1}


LEAN_AGENDA = r"""
import json, sys
from followup_desktop.cli import main
code = main(["--db", sys.argv[1], "agenda", "--json"])
heavy = sorted(name for name in ("sqlalchemy", "alembic", "keyring", "jinja2", "icalendar")
               if name in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _lean_agenda(path: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    output = subprocess.run(
        [sys.executable, "-c", LEAN_AGENDA, str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    *listing, summary = output.strip().splitlines()
    return json.loads(summary), json.loads("\n".join(listing))


def test_the_agenda_command_reads_a_current_file_without_sqlalchemy(
    database: Database,
) -> None:
    service = FollowupService(database)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action("call_recruiter", service.clock(), opportunity_id=acme, reason="Asked.")
    path = database.path
    database.close()
    summary, items = _lean_agenda(path)
    assert summary == {"code": 0, "heavy": []}
    assert [(item["company"], item["kind"], item["reason"]) for item in items] == [
        ("Acme", "call_recruiter", "Asked.")
    ]


def test_an_older_file_still_goes_the_whole_way_and_is_migrated(db_path: Path) -> None:
    from followup_desktop.core.db import head_revision, migrate_to
    from followup_desktop.core.plainread import open_current, stored_revision

    migrate_to(db_path, "0001")
    assert open_current(db_path) is None  # not current: the plain path declines
    summary, _items = _lean_agenda(db_path)
    assert summary["code"] == 0
    heavy = summary["heavy"]
    assert isinstance(heavy, list)
    assert "sqlalchemy" in heavy  # opened, checked and migrated as before
    connection = open_current(db_path)
    assert connection is not None
    assert stored_revision(connection) == head_revision()
    connection.close()


def test_the_plain_path_declines_anything_but_a_sound_sqlite_file(tmp_path: Path) -> None:
    from followup_desktop.core.plainread import open_current

    assert open_current(tmp_path / "missing.sqlite3") is None
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    assert open_current(tmp_path / "empty.sqlite3") is None
    (tmp_path / "text.sqlite3").write_text("not a database")
    assert open_current(tmp_path / "text.sqlite3") is None


def test_the_plain_connection_cannot_write(database: Database) -> None:
    import sqlite3

    from followup_desktop.core.plainread import open_current

    path = database.path
    database.close()
    connection = open_current(path)
    assert connection is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connection.execute("DELETE FROM stages")
    connection.close()


def test_the_plain_agenda_reads_what_the_orm_reads(database: Database) -> None:
    """The driver-level query against the ORM statement it replaced, on the demo data."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, or_, select

    from followup_desktop.core.agenda import agenda
    from followup_desktop.core.demo import populate_demo
    from followup_desktop.core.models import Action, ActionState, Opportunity
    from followup_desktop.core.timeutil import local_zone

    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    populate_demo(database, 80, seed=3, now=now)
    service = FollowupService(database, clock=lambda: now)
    archived = service.create_opportunity("Archived Co", "Role").created_id
    assert archived is not None
    service.add_action("custom", now, opportunity_id=archived)
    service.set_archived([archived], True)
    with database.session() as session:
        first_open = session.scalars(
            select(Action.id).where(Action.state == ActionState.OPEN).limit(3)
        ).all()
    for hours, action_id in enumerate(first_open):
        service.snooze_action(action_id, now + timedelta(hours=5 * hours + 1))
    due = func.coalesce(Action.snoozed_until, Action.due_at)
    reference = (
        select(Action.id, due)
        .outerjoin(Opportunity, Action.opportunity_id == Opportunity.id)
        .where(Action.state.in_([ActionState.OPEN, ActionState.SNOOZED]))
        .where(or_(Opportunity.id.is_(None), Opportunity.archived.is_(False)))
        .order_by(due, Action.id)
    )
    with database.session() as session:
        expected = [row[0] for row in session.execute(reference)]
        snoozed = session.scalar(select(func.count()).where(Action.state == ActionState.SNOOZED))
        items = agenda(session, now, local_zone())
        window = agenda(
            session, now, local_zone(), since=now, until=now + timedelta(days=3), limit=5
        )
    assert snoozed == 3
    assert [item.action_id for item in items] == expected
    assert all(item.due_at.utcoffset() == timedelta(0) for item in items)
    assert [item.due_at for item in items] == sorted(item.due_at for item in items)
    assert 0 < len(window) <= 5
    assert all(now <= item.due_at < now + timedelta(days=3) for item in window)


HEAVY = ("sqlalchemy", "alembic", "keyring", "jinja2", "icalendar")

IMPORTS = r"""
import json, sys
import followup_desktop.cli
import followup_desktop.gui.app
import followup_desktop.gui.main_window
import followup_desktop.core.plainread
print(json.dumps(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def test_the_start_up_modules_load_nothing_heavy() -> None:
    assert _last_json([IMPORTS, *HEAVY], timeout=60) == []


RUN_GUI = r"""
import json, sys
from pathlib import Path
from followup_desktop.gui import app as gui_app

seen = {}
report = gui_app._report_first_paint


def watch(window):
    report(window)

    def painted():
        seen["heavy_at_paint"] = sorted(name for name in sys.argv[2:] if name in sys.modules)
        seen["cards_at_paint"] = len(window.board_model.cards())
        seen["ready_at_paint"] = window.service_ready

    window.first_painted.connect(painted)
    seen["window"] = window


gui_app._report_first_paint = watch
code = gui_app.run_gui(Path(sys.argv[1]), quit_after_show=True)
window = seen.pop("window")
seen.update(code=code, ready=window.service_ready, today=window.agenda_model.rowCount(),
            heavy_after=sorted(name for name in sys.argv[2:] if name in sys.modules))
print(json.dumps(seen))
"""


def test_the_window_paints_its_board_before_sqlalchemy_loads_then_opens_fully(
    database: Database, isolated_home: Path
) -> None:
    service = FollowupService(database)
    for company in ("Acme", "Globex", "Initech"):
        created = service.create_opportunity(company, "Analyst").created_id
        service.add_action("call_recruiter", service.clock(), opportunity_id=created)
    path = database.path
    database.close()
    result = _last_json([RUN_GUI, str(path), *HEAVY], without_session_bus=True, timeout=120)
    assert result["heavy_at_paint"] == []
    assert result["cards_at_paint"] == 3
    assert result["ready_at_paint"] is False
    assert result["code"] == 0
    assert result["ready"] is True  # the service arrived and the tray was set up
    assert "sqlalchemy" in result["heavy_after"]


def test_a_window_waiting_for_its_service_takes_no_input(
    database: Database, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from followup_desktop.core.plainread import open_current
    from followup_desktop.gui.dialogs import Dialogs
    from followup_desktop.gui.main_window import MainWindow, StartupSource

    app = QApplication.instance() or QApplication([])
    service = FollowupService(database)
    service.create_opportunity("Acme", "Analyst")
    connection = open_current(database.path)
    assert connection is not None
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    window = MainWindow(StartupSource(connection), dialogs=Dialogs(), settings=settings)
    try:
        window.show()
        app.processEvents()
        assert [card.company for card in window.board_model.cards()] == ["Acme"]
        ready_before, settled_before = window.service_ready, window.settled
        assert not ready_before and not settled_before
        assert "Opening the database" in window.statusBar().currentMessage()
        window.search.setFocus()
        QTest.keyClicks(window.search, "acme")
        assert window.search.text() == ""  # held back: nothing acts before the service
        window.attach_service(service)
        QTest.keyClicks(window.search, "acme")
        assert window.search.text() == "acme"
        while not window.settled:
            window.tasks.wait()
            app.processEvents()
        assert window.service_ready
        with pytest.raises(Exception, match="closed"):
            connection.execute("SELECT 1")  # the start-up connection was handed back
    finally:
        window.close()
        window.deleteLater()


FAILING_OPEN = r"""
import hashlib, json, sys
from pathlib import Path
from followup_desktop.core.errors import DatabaseError
from followup_desktop.gui import app as gui_app

path = Path(sys.argv[1])
shown = []
gui_app.message_box = lambda parent, icon, title, text, **buttons: shown.append(text)


def refuse(opened, **_options):
    raise DatabaseError(f"{opened} failed a check that only the whole opening runs.", opened)


def digest():
    # The file and its write-ahead log: a write would show in one or the other.
    wal = Path(f"{path}-wal")
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return hashlib.sha256(data).hexdigest()


gui_app.open_database = refuse
before = digest()
code = gui_app.run_gui(path)
print(json.dumps({"code": code, "shown": shown, "unchanged": digest() == before}))
"""


def test_when_the_whole_opening_fails_after_the_paint_nothing_is_written(
    database: Database,
) -> None:
    from reminder_helpers import ANY_TIME, set_setting

    service = FollowupService(database)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action("call_recruiter", service.clock(), opportunity_id=acme)
    set_setting(database, "reminders", ANY_TIME)  # a reminder due now would be recorded
    path = database.path
    database.close()
    result = _last_json([FAILING_OPEN, str(path)], without_session_bus=True, timeout=120)
    assert result["code"] == 2
    assert len(result["shown"]) == 1 and "failed a check" in result["shown"][0]
    assert result["unchanged"]  # the painted board wrote nothing, and nothing after it


TRAY_IMPORTS = r"""
import json, sys
import followup_desktop.core.messages
import followup_desktop.gui.composer
import followup_desktop.gui.tray
loaded_at_start = "jinja2" in sys.modules
from followup_desktop.core.messages import render_source
rendered = render_source("Subject: Hello {{ name }}\nBody", {"name": "Sam"})
print(json.dumps([loaded_at_start, "jinja2" in sys.modules, rendered.subject]))
"""


def test_the_tray_and_composer_load_jinja2_only_when_a_template_is_rendered() -> None:
    # The tray is set up on the GUI thread just after the first paint; importing Jinja2
    # there froze the window, so the template engine waits for the first message.
    assert _last_json([TRAY_IMPORTS], timeout=60) == [False, True, "Hello Sam"]


REMINDERS_AFTER_CHECK = r"""
import json, sys, threading
from pathlib import Path
from followup_desktop.gui import app as gui_app
from followup_desktop.gui.scheduler import ReminderScheduler

starts = []
original_start = ReminderScheduler.start


def start(self):
    # Where and when the first reminder check runs: on the GUI thread, after the full
    # integrity check, so its delivery writes never wait for the check there.
    starts.append({
        "checked": self.service.db.gate.passed,
        "gui_thread": threading.current_thread() is threading.main_thread(),
    })
    original_start(self)
    starts[-1]["armed"] = self.timer.isActive()


ReminderScheduler.start = start
code = gui_app.run_gui(Path(sys.argv[1]), quit_after_show=True)
print(json.dumps({"code": code, "starts": starts}))
"""


def test_reminders_start_once_the_integrity_check_has_ended(
    database: Database, isolated_home: Path
) -> None:
    service = FollowupService(database)
    created = service.create_opportunity("Acme", "Analyst").created_id
    service.add_action("call_recruiter", service.clock(), opportunity_id=created)
    path = database.path
    database.close()
    result = _last_json([REMINDERS_AFTER_CHECK, str(path)], without_session_bus=True, timeout=120)
    assert result == {
        "code": 0,
        "starts": [{"checked": True, "gui_thread": True, "armed": True}],
    }


def test_the_board_read_ahead_is_the_board_the_window_would_read(database: Database) -> None:
    from followup_desktop.core.queries.first_board import read_first_board
    from followup_desktop.core.queries.window import read_board

    service = FollowupService(database)
    created = [service.create_opportunity(f"Company {n}", "Analyst").created_id for n in range(5)]
    ids = [created_id for created_id in created if created_id is not None]
    service.add_action("call_recruiter", service.clock(), opportunity_id=ids[2])
    service.set_archived([ids[4]], True)
    expected = read_board(database, service.clock())
    path = database.path
    database.close()
    board = read_first_board(path)
    assert board is not None
    try:
        assert board.data.stages == expected.stages
        assert board.data.cards == expected.cards
        assert board.data.ranks == expected.ranks
    finally:
        board.discard()
    with pytest.raises(Exception, match="closed"):
        board.connection.execute("SELECT 1")


def test_the_read_ahead_declines_what_the_whole_opening_must_see(
    db_path: Path, tmp_path: Path
) -> None:
    from fault_helpers import damage_table, filled_database
    from followup_desktop.core.db import migrate_to
    from followup_desktop.core.queries.first_board import read_first_board

    assert read_first_board(tmp_path / "missing.sqlite3") is None
    (tmp_path / "text.sqlite3").write_text("not a database")
    assert read_first_board(tmp_path / "text.sqlite3") is None
    migrate_to(db_path, "0001")
    assert read_first_board(db_path) is None  # older: migrated the whole way
    damaged = tmp_path / "damaged.sqlite3"
    filled_database(damaged, 120)
    damage_table(damaged)  # the cards themselves cannot be read
    assert read_first_board(damaged) is None


DAMAGED_ELSEWHERE = r"""
import hashlib, json, sys
from pathlib import Path
from PySide6.QtWidgets import QMessageBox
from followup_desktop.gui import app as gui_app

path = Path(sys.argv[1])
asked, seen = [], {}


def answer(parent, icon, title, text, **buttons):
    asked.append(text)
    return QMessageBox.StandardButton.Yes


gui_app.message_box = answer
report = gui_app._report_first_paint


def watch(window):
    report(window)

    def painted():
        seen["cards_at_paint"] = len(window.board_model.cards())
        seen["ready_at_paint"] = window.service_ready

    window.first_painted.connect(painted)
    seen["window"] = window


gui_app._report_first_paint = watch
before = hashlib.sha256(path.read_bytes()).hexdigest()
code = gui_app.run_gui(path, quit_after_show=True)
window = seen.pop("window")
kept = [p for p in path.parent.iterdir() if ".before-restore-" in p.name]
kept = [p for p in kept if p.read_bytes()[:16] == b"SQLite format 3\x00"]
seen.update(kept=len(kept), code=code, asked=asked, cards=len(window.board_model.cards()),
            kept_unchanged=hashlib.sha256(kept[0].read_bytes()).hexdigest() == before)
print(json.dumps(seen))
"""


def test_damage_the_board_does_not_read_is_found_after_the_paint_before_any_write(
    tmp_path: Path, isolated_home: Path
) -> None:
    # The read ahead skips quick_check: the board paints, then the whole opening finds
    # the damaged page, offers the backup and shows what it holds; nothing is written
    # to the damaged file, which is kept beside the restored one.
    from fault_helpers import filled_database, page_of, write_into_page
    from followup_desktop.core.db import backup_database

    path = tmp_path / "followup.sqlite3"
    filled_database(path, 120)
    backup_database(path, "manual")
    write_into_page(path, page_of(path, "stage_changes", "leaf"), 8, b"\xa5" * 3000)
    result = _last_json([DAMAGED_ELSEWHERE, str(path)], without_session_bus=True, timeout=120)
    assert result["cards_at_paint"] == 120
    assert result["ready_at_paint"] is False
    assert len(result["asked"]) == 1 and "damaged" in result["asked"][0]
    assert result["code"] == 0
    assert result["cards"] == 120  # the restored backup's cards
    assert result["kept"] == 1 and result["kept_unchanged"]


CLI_GC = r"""
import gc, json, sys
from followup_desktop.cli import main
from followup_desktop.gui import app as gui_app

seen = {}
report = gui_app._report_first_paint


def watch(window):
    report(window)
    seen["collecting_before_paint"] = gc.isenabled()
    window.first_painted.connect(lambda: seen.setdefault("collecting_at_paint", gc.isenabled()))


gui_app._report_first_paint = watch
seen["code"] = main(["--db", sys.argv[1], "--quit-after-show"])
seen["collecting_after"] = gc.isenabled()
print(json.dumps(seen))
"""


def test_garbage_collection_waits_for_the_first_paint_and_then_resumes(
    database: Database, isolated_home: Path
) -> None:
    FollowupService(database).create_opportunity("Acme", "Analyst")
    path = database.path
    database.close()
    assert _last_json([CLI_GC, str(path)], without_session_bus=True, timeout=120) == {
        "collecting_before_paint": False,
        "collecting_at_paint": True,
        "collecting_after": True,
        "code": 0,
    }
