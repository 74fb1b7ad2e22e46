"""``followup-desktop --self-test``: prove that this installation works, in a few seconds.

Meant for the person who just installed Followup (or unpacked the bundle) and for the
build's smoke test. It checks what a broken package breaks first: the files read by path
(migrations, icons, schemas), the database stack, the planner on invented data, and Qt
drawing the main window with its plugins and fonts. It works in a temporary folder and
points the per-user directories there for its duration, so it touches none of your files.

It prints one line per check and returns 0 when all pass, 1 otherwise.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from followup_desktop import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

    from followup_desktop.core.db import Database

DEMO_OPPORTUNITIES = 20
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Qt warnings that say nothing about the installation (the offscreen plugin has no window
# manager to pass size hints to).
HARMLESS_QT_WARNINGS = ("This plugin does not support propagateSizeHints",)
_XDG_VARIABLES = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


class SelfTestError(Exception):
    """A check found a problem; the message says what and what to do about it."""


@dataclass
class _Context:
    """What the checks hand on to each other."""

    folder: Path
    opportunities: int
    db: Database | None = None
    open_actions: int = 0
    notes: list[str] = field(default_factory=list)


def run_self_test(*, out: TextIO | None = None, opportunities: int = DEMO_OPPORTUNITIES) -> int:
    """Run every check, print a short report to ``out`` (stdout); 0 when all pass."""
    stream = out if out is not None else sys.stdout
    started = time.perf_counter()
    print(f"{APP_NAME} {__version__} self-test: {_describe_build()}", file=stream)
    checks: list[tuple[str, Callable[[_Context], str], bool]] = [
        # (name, check, needs the database)
        ("files", _check_files, False),
        ("database", _check_database, False),
        ("planner", _check_planner, True),
        ("window", _check_window, True),
        ("password storage", _check_keyring, False),
        ("languages", _check_languages, False),
    ]
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="followup-selftest-") as tmp:
        context = _Context(Path(tmp), opportunities)
        with _isolated_user_dirs(context.folder):
            try:
                for name, check, needs_db in checks:
                    if needs_db and context.db is None:
                        _line(stream, "skipped", name, "needs the database check to pass")
                        continue
                    outcome = _run_check(name, check, context)
                    _line(stream, "ok" if outcome[0] else "FAILED", name, outcome[1])
                    if not outcome[0]:
                        failures.append(f"{name}: {outcome[1]}")
            finally:
                if context.db is not None:
                    context.db.close()
    for note in context.notes:
        print(f"  note: {note}", file=stream)
    elapsed = time.perf_counter() - started
    if failures:
        print(
            f"Self-test FAILED ({len(failures)} of {len(checks)} checks) in {elapsed:.1f} s. "
            "Reinstall Followup, or report the lines above with the output of "
            f"'followup-desktop --version'.",
            file=stream,
        )
        return 1
    print(f"Self-test passed in {elapsed:.1f} s.", file=stream)
    return 0


def _run_check(name: str, check: Callable[[_Context], str], context: _Context) -> tuple[bool, str]:
    started = time.perf_counter()
    try:
        detail = check(context)
    except SelfTestError as failure:
        return False, str(failure)
    except Exception as error:
        # A bug or a broken install: the traceback is what a bug report needs.
        traceback.print_exc(file=sys.stderr)
        return False, f"unexpected {type(error).__name__}: {error}"
    return True, f"{detail} ({_format_seconds(time.perf_counter() - started)})"


def _line(stream: TextIO, status: str, name: str, detail: str) -> None:
    print(f"  {status:<8}{name}: {detail}", file=stream)


def _format_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _describe_build() -> str:
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    if getattr(sys, "frozen", False):
        return f"bundle in {Path(sys.executable).parent}, {python}"
    return f"installed in {Path(__file__).parent}, {python}"


@contextlib.contextmanager
def _isolated_user_dirs(folder: Path) -> Iterator[None]:
    """Point the per-user directories (and the default database) into ``folder``."""
    saved = {name: os.environ.get(name) for name in (*_XDG_VARIABLES, "FOLLOWUP_DB")}
    try:
        for name in _XDG_VARIABLES:
            path = folder / name.lower()
            path.mkdir(mode=0o700)
            os.environ[name] = str(path)
        os.environ["FOLLOWUP_DB"] = str(folder / "default.sqlite3")
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- the checks ------------------------------------------------------------------------


def _check_files(_context: _Context) -> str:
    """The files Followup opens by path, which a careless package leaves out."""
    root = resources.files("followup_desktop")
    migrations = root / "core" / "migrations"
    missing = [
        f"core/migrations/{name}"
        for name in ("env.py", "script.py.mako")
        if not (migrations / name).is_file()
    ]
    versions = migrations / "versions"
    scripts = (
        [entry for entry in versions.iterdir() if entry.name.endswith(".py")]
        if versions.is_dir()
        else []
    )
    if not scripts:
        missing.append("core/migrations/versions/*.py")
    schema = root / "core" / "schema"
    schemas = (
        [entry for entry in schema.iterdir() if entry.name.endswith(".json")]
        if schema.is_dir()
        else []
    )
    if not schemas:
        missing.append("core/schema/*.json")
    templates_dir = root / "core" / "messages" / "templates"
    templates = (
        [entry for entry in templates_dir.iterdir() if entry.name.endswith(".txt")]
        if templates_dir.is_dir()
        else []
    )
    if not templates:
        missing.append("core/messages/templates/*.txt")
    hicolor = root / "resources" / "icons" / "hicolor"
    icons = [f"{size}x{size}/apps/{APP_ID}.png" for size in ICON_SIZES]
    icons.append(f"scalable/apps/{APP_ID}.svg")
    missing += [f"resources/icons/hicolor/{icon}" for icon in icons if not _is_file(hicolor, icon)]
    if missing:
        raise SelfTestError(
            f"files missing from the installation: {', '.join(missing)}. "
            "The package or bundle is incomplete; reinstall it (or rebuild the bundle)."
        )
    return (
        f"{_count(len(scripts), 'migration')}, {_count(len(schemas), 'schema')}, "
        f"{_count(len(templates), 'message template')}, {_count(len(icons), 'icon')}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _is_file(folder: Any, relative: str) -> bool:
    node = folder
    for part in relative.split("/"):
        node = node / part
    return bool(node.is_file())


def _check_database(context: _Context) -> str:
    """A new database file, created and migrated to the newest schema."""
    from followup_desktop.core.db import current_revision, head_revision, open_database
    from followup_desktop.core.errors import FollowupError

    path = context.folder / "selftest.sqlite3"
    try:
        context.db = open_database(path)
    except FollowupError as error:
        raise SelfTestError(f"could not create a database in {context.folder}: {error}") from error
    revision = current_revision(context.db.engine)
    head = head_revision()
    if revision != head:
        raise SelfTestError(
            f"the new database is at schema {revision}, not {head}: the migrations did not "
            "all run. Reinstall Followup."
        )
    return f"created and migrated to schema {head}"


def _check_planner(context: _Context) -> str:
    """Invented opportunities go in through the service layer and get actions planned."""
    from sqlalchemy import func, select

    from followup_desktop.core.demo import populate_demo
    from followup_desktop.core.models import Action, ActionState, Opportunity
    from followup_desktop.core.playbook import replan
    from followup_desktop.core.timeutil import utcnow

    db = context.db
    assert db is not None
    populate_demo(db, opportunities=context.opportunities, seed=0)
    with db.session() as session:
        # Re-plan everything once more, as after an upgrade: it must run cleanly on
        # whatever the demo left.
        replan(session, None, utcnow())
        opportunities = session.scalar(select(func.count()).select_from(Opportunity)) or 0
        open_actions = (
            session.scalar(
                select(func.count()).select_from(Action).where(Action.state == ActionState.OPEN)
            )
            or 0
        )
    if opportunities < context.opportunities:
        raise SelfTestError(
            f"the demo data holds {opportunities} opportunities instead of "
            f"{context.opportunities}; the installation's core is damaged. Reinstall Followup."
        )
    if open_actions == 0:
        raise SelfTestError(
            f"the planner planned no actions for {opportunities} demo opportunities; "
            "the installation's playbook is damaged. Reinstall Followup."
        )
    context.open_actions = open_actions
    return f"{opportunities} demo opportunities, {open_actions} open actions planned"


def _check_window(context: _Context) -> str:
    """Qt builds and draws the main window (platform plugin, style, fonts)."""
    _choose_platform()
    from PySide6.QtCore import QCoreApplication, QEvent, qInstallMessageHandler
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QAbstractItemView

    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.app import make_application
    from followup_desktop.gui.main_window import MainWindow

    messages: list[str] = []

    def collect(kind: QtMsgType, _where: QMessageLogContext, message: str) -> None:
        from PySide6.QtCore import QtMsgType

        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(harmless in message for harmless in HARMLESS_QT_WARNINGS):
            return
        messages.append(f"{kind.name}: {message}")
        sys.stderr.write(f"qt {kind.name}: {message}\n")

    db = context.db
    assert db is not None
    previous = qInstallMessageHandler(collect)
    try:
        make_application()
        platform = QGuiApplication.platformName()
        window = MainWindow(FollowupService(db))
        try:
            title = window.windowTitle()
            # grab() renders the whole widget tree without showing a window on screen.
            picture = window.grab()
            rows = sum(
                view.model().rowCount()
                for view in window.findChildren(QAbstractItemView)
                if view.model() is not None
            )
        finally:
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        qInstallMessageHandler(previous)
    if APP_NAME not in title:
        raise SelfTestError(f"the main window is titled {title!r}, not {APP_NAME!r}.")
    if picture.isNull() or picture.width() == 0:
        raise SelfTestError(
            f"Qt could not draw the main window on the {platform!r} platform. "
            "Check that a font is installed (e.g. fonts-dejavu-core)."
        )
    if messages:
        raise SelfTestError(
            f"Qt reported {len(messages)} problem(s) drawing the window on {platform!r}: "
            + "; ".join(messages[:3])
        )
    if rows == 0 and context.open_actions:
        context.notes.append(
            "the window's agenda is empty for the next days; the demo data's actions fall later."
        )
    return f"{title!r} drawn on {platform} at {picture.width()}x{picture.height()}, {rows} rows"


def _choose_platform() -> None:
    """Draw offscreen when there is no display to draw on (and Qt is not running yet)."""
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            return
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if not has_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _check_languages(_context: _Context) -> str:
    """The German and French catalogues load, Babel writes a German date, and Qt's own
    catalogues for the stock buttons are there (the bundle keeps only these languages)."""
    from datetime import date

    from followup_desktop.core import i18n, localformat
    from followup_desktop.gui.qt_language import qt_catalogue

    problems = []
    for language, name, expected in (
        ("de", "German", "Wie das System"),
        ("fr", "French", "Comme le système"),
    ):
        if i18n.translations_for(language).gettext("Follow the system") != expected:
            problems.append(f"the {name} catalogue does not load")
        if qt_catalogue(language) is None:
            problems.append(f"Qt's catalogue qtbase_{language}.qm is missing")
    try:
        written = localformat.long_date(date(2026, 12, 2), locale="de_DE")
    except Exception as error:  # a missing locale file raises from deep inside Babel
        written = f"{type(error).__name__}: {error}"
    if written != "2. Dezember 2026":
        problems.append(f"Babel wrote a German date as {written!r}")
    if problems:
        raise SelfTestError("; ".join(problems) + ". Reinstall Followup.")
    return "German and French catalogues, German dates, Qt's stock buttons"


def _check_keyring(_context: _Context) -> str:
    """keyring can find its backends; no store is asked anything.

    Asking keyring to choose a backend would talk to the session bus and could start a
    keyring daemon, which can hang; what a broken package breaks is the discovery
    (entry-point metadata and backend modules), and that is checked here.
    """
    from importlib.metadata import entry_points

    found = sorted(entry.name for entry in entry_points(group="keyring.backends"))
    wanted = "SecretService" if sys.platform.startswith("linux") else None
    if sys.platform == "win32":
        wanted = "Windows"
    elif sys.platform == "darwin":
        wanted = "macOS"
    if wanted is not None and (
        wanted not in found or importlib.util.find_spec(f"keyring.backends.{wanted}") is None
    ):
        raise SelfTestError(
            f"keyring's {wanted} backend is missing from the installation (found: "
            f"{', '.join(found) or 'none'}), so passwords could not be stored. "
            "Reinstall Followup."
        )
    if getattr(sys, "frozen", False) and importlib.util.find_spec("keyrings") is not None:
        raise SelfTestError(
            "the bundle contains keyrings.alt, whose file backends store passwords in plain "
            "text; rebuild it with packaging/followup.spec, which excludes it."
        )
    return f"keyring backends {', '.join(found)}"
