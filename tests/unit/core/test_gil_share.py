"""Worker threads running statements pause now and then so the GUI thread gets the GIL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text

from followup_desktop.core.db import Database
from followup_desktop.core.gil_share import PAUSE_S, TURN_S, TakeTurns


class FakeTime:
    """A clock moved by hand, and a record of the pauses asked for."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


def on_a_worker(call: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # handed back to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_a_worker_pauses_once_its_turn_has_run_and_starts_a_new_one() -> None:
    fake = FakeTime()
    turns = TakeTurns(fake.clock, fake.pause)

    def statements() -> None:
        turns.before_statement()  # the first: a turn starts
        fake.now += TURN_S / 2
        turns.before_statement()
        assert fake.pauses == []
        fake.now += TURN_S / 2
        turns.before_statement()  # the turn has run: pause
        assert fake.pauses == [PAUSE_S]
        fake.now += TURN_S / 2
        turns.before_statement()  # a new turn began with the pause
        assert fake.pauses == [PAUSE_S]
        fake.now += 60.0
        turns.before_statement()  # the first statement in a while: no one waited
        assert fake.pauses == [PAUSE_S]

    on_a_worker(statements)


def test_the_main_thread_never_pauses() -> None:
    fake = FakeTime()
    turns = TakeTurns(fake.clock, fake.pause)
    for _step in range(10):
        turns.before_statement()
        fake.now += TURN_S
    assert fake.pauses == []


def test_each_worker_thread_has_a_turn_of_its_own() -> None:
    fake = FakeTime()
    turns = TakeTurns(fake.clock, fake.pause)
    on_a_worker(turns.before_statement)
    fake.now += TURN_S
    on_a_worker(turns.before_statement)  # another thread: its first statement
    assert fake.pauses == []


def test_every_statement_of_the_database_asks_whether_to_pause(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        TakeTurns, "before_statement", lambda self: asked.append(threading.current_thread().name)
    )

    def three_statements() -> None:
        with database.engine.connect() as connection:
            for _step in range(3):
                connection.execute(text("SELECT count(*) FROM opportunities"))

    on_a_worker(three_statements)
    assert len(asked) >= 3
    assert threading.main_thread().name not in asked
