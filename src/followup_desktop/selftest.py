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
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.core.localformat import number

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

    from followup_desktop.core.db import Database

DEMO_OPPORTUNITIES = 20
# A check's outcome as the report's first column shows it.
_STATUSES = {"ok": _("ok"), "FAILED": _("FAILED"), "skipped": _("skipped")}
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
    print(
        _("{app} {version} self-test: {build}").format(
            app=APP_NAME, version=__version__, build=_describe_build()
        ),
        file=stream,
    )
    checks: list[tuple[str, Callable[[_Context], str], bool]] = [
        # (name, check, needs the database)
        (_("files"), _check_files, False),
        (_("database"), _check_database, False),
        (_("planner"), _check_planner, True),
        (_("window"), _check_window, True),
        (_("password storage"), _check_keyring, False),
        (_("languages"), _check_languages, False),
    ]
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="followup-selftest-") as tmp:
        context = _Context(Path(tmp), opportunities)
        with _isolated_user_dirs(context.folder):
            try:
                for name, check, needs_db in checks:
                    if needs_db and context.db is None:
                        _line(stream, "skipped", name, _("needs the database check to pass"))
                        continue
                    outcome = _run_check(name, check, context)
                    _line(stream, "ok" if outcome[0] else "FAILED", name, outcome[1])
                    if not outcome[0]:
                        failures.append(f"{name}: {outcome[1]}")
            finally:
                if context.db is not None:
                    context.db.close()
    for note in context.notes:
        print("  " + _("note: {note}").format(note=note), file=stream)
    elapsed = time.perf_counter() - started
    if failures:
        print(
            _(
                "Self-test FAILED ({failed} of {checks} checks) in {seconds} s. Reinstall "
                "Followup, or report the lines above with the output of {command}."
            ).format(
                failed=len(failures),
                checks=len(checks),
                seconds=number(round(elapsed, 1)),
                command="'followup-desktop --version'",
            ),
            file=stream,
        )
        return 1
    print(
        _("Self-test passed in {seconds} s.").format(seconds=number(round(elapsed, 1))),
        file=stream,
    )
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
        return False, _("unexpected {kind}: {error}").format(kind=type(error).__name__, error=error)
    return True, f"{detail} ({_format_seconds(time.perf_counter() - started)})"


def _line(stream: TextIO, status: str, name: str, detail: str) -> None:
    # The column is as wide as the longest status in the language, and one space.
    width = max(len(word) for word in _STATUSES.values()) + 1
    print(f"  {_STATUSES[status]:<{width}}{name}: {detail}", file=stream)


def _format_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{number(round(seconds * 1000))} ms"
    return f"{number(round(seconds, 1))} s"


def _describe_build() -> str:
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    if getattr(sys, "frozen", False):
        return _("bundle in {folder}, {python}").format(
            folder=Path(sys.executable).parent, python=python
        )
    return _("installed in {folder}, {python}").format(folder=Path(__file__).parent, python=python)


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
            _(
                "files missing from the installation: {files}. The package or bundle is "
                "incomplete; reinstall it (or rebuild the bundle)."
            ).format(files=", ".join(missing))
        )
    return ", ".join(
        (
            ngettext("{n} migration", "{n} migrations", len(scripts)).format(n=len(scripts)),
            ngettext("{n} schema", "{n} schemas", len(schemas)).format(n=len(schemas)),
            ngettext("{n} message template", "{n} message templates", len(templates)).format(
                n=len(templates)
            ),
            ngettext("{n} icon", "{n} icons", len(icons)).format(n=len(icons)),
        )
    )


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
        raise SelfTestError(
            _("could not create a database in {folder}: {error}").format(
                folder=context.folder, error=error
            )
        ) from error
    revision = current_revision(context.db.engine)
    head = head_revision()
    if revision != head:
        raise SelfTestError(
            _(
                "the new database is at schema {revision}, not {head}: the migrations did not "
                "all run. Reinstall Followup."
            ).format(revision=revision, head=head)
        )
    return _("created and migrated to schema {head}").format(head=head)


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
            _(
                "the demo data holds {found} opportunities instead of {wanted}; the "
                "installation's core is damaged. Reinstall Followup."
            ).format(found=opportunities, wanted=context.opportunities)
        )
    if open_actions == 0:
        raise SelfTestError(
            _(
                "the planner planned no actions for {n} demo opportunities; the "
                "installation's playbook is damaged. Reinstall Followup."
            ).format(n=opportunities)
        )
    context.open_actions = open_actions
    return _("{opportunities}, {actions} planned").format(
        opportunities=ngettext(
            "{n} demo opportunity", "{n} demo opportunities", opportunities
        ).format(n=opportunities),
        actions=ngettext("{n} open action", "{n} open actions", open_actions).format(
            n=open_actions
        ),
    )


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
        raise SelfTestError(
            _("the main window is titled {title}, not {app}.").format(
                title=repr(title), app=repr(APP_NAME)
            )
        )
    if picture.isNull() or picture.width() == 0:
        raise SelfTestError(
            _(
                "Qt could not draw the main window on the {platform} platform. "
                "Check that a font is installed (e.g. fonts-dejavu-core)."
            ).format(platform=repr(platform))
        )
    if messages:
        raise SelfTestError(
            ngettext(
                "Qt reported {n} problem drawing the window on {platform}: {problems}",
                "Qt reported {n} problems drawing the window on {platform}: {problems}",
                len(messages),
            ).format(n=len(messages), platform=repr(platform), problems="; ".join(messages[:3]))
        )
    if rows == 0 and context.open_actions:
        context.notes.append(
            _("the window's agenda is empty for the next days; the demo data's actions fall later.")
        )
    return ngettext(
        "{title} drawn on {platform} at {size}, {n} row",
        "{title} drawn on {platform} at {size}, {n} rows",
        rows,
    ).format(
        title=repr(title),
        platform=platform,
        size=f"{picture.width()}x{picture.height()}",
        n=rows,
    )


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
    for language, name in (("de", "German"), ("fr", "French")):
        # Any sentence of the window will do: a loaded catalogue never leaves it English.
        if i18n.translations_for(language).gettext("Follow the system") == "Follow the system":
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
            _(
                "keyring's {backend} backend is missing from the installation (found: "
                "{found}), so passwords could not be stored. Reinstall Followup."
            ).format(backend=wanted, found=", ".join(found) or _("none"))
        )
    if getattr(sys, "frozen", False) and importlib.util.find_spec("keyrings") is not None:
        raise SelfTestError(
            _(
                "the bundle contains keyrings.alt, whose file backends store passwords in "
                "plain text; rebuild it with packaging/followup.spec, which excludes it."
            )
        )
    return _("keyring backends {names}").format(names=", ".join(found))
