"""Start at login: an XDG autostart entry that opens Followup in the tray.

``~/.config/autostart/<APP_ID>.desktop`` (honouring ``$XDG_CONFIG_HOME``) runs Followup
with ``--minimized``; removing the file turns it off. Inside a Flatpak sandbox the
desktop portal's Background API does it instead (:mod:`followup_desktop.portal_autostart`).
Only Linux and other XDG desktops are supported for now; elsewhere the functions say so
instead of pretending.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from followup_desktop import APP_ID, APP_NAME, portal_autostart
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import LANGUAGES, N_, _, translations_for

MINIMIZED_FLAG = "--minimized"
# Characters that force quoting in an Exec argument (Desktop Entry spec, "Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def autostart_supported() -> bool:
    """True on systems that read XDG autostart entries."""
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def autostart_path() -> Path:
    """Where the autostart entry lives."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{APP_ID}.desktop"


def launch_command() -> list[str]:
    """How to start this Followup again: the bundle, the installed script, or the module."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = shutil.which("followup-desktop")
    if script:
        return [script]
    return [sys.executable, "-m", "followup_desktop"]


def quote_exec_argument(argument: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` line."""
    escaped = argument.replace("%", "%%")
    if not any(character in _RESERVED for character in escaped):
        return escaped
    for character in ("\\", '"', "`", "$"):
        escaped = escaped.replace(character, "\\" + character)
    return f'"{escaped}"'


#: The entry's comment, in English and, beside it, in each language Followup speaks (the
#: desktop shows the one of its own language).
COMMENT = N_("Reminders for your job-interview follow-ups, from the tray")


def autostart_entry(command: Sequence[str]) -> str:
    """The desktop entry text that runs ``command`` minimized at login."""
    exec_line = " ".join(quote_exec_argument(part) for part in [*command, MINIMIZED_FLAG])
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        f"Comment={COMMENT}\n"
        + "".join(
            f"Comment[{language}]={translations_for(language).gettext(COMMENT)}\n"
            for language in LANGUAGES
            if language != "en"
        )
        + f"Exec={exec_line}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_autostart(enabled: bool, command: Sequence[str] | None = None) -> Path:
    """Write (True) or remove (False) the autostart entry; returns its path."""
    if not autostart_supported():
        raise FollowupError(
            _(
                "Starting at login is only available on Linux desktops for now; "
                "add Followup to your system's login items by hand."
            )
        )
    if portal_autostart.in_sandbox():
        return _set_through_portal(enabled, command)
    path = autostart_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".desktop.tmp")
        temporary.write_text(autostart_entry(command or launch_command()), encoding="utf-8")
        temporary.replace(path)  # never leave a half-written entry behind
    except OSError as error:
        raise FollowupError(
            _(
                "Cannot write {path}: {problem}. Check that the folder is yours and "
                "writable, then try again."
            ).format(path=path, problem=error.strerror)
        ) from error
    return path


def _set_through_portal(enabled: bool, command: Sequence[str] | None) -> Path:
    # Inside the sandbox the app is started by its own name, not by a host path.
    wanted = [*(command or ["followup-desktop"]), MINIMIZED_FLAG]
    granted = portal_autostart.request_background(enabled, wanted)
    if enabled and not granted:
        raise FollowupError(
            _(
                "Start at login was not allowed. Allow Followup to run in the background in "
                "your desktop's settings (Apps, or Privacy), then try again."
            )
        )
    portal_autostart.remember(enabled and granted)
    return portal_autostart.state_path()


def autostart_enabled() -> bool:
    """True when the autostart entry exists and is not switched off by the desktop."""
    if portal_autostart.in_sandbox():
        return portal_autostart.remembered()
    path = autostart_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    lines = {line.strip() for line in text.splitlines()}
    return "Hidden=true" not in lines and "X-GNOME-Autostart-enabled=false" not in lines


__all__ = [
    "MINIMIZED_FLAG",
    "autostart_enabled",
    "autostart_entry",
    "autostart_path",
    "set_autostart",
]
