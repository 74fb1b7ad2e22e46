"""Start at login from inside a sandbox (Flatpak): the XDG desktop portal's Background API.

A sandboxed app cannot write ``~/.config/autostart``; it asks the portal instead
(``org.freedesktop.portal.Background.RequestBackground`` with ``autostart``), and the
desktop may ask the person. The answer comes as a ``Response`` signal on a request
object whose path the caller predicts from its ``handle_token``, so it subscribes before
asking. The portal keeps no state Followup can read back, so the last answer is kept in
a small file beside Followup's settings.

Qt-free (jeepney, like the notifications), so the core and the command line can use it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from jeepney import (  # type: ignore[import-untyped, unused-ignore]
    DBusAddress,
    MatchRule,
    message_bus,
    new_method_call,
)
from jeepney.io.blocking import (  # type: ignore[import-untyped, unused-ignore]
    open_dbus_connection,
)

from followup_desktop import APP_NAME
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
BACKGROUND = "org.freedesktop.portal.Background"
REQUEST = "org.freedesktop.portal.Request"
REASON = _("Followup reminds you of follow-ups from the background, even with its window closed.")
# The person may be asked: give them time to answer.
ANSWER_TIMEOUT_S = 120.0


class PortalError(FollowupError):
    """The desktop portal could not be reached or refused the request."""


def in_sandbox() -> bool:
    """True inside a Flatpak sandbox, where autostart goes through the portal."""
    return bool(os.environ.get("FLATPAK_ID")) or Path("/.flatpak-info").exists()


def state_path() -> Path:
    """Where the portal's last answer is kept (the portal cannot be asked for it)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / APP_NAME / "portal-autostart"


def request_background(
    autostart: bool,
    command: Sequence[str],
    *,
    bus: str = "SESSION",
    timeout: float = ANSWER_TIMEOUT_S,
) -> bool:
    """Ask the portal to (not) start ``command`` at login; True when autostart is granted.

    Raises :class:`PortalError` when there is no portal or it answers with an error.
    """
    try:
        connection = open_dbus_connection(bus)
    except (OSError, KeyError, ValueError) as error:
        raise PortalError(
            _("There is no session bus to reach the desktop portal: {error}").format(error=error)
        ) from error
    with connection:
        token = f"followup{secrets.token_hex(6)}"
        sender = (connection.unique_name or "").lstrip(":").replace(".", "_")
        handle = f"{PORTAL_PATH}/request/{sender}/{token}"
        rule = MatchRule(type="signal", interface=REQUEST, member="Response", path=handle)
        with connection.filter(rule) as responses:
            connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=10)
            options = {
                "handle_token": ("s", token),
                "reason": ("s", REASON),
                "autostart": ("b", autostart),
                "commandline": ("as", list(command)),
                "dbus-activatable": ("b", False),
            }
            call = new_method_call(
                DBusAddress(PORTAL_PATH, PORTAL_NAME, BACKGROUND),
                "RequestBackground",
                "sa{sv}",
                ("", options),
            )
            reply = connection.send_and_get_reply(call, timeout=10)
            if reply.header.message_type.name == "error":
                why = reply.body[0] if reply.body else _("no reason given")
                raise PortalError(
                    _(
                        "The desktop portal refused to set start at login: {reason}. "
                        "Check that xdg-desktop-portal runs in your session."
                    ).format(reason=why)
                )
            try:
                answer = connection.recv_until_filtered(responses, timeout=timeout)
            except TimeoutError as error:
                raise PortalError(_("The desktop portal did not answer; try again.")) from error
    code, results = answer.body
    if code != 0:
        return False  # the person said no, or closed the question
    granted = results.get("autostart", ("b", False))
    return bool(granted[1])


def remember(enabled: bool) -> None:
    """Keep the portal's answer (start at login on or off)."""
    path = state_path()
    try:
        if enabled:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("autostart\n", encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    except OSError as error:
        raise FollowupError(
            _("Cannot write {path}: {problem}. Check that the folder is writable.").format(
                path=path, problem=error.strerror
            )
        ) from error


def remembered() -> bool:
    """True when the portal last granted start at login."""
    return state_path().is_file()


__all__ = [
    "PortalError",
    "in_sandbox",
    "remember",
    "remembered",
    "request_background",
    "state_path",
]
