"""Test harness: strict, isolated, and honest about missing tools.

Every test gets its own data, config, state and runtime directories and its own database
file, so nothing leaks between tests or into the developer's real files. Qt runs
offscreen unless a test starts a real display itself.

A new database is a copy of one migrated once per session (``helpers/template_database``;
``@pytest.mark.real_migrations`` runs the migrations instead). Every test is guarded
(``helpers/guards``): a warning the app logs that the test did not declare, or a timer or
thread left running after teardown, fails it.

Shared fixtures: ``database``, ``service`` (on the fixed clock ``gui_helpers.NOW``) and
``window`` (a shown ``MainWindow`` on that service, settled); a module overrides any of
them by defining its own.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Before Qt is imported anywhere: tests never need a real screen unless they make one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One language and one locale for every test, whatever the machine's, and no language
# chosen in a real Settings: a test that speaks German or French says so itself
# (``i18n.set_language``, or the environment of the process it starts). The C locale
# names no country, so no country's public holidays move a test's dates; dates are then
# written as en_US writes them (``i18n.formatting_locale``).
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_TIME", "LC_NUMERIC"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"
os.environ["FOLLOWUP_LANGUAGE"] = "en"
os.environ.setdefault("FOLLOWUP_CONFIG_DIR", str(Path(__file__).parent / ".no-config"))

# The modules the tests share (not tests themselves) live in helpers/ and are imported by
# their own names, as ``import gui_helpers``; so are the few test modules others borrow
# from (``from test_keyring import MemoryKeyring``), whichever folder is run alone.
_TESTS = Path(__file__).parent
for _folder in ("helpers", "unit", "unit/core", "unit/gui", "integration", "desktop"):
    sys.path.insert(0, str(_TESTS / _folder))

from guards import Guard, QtMessages  # noqa: E402 - found through the path set above
from template_database import TemplateDatabase  # noqa: E402 - the same

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from followup_desktop.core.db import Database
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.main_window import MainWindow

REQUIRE_DESKTOP_ENV = "FOLLOWUP_REQUIRE_DESKTOP"


def require_tools(*names: str) -> None:
    """Skip when a tool is missing locally; fail when CI promised to install it."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return
    message = f"missing tools: {', '.join(missing)}"
    if os.environ.get(REQUIRE_DESKTOP_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_DESKTOP_ENV}=1, so this must run)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every per-user directory at the test's own temp folder."""
    home = tmp_path / "home"
    for variable, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(variable, str(folder))
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700, parents=True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    previous_hook = sys.excepthook
    yield home
    # main() installs file logging and a hook; close them so no test leaks a file handle.
    from followup_desktop.logs import teardown_logging

    teardown_logging()
    sys.excepthook = previous_hook


_QT_MESSAGES = QtMessages()


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Iterator[None]:
    # Installed once, before any test: pytest-qt puts it back after each test's call, so
    # it hears what Qt says during teardown.
    _QT_MESSAGES.install()
    return (yield)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> TemplateDatabase:
    """The session's migrated database (built when a test first needs a new one)."""
    return TemplateDatabase(tmp_path_factory.mktemp("template"))


@pytest.fixture(autouse=True)
def migrations_from_template(
    request: pytest.FixtureRequest,
    migrated_template: TemplateDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database created to the newest schema is a copy of the session's template."""
    if request.node.get_closest_marker("real_migrations") is not None:
        return
    from followup_desktop.core import db

    monkeypatch.setattr(db, "_migrate", migrated_template.migrate_step(db._migrate))


@pytest.fixture
def migrated_db_path(db_path: Path, migrated_template: TemplateDatabase) -> Path:
    """``db_path`` holding a new migrated database, for an app started as a process."""
    from followup_desktop.core import db

    return migrated_template.copy_to(db_path, db._migrate)


@pytest.fixture
def expected_logs(request: pytest.FixtureRequest, app_guard: Guard) -> Guard:
    """Declare app warnings a test provokes: ``expected_logs.expect("regex")``."""
    return app_guard


@pytest.fixture(autouse=True)
def app_guard(request: pytest.FixtureRequest) -> Iterator[Guard]:
    """Fail a test on an undeclared app warning, or a timer or thread left running."""
    qt_ignore = list(request.config.getini("qt_log_ignore"))
    ignore_marker = request.node.get_closest_marker("qt_log_ignore")
    if ignore_marker is not None:
        qt_ignore = [*qt_ignore, *ignore_marker.args]
    expected = [
        pattern for marker in request.node.iter_markers("expected_log") for pattern in marker.args
    ]
    guard = Guard(_QT_MESSAGES, qt_ignore, expected)
    yield guard
    problems = guard.problems()
    if problems:
        pytest.fail("left behind by the test:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new database file in the test's temp folder."""
    return tmp_path / "followup.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database on a real file."""
    from followup_desktop.core.db import open_database

    db = open_database(db_path)
    yield db
    db.close()


@pytest.fixture
def service(database: Database) -> FollowupService:
    """The service on a fresh database, its clock fixed at ``gui_helpers.NOW``."""
    from followup_desktop.core.services import FollowupService
    from gui_helpers import NOW

    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    """The main window on ``service``, shown and settled, answering dialogs itself."""
    from gui_helpers import open_window

    return open_window(qtbot, service, tmp_path)
