"""A read-only IMAP conversation with ``imaplib``: EXAMINE, SEARCH, FETCH with PEEK.

Only commands that cannot change a mailbox are sent: LOGIN, CAPABILITY, LIST, EXAMINE,
UID SEARCH, UID FETCH of ``BODY.PEEK[...]`` (which never sets ``\\Seen``), IDLE
(RFC 2177, waiting on a folder opened with EXAMINE) and LOGOUT.
The connection is always encrypted (implicit TLS or STARTTLS) and the server's
certificate and host name are always checked. Every failure becomes a
:class:`MailboxError` whose message says plainly what happened.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.account import IncomingAccount
from followup_desktop.core.messages.account import Security
from followup_desktop.core.messages.mailerror import (
    MailError,
    MailErrorKind,
    transport_failure,
    verifying_context,
)

DEFAULT_TIMEOUT = 30.0
HEADER_FIELDS = "FROM TO CC DATE SUBJECT MESSAGE-ID"
# UIDs per FETCH: long enough to be quick, short enough for any server's line limit.
_BATCH = 400
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<sep>"[^"]*"|NIL) (?P<name>.+)$')
_UID = re.compile(rb"\bUID (\d+)")
# Untagged answers during IDLE that mean the folder changed (RFC 3501 7.3 and 7.4).
_CHANGED = re.compile(rb"^\* \d+ (?:EXISTS|RECENT|EXPUNGE)\b", re.IGNORECASE)
# RFC 2177: a client must end IDLE at least every 29 minutes, or the server may hang up.
MAX_IDLE_SECONDS = 29 * 60
# How often a wait looks at its stop flag and the clocks.
_IDLE_TICK = 1.0
# The wall clock running this far ahead of the monotonic one means the machine slept
# (the monotonic clock stands still during a suspend).
SLEPT_SECONDS = 60.0
# The wall clock, as a name of this module so a test can move it as a suspend would.
wall_clock = time.time


# One kind for every mail failure; the name stays for the code that reads.
MailboxErrorKind = MailErrorKind


class MailboxError(MailError):
    """Reading the mailbox failed; the message is for the person, ``kind`` for the program."""


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder as LISTed: its name to send back, and its special-use flags."""

    name: str
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class FolderStatus:
    """What EXAMINE said about a folder."""

    uidvalidity: int
    exists: int
    # The UID the next message will get (0 when the server did not say): it grows with
    # every arrival, even when another message left meanwhile and ``exists`` stayed.
    uidnext: int = 0


def imap_date(day: date) -> str:
    """A date as IMAP SEARCH wants it (``02-Dec-2026``), independent of the locale."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def _unquote(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(line: bytes | None) -> str:
    return "no answer" if line is None else line.decode("utf-8", "replace").strip()


class _LineReader:
    """Lines from the server during IDLE, waiting at most a given time for each.

    imaplib's own reader blocks until a line comes; IDLE needs to look up every second
    (to stop at quit, to notice a sleep). The socket is read directly, after ``select``:
    when IDLE starts, imaplib has read everything the server sent before, so nothing is
    left in its buffer, and when IDLE ends with the tagged answer, nothing is left here.
    """

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout
        self.buffer = b""

    def _ready(self, wait: float) -> bool:
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True  # decrypted bytes wait in the TLS layer, which select cannot see
        readable, _writable, _failed = select.select([self.sock], [], [], max(wait, 0.0))
        return bool(readable)

    def next_line(self, wait: float) -> bytes | None:
        """The next whole line, or None when none came within ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while b"\r\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._ready(remaining):
                return None
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line


def parse_list_line(line: bytes) -> Folder | None:
    """One LIST answer line as a folder, or None when it cannot be read."""
    match = _LIST_LINE.match(line.strip())
    if match is None:
        return None
    flags = frozenset(flag.lower() for flag in match["flags"].decode("ascii", "replace").split())
    return Folder(_unquote(match["name"]), flags)


def make_context(ca_file: str = "") -> ssl.SSLContext:
    """A verifying TLS context; ``ca_file`` adds a certificate authority to trust."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise MailboxError(
                MailboxErrorKind.TLS,
                _(
                    "The CA file {file} could not be read ({error}). Check the path in "
                    "Settings → Email account, or leave it empty."
                ).format(file=repr(ca_file), error=error),
            ) from None
    return context


def explain(error: BaseException, account: IncomingAccount, timeout: float) -> MailboxError:  # noqa: PLR0911 - one answer per failure
    """A plain-words error for anything the conversation raised."""
    where = f"{account.host}:{account.port}"
    if isinstance(error, MailboxError):
        return error
    transport = transport_failure(
        error,
        account.host,
        account.port,
        timeout,
        reading=True,
    )
    if transport is not None:
        return MailboxError(*transport)
    if isinstance(error, socket.gaierror):
        return MailboxError(
            MailboxErrorKind.UNREACHABLE,
            _(
                "The mail server {host} could not be found. Check its name and your internet "
                "connection."
            ).format(host=repr(account.host)),
        )
    if isinstance(error, ConnectionRefusedError):
        return MailboxError(
            MailboxErrorKind.UNREACHABLE,
            _("Nothing accepted a connection at {where}. Check the port (usually 993).").format(
                where=where
            ),
        )
    if isinstance(error, imaplib.IMAP4.abort | EOFError | ConnectionError):
        return MailboxError(
            MailboxErrorKind.CONNECTION_LOST,
            _(
                "The connection to {where} was lost while reading. Nothing was changed; the "
                "next check starts again where this one stopped."
            ).format(where=where),
        )
    if isinstance(error, OSError):
        return MailboxError(
            MailboxErrorKind.UNREACHABLE,
            _("Could not talk to the mail server at {where} ({reason}).").format(
                where=where, reason=error.strerror or error
            ),
        )
    return MailboxError(
        MailboxErrorKind.SERVER,
        _("The mail server at {where} answered with an error ({error}).").format(
            where=where, error=error
        ),
    )


class ImapReader:
    """One read-only session with the incoming mail server; use it as a context manager."""

    def __init__(
        self,
        account: IncomingAccount,
        password: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.account = account
        self._password = password
        self.timeout = timeout
        self._context = verifying_context(ssl_context or make_context(account.ca_file))
        self._imap: imaplib.IMAP4 | None = None
        # The folder as the last EXAMINE found it, for the next wait to compare.
        self.last_status: FolderStatus | None = None

    def __repr__(self) -> str:  # never show the password, even in a traceback
        return f"ImapReader({self.account.username!r}@{self.account.host!r})"

    def __enter__(self) -> ImapReader:
        try:
            self._open()
        except BaseException as error:
            self.close()
            if isinstance(error, KeyboardInterrupt):
                raise
            raise explain(error, self.account, self.timeout) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self) -> None:
        account = self.account
        if account.security is Security.SSL:
            self._imap = imaplib.IMAP4_SSL(
                account.host, account.port, ssl_context=self._context, timeout=self.timeout
            )
        else:
            self._imap = imaplib.IMAP4(account.host, account.port, timeout=self.timeout)
            if "STARTTLS" not in self._imap.capabilities:
                raise MailboxError(
                    MailboxErrorKind.TLS,
                    _(
                        "The server at {where} does not offer STARTTLS, and Followup never "
                        "reads mail without encryption. Choose SSL (usually port 993)."
                    ).format(where=f"{account.host}:{account.port}"),
                )
            self._imap.starttls(self._context)
        try:
            self._imap.login(account.username, self._password)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as error:
            raise MailboxError(
                MailboxErrorKind.LOGIN,
                _(
                    "The mail server refused the user name or password ({error}). Check them "
                    "in Settings → Email account; some providers need an app password."
                ).format(error=error),
            ) from None

    def close(self) -> None:
        """Log out if still connected; never raises."""
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError, EOFError):
            with contextlib.suppress(OSError):
                imap.shutdown()

    def _conn(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise MailboxError(MailboxErrorKind.CONNECTION_LOST, _("Not connected."))
        return self._imap

    def _checked(self, what: str, status: str, data: Sequence[object]) -> list[object]:
        if status != "OK":
            text = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
            raise MailboxError(
                MailboxErrorKind.SERVER,
                # Translators: {what} is the request in IMAP's own terms ("open 'INBOX'").
                _("The mail server refused to {what} ({text}).").format(what=what, text=text),
            )
        return list(data)

    def _call(self, what: str, command: str, *args: str) -> list[object]:
        """Run one command; any failure becomes a MailboxError in plain words."""
        imap = self._conn()
        try:
            if command == "LIST":
                status, data = imap.list()
                return self._checked(what, status, data)
            if command == "EXAMINE":
                status, selected = imap.select(args[0], readonly=True)
                return self._checked(what, status, selected)
            status, answer = imap.uid(command, *args)
            return self._checked(what, status, answer)
        except MailboxError:
            raise
        except Exception as error:
            raise explain(error, self.account, self.timeout) from None

    def folders(self) -> list[Folder]:
        """Every folder with its flags (RFC 6154 special-use flags included)."""
        data = self._call("list the folders", "LIST")
        found = []
        for line in data:
            if isinstance(line, bytes):
                folder = parse_list_line(line)
                if folder is not None:
                    found.append(folder)
        return found

    def sent_folder(self) -> Folder | None:
        """The folder flagged ``\\Sent`` (RFC 6154), or None when the server flags none."""
        for folder in self.folders():
            if "\\sent" in folder.flags:
                return folder
        return None

    def examine(self, name: str) -> FolderStatus:
        """Open a folder read-only (EXAMINE); its UIDVALIDITY and message count."""
        data = self._call(f"open {name!r}", "EXAMINE", _quote(name))
        _typ, validity = self._conn().response("UIDVALIDITY")
        _typ, uidnext = self._conn().response("UIDNEXT")
        # The last EXISTS is the count now (an arrival during EXAMINE adds another).
        counts = [int(item) for item in data if isinstance(item, bytes) and item.isdigit()]
        raw = validity[0] if validity and isinstance(validity[0], bytes) else b"0"
        next_raw = uidnext[-1] if uidnext and isinstance(uidnext[-1], bytes) else b"0"
        status = FolderStatus(int(raw), counts[-1] if counts else 0, int(next_raw))
        self.last_status = status
        return status

    def search_since(self, since: date, after_uid: int = 0) -> list[int]:
        """UIDs of messages since ``since`` and (when given) after ``after_uid``."""
        criteria = ["SINCE", imap_date(since)]
        if after_uid:
            criteria = ["UID", f"{after_uid + 1}:*", *criteria]
        data = self._call("search", "SEARCH", *criteria)
        uids: set[int] = set()
        for line in data:
            if isinstance(line, bytes):
                uids.update(int(word) for word in line.split() if word.isdigit())
        # "N:*" always includes the highest UID, even when it is below N.
        return sorted(uid for uid in uids if uid > after_uid)

    def _fetch(self, uids: Sequence[int], item: str) -> Iterator[tuple[int, bytes]]:
        for start in range(0, len(uids), _BATCH):
            chunk = ",".join(str(uid) for uid in uids[start : start + _BATCH])
            data = self._call("read messages", "FETCH", chunk, item)
            for entry in data:
                if isinstance(entry, tuple) and len(entry) == 2:
                    head, body = entry
                    match = _UID.search(head) if isinstance(head, bytes) else None
                    if match is not None and isinstance(body, bytes):
                        yield int(match.group(1)), body

    def fetch_headers(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """The header fields a scan needs, per UID (PEEK: nothing is marked read)."""
        return self._fetch(uids, f"(UID BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})])")

    def fetch_messages(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """Whole messages, per UID (PEEK: nothing is marked read)."""
        return self._fetch(uids, "(UID BODY.PEEK[])")

    # -- waiting for news (IDLE) ---------------------------------------------------

    def offers_idle(self) -> bool:
        """True when the server can tell about new mail as it arrives (RFC 2177)."""
        return "IDLE" in self._conn().capabilities

    def idle(
        self,
        folder: str,
        seconds: float,
        stop: threading.Event,
        ready: threading.Event | None = None,
        since: FolderStatus | None = None,
    ) -> bool:
        """Wait on ``folder`` (opened read-only) until the server reports a change.

        Returns True when something arrived or left, False when ``seconds`` (at most 29
        minutes) passed or ``stop`` was set; either way IDLE is ended with DONE and the
        connection stays usable. ``ready`` is set once the server waits. Raises
        MailboxError when the connection is lost, and also when the machine slept
        meanwhile: a connection idle across a sleep is usually dead without knowing it,
        so the caller connects again.

        ``since`` is the folder as last seen (:attr:`last_status`). Mail that came
        while no IDLE ran (during the caller's check) is reported by the server in the
        EXAMINE that opens this wait, not in an untagged answer during it: without the
        comparison it would wait unnoticed until the next arrival.
        """
        seconds = min(seconds, MAX_IDLE_SECONDS)
        status = self.examine(folder)
        if since is not None and (status.uidnext, status.exists) != (since.uidnext, since.exists):
            if ready is not None:
                ready.set()
            return True
        imap = self._conn()
        tag = b"FUIDLE" + str(imap.tagnum).encode("ascii")
        imap.tagnum += 1
        lines = _LineReader(imap.sock, self.timeout)
        try:
            imap.send(tag + b" IDLE\r\n")
            answer = lines.next_line(self.timeout)
            if answer is None or not answer.startswith(b"+"):
                raise MailboxError(
                    MailboxErrorKind.SERVER,
                    _("The mail server at {host} would not wait for new mail ({text}).").format(
                        host=self.account.host, text=_text(answer)
                    ),
                )
            if ready is not None:
                ready.set()
            changed = self._wait(lines, seconds, stop)
            imap.send(b"DONE\r\n")
            while True:
                line = lines.next_line(self.timeout)
                if line is None:
                    raise TimeoutError
                if line.startswith(tag + b" "):
                    break
                changed = changed or bool(_CHANGED.match(line))
        except MailboxError:
            raise
        except Exception as error:
            raise explain(error, self.account, self.timeout) from None
        if not line[len(tag) + 1 :].upper().startswith(b"OK"):
            raise MailboxError(
                MailboxErrorKind.SERVER,
                _("The mail server at {host} ended the wait with an error ({text}).").format(
                    host=self.account.host, text=_text(line)
                ),
            )
        return changed

    def _wait(self, lines: _LineReader, seconds: float, stop: threading.Event) -> bool:
        started_mono, started_wall = time.monotonic(), wall_clock()
        while not stop.is_set():
            waited = time.monotonic() - started_mono
            if waited >= seconds:
                return False
            if wall_clock() - started_wall - waited > SLEPT_SECONDS:
                raise MailboxError(
                    MailboxErrorKind.CONNECTION_LOST,
                    _(
                        "The computer slept while waiting for mail from {host}; connecting again."
                    ).format(host=self.account.host),
                )
            line = lines.next_line(min(_IDLE_TICK, seconds - waited))
            if line is None:
                continue
            if line.upper().startswith(b"* BYE"):
                raise imaplib.IMAP4.abort(_text(line))
            if _CHANGED.match(line):
                return True
        return False
