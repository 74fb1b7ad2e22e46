"""A private Dovecot IMAP server on loopback for the mailbox tests.

Each server gets its own temp folder: a config file, a passwd-file with one user, a
test CA and server certificate made with ``cryptography``, maildir folders written by
the tests, and Dovecot's own index and control files kept *outside* the maildir, so a
test can hash the maildir before and after a scan and prove nothing was changed. It
runs in the foreground as a child process in its own process group (no system service)
and is stopped, or killed mid-conversation, by the test.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from test_smtp_support import Certificates, make_certificates

DOVECOT = "/usr/sbin/dovecot"
USER = "alex"
PASSWORD = "correct horse battery staple"


def dovecot_binary() -> str:
    """Dovecot's path; a missing Dovecot skips locally but fails under CI."""
    found = shutil.which("dovecot") or (DOVECOT if Path(DOVECOT).exists() else None)
    if found is not None:
        return found
    message = "dovecot is not installed (Debian package dovecot-imapd)"
    if os.environ.get("CI") == "true" or os.environ.get("FOLLOWUP_REQUIRE_DESKTOP") == "1":
        pytest.fail(f"{message}; CI must run the mailbox tests")
    pytest.skip(message)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Dovecot:
    """A running private server and the files behind it."""

    root: Path
    port: int
    certs: Certificates
    process: subprocess.Popen[bytes]
    uid: int
    gid: int
    starttls_port: int  # plain IMAP that must be upgraded with STARTTLS

    @property
    def maildir(self) -> Path:
        """The user's maildir: the inbox at its top, other folders as ``.Name``."""
        return self.root / "mail" / USER

    def folder(self, name: str) -> Path:
        """The maildir folder for ``INBOX`` or another folder's name."""
        path = self.maildir if name == "INBOX" else self.maildir / f".{name}"
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        return path

    def deliver(
        self,
        folder: str,
        raw: bytes,
        *,
        when: datetime,
        seen: bool = True,
        fresh: bool = False,
    ) -> Path:
        """Write one message file as a mail program would (``new/`` when ``fresh``)."""
        base = self.folder(folder)
        digest = hashlib.sha1(raw).hexdigest()[:12]  # noqa: S324 - a file name, not security
        stamp = int(when.timestamp())
        if fresh:
            path = base / "new" / f"{stamp}.{digest}.test"
        else:
            path = base / "cur" / f"{stamp}.{digest}.test:2,{'S' if seen else ''}"
        path.write_bytes(raw)
        # Dovecot takes a maildir message's arrival time from the file's mtime.
        os.utime(path, (stamp, stamp))
        self._own(path)
        return path

    def _own(self, path: Path) -> None:
        if os.getuid() == 0:
            for item in [path, *path.parents]:
                if item == self.root:
                    break
                os.chown(item, self.uid, self.gid)

    def stop(self) -> None:
        """Stop the server and every process it started."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """Kill the server at once, as a crash or a pulled cable would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def mailbox_digest(maildir: Path) -> dict[str, str]:
    """Every file under the maildir (name with its flags) and a hash of its bytes."""
    return {
        str(path.relative_to(maildir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(maildir.rglob("*"))
        if path.is_file()
    }


def _config(root: Path, ports: tuple[int, int], certs: Certificates, uid: int, gid: int) -> str:
    port, starttls_port = ports
    users = ""
    if os.getuid() != 0:
        # Unprivileged: every Dovecot process runs as the person running the tests.
        me = pwd.getpwuid(os.getuid()).pw_name
        users = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = followup-test-{port}
protocols = imap
listen = 127.0.0.1
{users}ssl = required
ssl_cert = <{certs.cert_file}
ssl_key = <{certs.key_file}
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u:INDEX={root}/index/%u:CONTROL={root}/index/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Drafts {{
    special_use = \\Drafts
  }}
}}
"""


@contextlib.contextmanager
def running_dovecot(root: Path, extra: str = "") -> Iterator[Dovecot]:
    """Start a private Dovecot in ``root``; stop it afterwards.

    ``extra`` is added to its configuration (``imap_capability = …`` plays a server
    without IDLE).

    As root, Dovecot's unprivileged processes must be able to pass through every folder
    above its files. pytest keeps resetting its own base folder (``pytest-of-root``) to
    0700 whenever any pytest starts on the machine, so the server lives in a folder of
    its own directly under the system's temporary folder instead, removed afterwards.
    """
    if os.getuid() != 0:
        with _dovecot_in(root, extra) as server:
            yield server
        return
    private = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))
    try:
        private.chmod(0o711)
        with _dovecot_in(private / root.name, extra) as server:
            yield server
    finally:
        shutil.rmtree(private, ignore_errors=True)


@contextlib.contextmanager
def _dovecot_in(root: Path, extra: str) -> Iterator[Dovecot]:
    binary = dovecot_binary()
    root.mkdir(parents=True, exist_ok=True)
    certs = make_certificates(root)
    if os.getuid() == 0:
        # Dovecot will not read mail as root: use an unprivileged account for the user.
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    else:
        uid, gid = os.getuid(), os.getgid()
    for sub in ("run", "state", "mail", "index", "home"):
        (root / sub).mkdir(exist_ok=True)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    if os.getuid() == 0:
        for sub in ("mail", "index", "home"):
            os.chown(root / sub, uid, gid)
        root.chmod(root.stat().st_mode | 0o011)
        (root / "passwd").chmod(0o644)
    port, starttls_port = free_port(), free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, (port, starttls_port), certs, uid, gid) + extra)
    process = subprocess.Popen(
        [binary, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Dovecot(root, port, certs, process, uid, gid, starttls_port)
    server.folder("INBOX")
    server.folder("Sent")
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start:\n{log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("dovecot did not start listening within 15 s")
            time.sleep(0.05)
        yield server
    finally:
        server.stop()
