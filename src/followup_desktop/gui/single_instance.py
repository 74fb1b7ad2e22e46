"""One Followup per user: a second launch hands its arguments to the first and exits.

The first instance takes a :class:`QLockFile` in the runtime directory and listens on a
:class:`QLocalServer` whose socket is a full path beside that lock (a bare server name
would put the socket in the shared temp folder, where two login sessions of one user
take over each other's). A later launch fails to take the lock, connects, sends its
arguments (for example an ``.ics`` file to import) and the database it was asked to open
as one JSON line, and waits for the answer: "ok", or "other" with the file the running
Followup has open when that is not the one asked for. ``setStaleLockTime(0)`` means age
never makes the lock stale, but a lock whose process is gone (after ``kill -9`` or a
crash) is taken over by the next start.

This lock makes one window per user; the lock beside the database file
(:mod:`followup_desktop.core.dblock`) makes one writer per file, whoever runs it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, QStandardPaths, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from followup_desktop import APP_ID
from followup_desktop.core.i18n import _

log = logging.getLogger(__name__)

LOCK_WAIT_MS = 100
SEND_TIMEOUT_MS = 3000


def runtime_dir() -> Path:
    """The per-user runtime folder (``$XDG_RUNTIME_DIR``), else the temp folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return Path(location) if location else Path(tempfile.gettempdir())


# A Unix socket's path must fit in sun_path (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100


def socket_path(folder: Path, stem: str) -> str:
    """The hand-over socket: beside the lock, unless that path is too long for a socket.

    Then it goes to the temp folder under a name made from the runtime folder, so two
    sessions (two runtime folders) still never share one.
    """
    beside = str(folder / f"{stem}.socket")
    if len(beside.encode()) <= MAX_SOCKET_PATH:
        return beside
    import hashlib  # rarely needed; loading it brings in OpenSSL before the first paint

    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"followup-{_user_id()}-{digest}.socket")


def _user_id() -> str:
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        return str(getuid())
    return os.environ.get("USERNAME", "user")


class SingleInstance(QObject):
    """The lock and the local server that make one Followup per user."""

    arguments_received = Signal(list)
    #: A later launch asked for another database (its path); it was told ours is open.
    other_database_requested = Signal(str)

    def __init__(
        self,
        key: str = APP_ID,
        folder: Path | None = None,
        parent: QObject | None = None,
        *,
        database: Path | None = None,
    ) -> None:
        super().__init__(parent)
        stem = f"{key}-{_user_id()}"
        folder = folder or runtime_dir()
        self.lock_path = folder / f"{stem}.lock"
        self.server_name = socket_path(folder, stem)
        self.database = database
        #: After a refused :meth:`send`: the database the running Followup has open.
        self.running_database: str | None = None
        self.lock = QLockFile(str(self.lock_path))
        # Never stale by age: a long-running Followup keeps its lock. A dead owner's
        # lock is still recovered (QLockFile checks whether the recorded process lives).
        self.lock.setStaleLockTime(0)
        self.server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

    def acquire(self) -> bool:
        """Become the first instance: True when the lock was taken and the server listens."""
        if not self.lock.tryLock(LOCK_WAIT_MS):
            return False
        # A crashed owner leaves its socket file behind; listen() would fail on it.
        QLocalServer.removeServer(self.server_name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.server_name):
            log.warning(
                "cannot listen for other launches on %s: %s",
                self.server_name,
                server.errorString(),
            )
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def send(self, arguments: Sequence[str], timeout_ms: int = SEND_TIMEOUT_MS) -> bool:
        """From a later launch: hand ``arguments`` to the first instance; True when taken.

        False when it does not answer, or when it has another database open: then
        :attr:`running_database` names that file.
        """
        self.running_database = None
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(timeout_ms):
            log.warning("the running Followup does not answer: %s", socket.errorString())
            return False
        message: dict[str, object] = {"arguments": list(arguments)}
        if self.database is not None:
            message["database"] = str(self.database)
        socket.write(QByteArray(json.dumps(message).encode() + b"\n"))
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while b"\n" not in reply and socket.waitForReadyRead(timeout_ms):
            reply += bytes(socket.readAll().data())
        socket.disconnectFromServer()
        if reply.startswith(b"other "):
            line = reply.split(b"\n", 1)[0][len(b"other ") :]
            try:
                self.running_database = str(json.loads(line))
            except ValueError:
                self.running_database = _("another file")
            return False
        return reply.startswith(b"ok")

    def release(self) -> None:
        """Stop listening and give the lock back."""
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()

    def _accept(self) -> None:
        server = self.server
        if server is None:
            return
        while server.hasPendingConnections():
            connection = server.nextPendingConnection()
            self._buffers[connection] = b""
            connection.readyRead.connect(lambda chosen=connection: self._read(chosen))
            connection.disconnected.connect(lambda chosen=connection: self._forget(chosen))

    def _read(self, connection: QLocalSocket) -> None:
        data = self._buffers.get(connection, b"") + bytes(connection.readAll().data())
        self._buffers[connection] = data
        if b"\n" not in data:
            return
        line = data.split(b"\n", 1)[0]
        try:
            message = json.loads(line)
            arguments = [str(item) for item in message["arguments"]]
            wanted = message.get("database")
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignored a malformed message from another launch")
            connection.write(QByteArray(b"error\n"))
            connection.disconnectFromServer()
            return
        if (
            wanted is not None
            and self.database is not None
            and not _same_file(Path(str(wanted)), self.database)
        ):
            answer = b"other " + json.dumps(str(self.database)).encode() + b"\n"
            connection.write(QByteArray(answer))
            connection.flush()
            connection.disconnectFromServer()
            self.other_database_requested.emit(str(wanted))
            return
        connection.write(QByteArray(b"ok\n"))
        connection.flush()
        connection.disconnectFromServer()
        self.arguments_received.emit(arguments)

    def _forget(self, connection: QLocalSocket) -> None:
        self._buffers.pop(connection, None)
        connection.deleteLater()


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:  # one of them does not exist (yet): compare the names
        return first.expanduser().absolute() == second.expanduser().absolute()


__all__ = ["SingleInstance", "runtime_dir"]
