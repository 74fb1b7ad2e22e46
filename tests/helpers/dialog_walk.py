"""Opens each dialog of the window and prints, one JSON line each, every text it shows.

Run as a script in a process of its own (``FOLLOWUP_LANGUAGE=pseudo``, offscreen), since
the language is fixed per process: tests/integration/test_dialogs_speak_the_language.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)


def _model_texts(view: QAbstractItemView) -> Iterator[tuple[str, str]]:
    model = view.model()
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model hides its column count
        columns = 1
    for column in range(columns):
        header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if isinstance(header, str):
            yield "header", header
    for row in range(min(model.rowCount(QModelIndex()), 50)):
        value = model.data(model.index(row, 0))
        if isinstance(value, str):
            yield "row", value


def _texts(widget: QWidget) -> Iterator[tuple[QWidget, str, str]]:
    yield widget, "windowTitle", widget.windowTitle()
    for child in [widget, *widget.findChildren(QWidget)]:
        if child is not widget and not child.isVisibleTo(widget):
            continue
        yield child, "accessibleName", child.accessibleName()
        yield child, "accessibleDescription", child.accessibleDescription()
        yield child, "toolTip", child.toolTip()
        if isinstance(child, QAbstractButton | QLabel):
            yield child, "text", child.text()
        if isinstance(child, QGroupBox):
            yield child, "title", child.title()
        if isinstance(child, QLineEdit | QPlainTextEdit):
            yield child, "placeholder", child.placeholderText()
        if isinstance(child, QTabWidget):
            for index in range(child.count()):
                yield child, "tab", child.tabText(index)
        if isinstance(child, QComboBox):
            for index in range(child.count()):
                yield child, "item", child.itemText(index)
        if isinstance(child, QAbstractItemView):
            for what, text in _model_texts(child):
                yield child, what, text


def _mnemonic(text: str) -> str | None:
    """The letter after a single "&" (Alt plus it reaches the control), lower-cased."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def _accelerators(widget: QWidget) -> Iterator[tuple[QWidget, str]]:
    """The controls Alt+letter reaches in ``widget`` as it stands, with their labels.

    A label's letter counts when it has a buddy; a tab's, for its tab bar; a button's and
    a checkable group's, when they are visible and enabled.
    """
    for child in [widget, *widget.findChildren(QWidget)]:
        if child is not widget and not child.isVisibleTo(widget):
            continue
        if isinstance(child, QAbstractButton | QLabel) and (
            child.isEnabled() if isinstance(child, QAbstractButton) else child.buddy() is not None
        ):
            yield child, child.text()
        elif isinstance(child, QGroupBox) and child.isCheckable():
            yield child, child.title()
        elif isinstance(child, QTabWidget):
            for index in range(child.count()):
                yield child, child.tabText(index)


REPORTS = [0]


def _report(app: QApplication, dialog: str, widget: QWidget) -> None:
    app.processEvents()
    REPORTS[0] += 1
    page = REPORTS[0]
    for child, what, text in _texts(widget):
        if text.strip():
            line = {"dialog": dialog, "object": child.objectName(), "what": what, "text": text}
            sys.stdout.write(json.dumps(line) + "\n")
    for child, text in _accelerators(widget):
        letter = _mnemonic(text)
        if letter is not None:
            entry: dict[str, str | int] = {
                "dialog": dialog,
                "page": page,
                "object": child.objectName(),
                "what": "accelerator",
                "text": text,
                "letter": letter,
            }
            sys.stdout.write(json.dumps(entry) + "\n")


def main() -> int:
    import keyring.backends.null
    from sqlalchemy import select

    from followup_desktop.core.board import load_stages
    from followup_desktop.core.db import open_database
    from followup_desktop.core.fields import ContactFields
    from followup_desktop.core.models import Action
    from followup_desktop.core.services import FollowupService
    from followup_desktop.gui.composer.composer import ComposerDialog
    from followup_desktop.gui.debrief import DebriefDialog, QuestionBankWidget
    from followup_desktop.gui.dialogs import Dialogs
    from followup_desktop.gui.editor import OpportunityEditor
    from followup_desktop.gui.import_wizard import ImportWizard
    from followup_desktop.gui.mailbox import MailboxDialog
    from followup_desktop.gui.proof_dialog import ProofDialog
    from followup_desktop.gui.settings_dialog import SettingsDialog
    from followup_desktop.gui.stats.page import StatsPage
    from followup_desktop.gui.tasks import TaskRunner
    from followup_desktop.secrets import PasswordStore

    app = QApplication(["dialog-walk"])
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "walk.sqlite3")
        service = FollowupService(db, clock=lambda: NOW)
        opportunity = service.create_opportunity("Acme", "Analyst").created_id
        assert opportunity is not None
        service.add_contact(
            "Dana Okafor",
            ContactFields(title="Head of Data", email="dana@acme.test"),
            opportunity_id=opportunity,
        )
        interview = service.record_interview(
            opportunity, NOW - timedelta(hours=3), NOW - timedelta(hours=2), "Europe/Berlin"
        ).created_id
        assert interview is not None
        with db.session() as session:
            stages = load_stages(session)
        for name in (*(stage.name for stage in stages), "Acme", "Analyst", "Dana Okafor"):
            line = {"dialog": "data", "object": "", "what": "data", "text": name}
            sys.stdout.write(json.dumps(line) + "\n")
        store = PasswordStore(backend=keyring.backends.null.Keyring())
        tasks = TaskRunner()
        editor = OpportunityEditor(service, opportunity, stages, open_debrief=lambda _id: None)
        editor.show()
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            _report(app, "editor", editor)
        new = OpportunityEditor(service, None, stages)
        new.show()
        new.save()  # every required field's message
        _report(app, "new editor", new)
        debrief = DebriefDialog(service, interview)
        debrief.show()
        debrief.submit()  # the problems of an empty form
        _report(app, "debrief", debrief)
        bank = QuestionBankWidget(service)
        bank.show()
        _report(app, "question bank", bank)
        settings = SettingsDialog(service, None, passwords=store)
        settings.show()
        for row in range(settings.pages.count()):
            settings.pages.setCurrentRow(row)
            _report(app, "settings", settings)
        proof = ProofDialog(db, tasks, Dialogs(), NOW.date())
        proof.show()
        _report(app, "proof of search", proof)
        wizard = ImportWizard(service, tasks, Dialogs())
        wizard.show()
        _report(app, "import", wizard)
        with db.session() as session:
            actions = session.scalars(
                select(Action.id).where(Action.opportunity_id == opportunity).order_by(Action.id)
            ).all()
        composers = [ComposerDialog(service, action, passwords=store) for action in actions[:4]]
        for composer in composers:
            composer.show()
            _report(app, "composer", composer)
        mailbox = MailboxDialog(service, None, tasks=tasks, passwords=store, dialogs=Dialogs())
        mailbox.show()
        _report(app, "mailbox", mailbox)
        stats = StatsPage(service, tasks, UTC, Dialogs())
        stats.show()
        _report(app, "stats", stats)
        for widget in (
            editor,
            new,
            debrief,
            bank,
            settings,
            proof,
            wizard,
            mailbox,
            stats,
            *composers,
        ):
            widget.close()
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
