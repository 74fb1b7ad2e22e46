"""Adding Followup to this user's application menu on freedesktop.org desktops.

``followup-desktop install-desktop-entry`` writes the desktop entry, the icons and the
AppStream metainfo under ``$XDG_DATA_HOME`` (``~/.local/share``) with ``Exec`` pointing at
the program that ran the command: the bundle's executable when frozen, else the installed
``followup-desktop`` script. Nothing needs root and nothing outside these files is touched, so
``--uninstall`` removes exactly what was written. One id names the entry, the icon, the
AppStream metainfo and the window (``QGuiApplication.setDesktopFileName``), which is how
the desktop matches a running window to its menu entry.

Qt-free, so the command line can run it without loading Qt.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import sysconfig
import tempfile
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from followup_desktop import APP_ID
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _

log = logging.getLogger(__name__)

DESKTOP_FILE_NAME = f"{APP_ID}.desktop"
METAINFO_FILE_NAME = f"{APP_ID}.metainfo.xml"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
SYMBOLIC_ICON = Path("symbolic") / "apps" / f"{APP_ID}-symbolic.svg"
SCRIPT_NAME = "followup-desktop"
# The desktop entry's actions start Followup with ``--action NAME``; a running Followup
# receives the same arguments from the single-instance hand-over.
ACTION_FLAG = "--action"
JUST_INTERVIEWED = "just-interviewed"
TODAY = "today"
ACTIONS = (JUST_INTERVIEWED, TODAY)
# Characters that make the Desktop Entry spec require a quoted Exec argument.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = frozenset('"`$\\')


class DesktopIntegrationError(FollowupError):
    """The desktop entry cannot be installed or removed; the message says why."""


def action_arguments(action: str | None) -> list[str]:
    """The arguments that carry ``action`` to a running Followup (none for None)."""
    return [] if action is None else [ACTION_FLAG, action]


def requested_actions(arguments: Sequence[str]) -> list[str]:
    """The action names among handed-over arguments, in order (unknown ones dropped)."""
    found = []
    for index, text in enumerate(arguments[:-1]):
        if text == ACTION_FLAG:
            name = arguments[index + 1]
            if name in ACTIONS:
                found.append(name)
            else:
                log.warning("ignored the unknown launch action %r", name)
    return found


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def installed_paths(home: Path | None = None) -> list[Path]:
    """Every file :func:`install_desktop_entry` writes (and uninstall removes)."""
    base = home if home is not None else data_home()
    hicolor = base / "icons" / "hicolor"
    paths = [base / "applications" / DESKTOP_FILE_NAME]
    paths += [hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES]
    paths.append(hicolor / "scalable" / "apps" / f"{APP_ID}.svg")
    paths.append(hicolor / SYMBOLIC_ICON)
    paths.append(base / "metainfo" / METAINFO_FILE_NAME)
    return paths


def launch_command() -> list[str]:
    """The command that starts this installation of Followup."""
    if getattr(sys, "frozen", False):
        # The bundle's own executable: the entry follows the folder it was run from.
        return [str(Path(sys.executable).absolute())]
    script = SCRIPT_NAME + (".exe" if sys.platform == "win32" else "")
    # The environment's own script first: a venv or pipx install need not be on PATH.
    beside = Path(sysconfig.get_path("scripts")) / script
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    found = shutil.which(SCRIPT_NAME)
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "followup_desktop"]


def exec_value(command: Sequence[str]) -> str:
    """``command`` as the value of an ``Exec`` key, quoted and escaped as the spec says."""
    if not command:
        raise DesktopIntegrationError(_("The command to start Followup is empty."))
    return _escape_string(" ".join(_quote_argument(argument) for argument in command))


def _quote_argument(argument: str) -> str:
    if "\n" in argument or "\r" in argument:
        raise DesktopIntegrationError(
            _(
                "{path} contains a line break, which a desktop entry cannot hold; "
                "move Followup to a folder without one."
            ).format(path=repr(argument))
        )
    argument = argument.replace("%", "%%")  # field codes start with %
    if argument and not _RESERVED.intersection(argument):
        return argument
    inner = "".join(f"\\{char}" if char in _ESCAPED_IN_QUOTES else char for char in argument)
    return f'"{inner}"'


def _escape_string(value: str) -> str:
    # The general escaping of string values comes on top of Exec's own quoting.
    return value.replace("\\", "\\\\")


def _package_resources() -> Traversable:
    return resources.files("followup_desktop") / "resources"


def desktop_entry_text(command: Sequence[str]) -> str:
    """The packaged desktop entry with its program (``Exec``, the actions' ``Exec``, and
    ``TryExec``) set to ``command``, keeping each ``Exec``'s arguments."""
    template = _package_resources() / DESKTOP_FILE_NAME
    if not template.is_file():
        raise DesktopIntegrationError(
            _("The installation lacks {file}; reinstall Followup.").format(file=DESKTOP_FILE_NAME)
        )
    lines = []
    for original in template.read_text(encoding="utf-8").splitlines():
        if original.startswith("Exec="):
            # The program is replaced; what follows it (``%F``, ``--action today``) stays.
            _program, _space, arguments = original.removeprefix("Exec=").partition(" ")
            tail = f" {arguments}" if arguments else ""
            lines.append(f"Exec={exec_value(command)}{tail}")
        elif original.startswith("TryExec="):
            # TryExec names a file: the program, without arguments or quoting.
            lines.append(f"TryExec={_escape_string(command[0])}")
        else:
            lines.append(original)
    return "\n".join(lines) + "\n"


def _metainfo_source() -> Traversable:
    source = _package_resources() / METAINFO_FILE_NAME
    if not source.is_file():
        raise DesktopIntegrationError(
            _("The installation lacks {file}; reinstall Followup.").format(file=METAINFO_FILE_NAME)
        )
    return source


def _icon_sources() -> list[tuple[Traversable, Path]]:
    """(packaged icon, path relative to the hicolor folder) for every icon."""
    hicolor = _package_resources() / "icons" / "hicolor"
    relative = [Path(f"{size}x{size}") / "apps" / f"{APP_ID}.png" for size in ICON_SIZES]
    relative.append(Path("scalable") / "apps" / f"{APP_ID}.svg")
    relative.append(SYMBOLIC_ICON)
    sources = []
    for path in relative:
        source = hicolor
        for part in path.parts:
            source = source / part
        if not source.is_file():
            raise DesktopIntegrationError(
                _("The installation lacks the icon {path}; reinstall Followup.").format(path=path)
            )
        sources.append((source, path))
    return sources


def _require_freedesktop() -> None:
    if sys.platform in ("win32", "darwin"):
        raise DesktopIntegrationError(
            _(
                "Desktop entries are for Linux and other freedesktop.org desktops; on Windows "
                "and macOS, start Followup from where you installed it."
            )
        )


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def install_desktop_entry(
    *, command: Sequence[str] | None = None, home: Path | None = None
) -> list[Path]:
    """Write the desktop entry, icons and metainfo for this user; returns the files written.

    ``command`` defaults to :func:`launch_command`; ``home`` to :func:`data_home`.
    Running it again overwrites the same files (after moving the bundle, for instance).
    """
    _require_freedesktop()
    base = home if home is not None else data_home()
    entry_text = desktop_entry_text(list(command) if command else launch_command())
    icons = _icon_sources()
    _metainfo_source()
    written: list[Path] = []
    try:
        hicolor = base / "icons" / "hicolor"
        for source, relative in icons:
            target = hicolor / relative
            _write_atomically(target, source.read_bytes())
            written.append(target)
        # Icon themes notice new files by the theme folder's time; a stale cache is ignored.
        os.utime(hicolor)
        # Software centres read the metainfo beside the entry.
        metainfo = base / "metainfo" / METAINFO_FILE_NAME
        _write_atomically(metainfo, _metainfo_source().read_bytes())
        written.append(metainfo)
        # The entry goes last: a menu entry whose icon is missing would look broken.
        entry = base / "applications" / DESKTOP_FILE_NAME
        _write_atomically(entry, entry_text.encode("utf-8"))
        written.append(entry)
    except OSError as error:
        raise DesktopIntegrationError(
            _(
                "Could not write {path}: {problem}. Check that {folder} is yours and "
                "writable (or set XDG_DATA_HOME)."
            ).format(path=error.filename or base, problem=error.strerror, folder=base)
        ) from error
    return written


def uninstall_desktop_entry(*, home: Path | None = None) -> list[Path]:
    """Remove what :func:`install_desktop_entry` wrote; returns the files removed."""
    _require_freedesktop()
    removed = []
    for path in installed_paths(home):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise DesktopIntegrationError(
                _("Could not remove {path}: {problem}. Remove it by hand.").format(
                    path=path, problem=error.strerror
                )
            ) from error
        removed.append(path)
    return removed


def icon_file(size: int | None = None) -> Path:
    """The packaged icon: the PNG of ``size`` pixels, or the SVG when ``size`` is None.

    For the window icon (``QIcon(str(icon_file()))``) in both the pip install and the bundle.
    """
    hicolor = _package_resources() / "icons" / "hicolor"
    if size is None:
        node = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    elif size in ICON_SIZES:
        node = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    else:
        raise ValueError(f"no {size} px icon; sizes are {ICON_SIZES}")
    return Path(str(node))
