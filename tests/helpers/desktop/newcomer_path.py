"""A newcomer's first interview, driven through the widgets a person sees, on a real display.

Run by ``tests/desktop/test_newcomer_desktop.py`` on a :class:`~desktop.stack.DesktopStack`
(Xvfb, a session bus with a Secret Service): the real window, the real dialogs (modal
ones too), real time. Every control is found by its accessible name
(``desktop/widgets.py``) and typed into with QTest's key clicks. The path: the welcome's
first button makes the card; "I just had an interview" records it; the debrief names two
interviewers; Today offers both thank-yous, one by email (sent to the test's SMTP server)
and one by another route (the other has no address); a reply is logged, then a rejection.

With ``--shots FOLDER`` each step is saved as ``newcomer-NN-what.png`` there. It prints
``STEP <what>`` as it goes and ``PATH DONE`` at the end; a failure prints its traceback
and exits 1.
"""

from __future__ import annotations

# ruff: noqa: T201 - narrating on stdout is this helper's job
import argparse
import inspect
import os
import sys
import time
import traceback
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from followup_desktop.core.db import open_database
from followup_desktop.core.messages import load_account
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.app import make_application
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.secrets import PasswordStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from desktop.widgets import accessible_name, find_all, find_by_name, window_named

#: What a step waits for: a predicate polled until it returns something truthy.
Wait = Callable[[], Any]
Steps = Generator[Wait, Any, None]
STEP_TIMEOUT = 30.0
COMPANY, ROLE = "Acme Robotics", "Data Analyst"
#: (name, title, email, what to mention) of each interviewer.
PANEL = (
    ("Sam Lee", "Team lead", "sam@acme.test", "the migration to dbt"),
    ("Dana Okafor", "Head of Data", "", "her question on data contracts"),
)
#: (subject, body, what they said) of the replies logged, in order.
REPLIES = (
    ("Re: Thank you", "Thanks, Alex. We will be in touch by Friday.", "Nothing in particular"),
    ("Your application", "We have decided to go on with other candidates.", "A rejection"),
)
TODAY = "Actions overdue, due today or in the next 24 hours"


class Runner:
    """Runs the path's generator, one step per poll, outside any modal loop's way.

    A step never blocks: what opens a modal dialog is started with :func:`later`, so the
    dialog's own event loop keeps this timer (and so the path) going.
    """

    def __init__(self, app: QApplication, steps: Steps) -> None:
        self.app = app
        self.steps = steps
        self.waiting: Wait = lambda: True
        self.since = time.monotonic()
        self.busy = False
        self.code: int | None = None
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(40)

    def tick(self) -> None:
        if self.busy or self.code is not None:
            return
        self.busy = True
        try:
            value = self.waiting()
            if not value:
                if time.monotonic() - self.since > STEP_TIMEOUT:
                    where = inspect.getsource(self.waiting).strip()
                    windows = [
                        accessible_name(w) for w in QApplication.topLevelWidgets() if w.isVisible()
                    ]
                    raise TimeoutError(f"waited too long for {where} (windows: {windows})")
                return
            self.waiting = self.steps.send(value if value is not True else None)
            self.since = time.monotonic()
        except StopIteration:
            print("PATH DONE", flush=True)
            self.finish(0)
        except BaseException:
            traceback.print_exc(file=sys.stdout)
            sys.stdout.flush()
            self.finish(1)
        finally:
            self.busy = False

    def finish(self, code: int) -> None:
        self.code = code
        self.timer.stop()
        for top in QApplication.topLevelWidgets():
            top.close()
        self.app.exit(code)
        # A modal dialog's loop would keep running (and SystemExit does not leave a Qt
        # slot): leave from there too.
        QTimer.singleShot(500, lambda: os._exit(code))


def later(action: Callable[[], object]) -> None:
    """Do ``action`` from the event loop (it may open a modal dialog and wait in it)."""
    QTimer.singleShot(0, action)


def rows_naming(view: QAbstractItemView, words: str) -> list[QModelIndex]:
    """The rows of ``view`` whose text (as read out) contains ``words``."""
    model = view.model()
    found = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        text = str(index.data(Qt.ItemDataRole.AccessibleTextRole) or index.data() or "")
        if words in text:
            found.append(index)
    return found


def open_row(view: QAbstractItemView, index: QModelIndex) -> None:
    """Go to ``index`` with the arrow keys and press Return, as a person at the keyboard."""
    view.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(view, Qt.Key.Key_Home)
    for _step in range(index.row()):
        QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == index.row(), "the arrows did not reach the row"
    QTest.keyClick(view, Qt.Key.Key_Return)


def type_into(widget: QWidget, text: str) -> None:
    """Give ``widget`` the focus and type ``text`` into it key by key."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClicks(widget, text)


class Shots:
    """Saves each step's window as a PNG when a folder is given."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.count = 0

    def take(self, widget: QWidget, what: str) -> None:
        self.count += 1
        print(f"STEP {what}", flush=True)
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(self.folder / f"newcomer-{self.count:02d}-{what}.png"))


def path(window: MainWindow, shots: Shots) -> Steps:
    """The newcomer's path (see the module docstring)."""
    yield lambda: window.isVisible() and window.settled
    shots.take(window, "welcome")

    # A new opportunity, from the welcome's first button.
    later(find_by_name(window, QPushButton, "Add the job you just interviewed for").click)
    editor = yield lambda: window_named("New opportunity")
    type_into(find_by_name(editor, QLineEdit, "Company"), COMPANY)
    type_into(find_by_name(editor, QLineEdit, "Role"), ROLE)
    shots.take(editor, "new-opportunity")
    find_by_name(editor, QPushButton, "Save opportunity and close").click()
    yield lambda: window_named("New opportunity") is None and window.board_model.cards()

    # The interview that just happened, for the card just made (it is selected).
    later(find_by_name(window, QToolButton, "I just had an interview").click)
    recorder = yield lambda: window_named("Record the interview you just had")
    shots.take(recorder, "interview-just-had")
    find_by_name(recorder, QPushButton, "Save").click()
    debrief = yield lambda: window_named(f"Debrief of the interview with {COMPANY}")

    # Two interviewers: one with an address, one without.
    add_person = find_by_name(debrief, QPushButton, "Add person")
    for name, title, email, mention in PANEL:
        add_person.click()
        type_into(find_by_name(debrief, QLineEdit, "Panel member's full name"), name)
        type_into(find_by_name(debrief, QLineEdit, "Panel member's job title"), title)
        if email:
            type_into(find_by_name(debrief, QLineEdit, "Panel member's email"), email)
        mention_field = "Something specific to mention in the thank-you to this person"
        type_into(find_by_name(debrief, QPlainTextEdit, mention_field), mention)
    type_into(find_by_name(debrief, QPlainTextEdit, "What went well"), "The SQL walkthrough")
    shots.take(debrief, "debrief")
    find_by_name(debrief, QPushButton, "Submit the debrief and plan the follow-ups").click()
    yield lambda: window_named(f"Debrief of the interview with {COMPANY}") is None

    # Today offers both thank-yous.
    today = find_by_name(window, QAbstractItemView, TODAY)
    yield lambda: len(rows_naming(today, "thank-you")) >= 2
    shots.take(window, "today-thank-yous")
    [to_sam] = rows_naming(today, "Sam Lee")
    open_row(today, to_sam)
    to_sam_composer = yield lambda: window_named("Send a thank-you note to Sam Lee")
    shots.take(to_sam_composer, "thank-you-by-email")
    find_by_name(to_sam_composer, QPushButton, "Send").click()
    status = find_by_name(to_sam_composer, QLabel, "Status")
    yield lambda: "Sent, logged" in status.text() or status.text().startswith("Not sent")
    assert "Sent, logged" in status.text(), status.text()
    shots.take(to_sam_composer, "thank-you-sent")
    find_by_name(to_sam_composer, QPushButton, "Close").click()

    # The other has no address: another route is offered.
    yield lambda: len(rows_naming(today, "Dana Okafor")) == 1
    open_row(today, rows_naming(today, "Dana Okafor")[0])
    to_dana = yield lambda: window_named("Send a thank-you note to Dana Okafor")
    shots.take(to_dana, "thank-you-without-address")
    # By LinkedIn, say: the route chosen, the text copied, the step marked as sent.
    route = find_by_name(to_dana, QComboBox, "How you sent the note")
    route.setCurrentIndex(route.findText("A LinkedIn message"))
    find_by_name(to_dana, QPushButton, "Copy").click()
    dana_status = find_by_name(to_dana, QLabel, "Status")
    assert "Logged" in dana_status.text(), dana_status.text()
    shots.take(to_dana, "thank-you-copied")
    yield lambda: not rows_naming(today, "Dana Okafor")
    find_by_name(to_dana, QPushButton, "Close").click()

    # Their reply, logged on the card; then a rejection.
    [card_view] = [
        view
        for view in window.findChildren(QAbstractItemView)
        if view.isVisible() and view is not today and rows_naming(view, COMPANY)
    ]
    [card] = rows_naming(card_view, COMPANY)
    # The editor is modal: opened from the event loop, which its own loop keeps going.
    later(lambda: open_row(card_view, card))
    editor = yield lambda: next(
        (w for w in QApplication.topLevelWidgets() if w.isVisible() and isinstance(w, QDialog)),
        None,
    )
    # A shortcut reaches the active window only.
    yield lambda: QApplication.activeWindow() is editor
    for subject, body, outcome in REPLIES:
        QTest.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Corr&espondence
        yield lambda: find_all(editor, QLineEdit, "Subject")
        type_into(find_by_name(editor, QLineEdit, "Subject"), subject)
        type_into(find_by_name(editor, QPlainTextEdit, "Body"), body)
        said = find_by_name(editor, QComboBox, "What they said")
        said.setFocus(Qt.FocusReason.TabFocusReason)
        said.setCurrentIndex(said.findText(outcome))
        if outcome != "Nothing in particular":
            shots.take(editor, "rejection")
        log = find_by_name(editor, QPushButton, "Log message")
        log.click()
        yield lambda: find_by_name(editor, QLineEdit, "Subject").text() == ""
    shots.take(editor, "replies-logged")
    later(find_by_name(editor, QPushButton, "Save opportunity and close").click)
    yield lambda: window_named("Opportunity") is None
    shots.take(window, "after-the-rejection")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args()

    app = make_application([sys.argv[0]])
    db = open_database(args.db, exclusive=True)
    service = FollowupService(db)
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    passwords = PasswordStore()
    account = load_account(service)
    if account is not None:
        # Set up before the path, as a person would have in Settings: in the Secret Service.
        passwords.set_password(account.secret_key, os.environ["NEWCOMER_SMTP_PASSWORD"])
    window = MainWindow(service, settings=settings, passwords=passwords)
    window.resize(1280, 800)
    window.show()
    runner = Runner(app, path(window, Shots(args.shots)))
    code = app.exec()
    del runner
    db.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
