"""One Followup per user: a second launch hands its arguments to the first and exits.

The first instance takes a :class:`QLockFile` in the runtime directory and listens on a
:class:`QLocalServer`; a later launch fails to take the lock, connects, sends its
arguments (for example an ``.ics`` file to import) as one JSON line and waits for "ok".
``setStaleLockTime(0)`` means age never makes the lock stale, but a lock whose process
is gone (after ``kill -9`` or a crash) is taken over by the next start. The server name
carries the user id, because a bare name is a socket in the shared temp folder.
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

log = logging.getLogger(__name__)

LOCK_WAIT_MS = 100
SEND_TIMEOUT_MS = 3000


def runtime_dir() -> Path:
    """The per-user runtime folder (``$XDG_RUNTIME_DIR``), else the temp folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return Path(location) if location else Path(tempfile.gettempdir())


def _user_id() -> str:
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        return str(getuid())
    return os.environ.get("USERNAME", "user")


class SingleInstance(QObject):
    """The lock and the local server that make one Followup per user."""

    arguments_received = Signal(list)

    def __init__(
        self, key: str = APP_ID, folder: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.server_name = f"{key}-{_user_id()}"
        self.lock_path = (folder or runtime_dir()) / f"{self.server_name}.lock"
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
        """From a later launch: hand ``arguments`` to the first instance; True when taken."""
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(timeout_ms):
            log.warning("the running Followup does not answer: %s", socket.errorString())
            return False
        socket.write(QByteArray(json.dumps({"arguments": list(arguments)}).encode() + b"\n"))
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while b"\n" not in reply and socket.waitForReadyRead(timeout_ms):
            reply += bytes(socket.readAll().data())
        socket.disconnectFromServer()
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
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed message from another launch")
            connection.write(QByteArray(b"error\n"))
            connection.disconnectFromServer()
            return
        connection.write(QByteArray(b"ok\n"))
        connection.flush()
        connection.disconnectFromServer()
        self.arguments_received.emit(arguments)

    def _forget(self, connection: QLocalSocket) -> None:
        self._buffers.pop(connection, None)
        connection.deleteLater()


__all__ = ["SingleInstance", "runtime_dir"]
