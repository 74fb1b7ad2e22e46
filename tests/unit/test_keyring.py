"""The password store: a real OS store is used, anything that cannot keep a secret is not.

Unit tests use a small in-memory keyring backend installed with ``keyring.set_keyring``
and restored afterwards; the integration test runs a real gnome-keyring Secret Service
on a private D-Bus session in a subprocess with its own HOME.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from conftest import require_tools
from followup_desktop.secrets import PasswordStore, SecretStoreError, pick_backend

PASSWORD = "s3cret-✓-password"


class MemoryKeyring(KeyringBackend):
    """Keeps secrets in a dict: a stand-in for the OS store in unit tests."""

    priority = 1

    def __init__(self) -> None:
        KeyringBackend.__init__(self)  # untyped in keyring; excluded by name, unlike super()
        self.items: dict[tuple[str, str], str] = {}
        self.locked = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not there")
        del self.items[(service, username)]


class PlaintextLookalike(MemoryKeyring):
    """Poses as a keyrings.alt backend (a plaintext file store)."""


PlaintextLookalike.__module__ = "keyrings.alt.file"


class FakeChain(MemoryKeyring):
    """Shaped like keyring's ChainerBackend: a list of member backends."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        super().__init__()
        self.backends = members


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_os_store_keeps_reads_and_forgets(memory_keyring: MemoryKeyring) -> None:
    store = PasswordStore()
    assert store.status().available
    store.set_password("sam@smtp.example.com", PASSWORD)
    assert list(memory_keyring.items.values()) == [PASSWORD]
    assert store.get_password("sam@smtp.example.com") == PASSWORD
    store.delete_password("sam@smtp.example.com")
    store.delete_password("sam@smtp.example.com")  # forgetting twice is fine
    assert store.get_password("sam@smtp.example.com") is None


@pytest.mark.expected_log("^secret store failed to ")
def test_a_locked_store_is_explained(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.locked = True
    with pytest.raises(SecretStoreError, match="locked"):
        PasswordStore().set_password("a@b", PASSWORD)


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), PlaintextLookalike()],
    ids=["fail", "null", "keyrings.alt"],
)
def test_backends_that_cannot_keep_a_secret_are_refused(backend: KeyringBackend) -> None:
    store = PasswordStore(backend=backend)
    status = store.status()
    assert not status.available
    assert "no secure password store" in status.reason
    with pytest.raises(SecretStoreError, match="Secret Service"):
        store.set_password("a@b", PASSWORD)
    assert store.get_password("a@b") is None
    if isinstance(backend, PlaintextLookalike):
        assert backend.items == {}, "nothing may be written to a plaintext store"


def test_a_chain_is_used_only_through_its_real_store() -> None:
    plaintext, real = PlaintextLookalike(), MemoryKeyring()
    chosen, status = pick_backend(FakeChain([plaintext, real]))
    assert chosen is real and status.available
    store = PasswordStore(backend=FakeChain([plaintext, real]))
    store.set_password("a@b", PASSWORD)
    assert plaintext.items == {}
    assert real.items == {(store.service_name, "a@b"): PASSWORD}


def test_a_chain_with_nothing_usable_cannot_store() -> None:
    chain = FakeChain([keyring.backends.fail.Keyring(), PlaintextLookalike()])
    chosen, status = pick_backend(chain)
    assert chosen is None and not status.available


def test_session_only_passwords_stay_in_memory() -> None:
    store = PasswordStore(backend=keyring.backends.null.Keyring())
    store.keep_for_session("a@b", PASSWORD)
    assert store.get_password("a@b") == PASSWORD
    assert store.has_session_password("a@b")
    assert PASSWORD not in repr(store)
    store.delete_password("a@b")
    assert store.get_password("a@b") is None


def test_the_environment_switch_to_null_means_no_store(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from followup_desktop.secrets import PasswordStore
        status = PasswordStore().status()
        print(status.available, status.backend_name)
        """
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.startswith("False")


_REAL_STORE_SCRIPT = textwrap.dedent(
    """
    import sys
    from followup_desktop.secrets import PasswordStore
    store = PasswordStore()
    status = store.status()
    assert status.available, status
    assert "SecretService" in status.backend_name or "Secret" in status.backend_name, status
    password = sys.argv[1]
    store.set_password("sam@smtp.example.com", password)
    fresh = PasswordStore()
    assert fresh.get_password("sam@smtp.example.com") == password
    fresh.delete_password("sam@smtp.example.com")
    assert PasswordStore().get_password("sam@smtp.example.com") is None
    store.set_password("kept@smtp.example.com", password)
    print("ok", status.backend_name)
    """
)


@pytest.mark.desktop
def test_a_real_secret_service_keeps_the_password(tmp_path: Path) -> None:
    require_tools("dbus-run-session", "gnome-keyring-daemon")
    home = tmp_path / "keyring-home"
    runtime = tmp_path / "keyring-runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    script = tmp_path / "use_store.py"
    script.write_text(_REAL_STORE_SCRIPT, encoding="utf-8")
    # Without ~/.cache the daemon waits two minutes before it answers (PLATFORM-NOTES).
    shell = (
        'mkdir -p "$HOME/.cache" && '
        "printf pw | gnome-keyring-daemon --replace --daemonize --unlock --components=secrets "
        ">/dev/null && "
        f'"{sys.executable}" "{script}" "$1"'
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "DBUS_", "PYTHON_KEYRING"))
    }
    env |= {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell, "sh", PASSWORD],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.startswith("ok")
    # The store kept one password; no file under HOME holds it in the clear.
    for path in home.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    assert any(home.rglob("*.keyring")), "gnome-keyring wrote its (encrypted) file"
