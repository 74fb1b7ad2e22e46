"""The import wizard and the proof-of-search dialog, driven as a person would."""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from conftest import require_tools
from followup_desktop.core import i18n
from followup_desktop.core.db import Database
from followup_desktop.core.imports.formats import Field
from followup_desktop.core.models import Opportunity, Stage
from followup_desktop.core.services import Change, FollowupService, OpportunityFields
from followup_desktop.gui.import_wizard import ImportWizard
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.proof_dialog import ProofDialog
from followup_desktop.gui.tasks import TaskRunner
from gui_helpers import NOW, AnsweringDialogs, window_settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


def _wizard(qtbot: QtBot, service: FollowupService, path: Path) -> ImportWizard:
    tasks = TaskRunner()
    wizard = ImportWizard(service, tasks, AnsweringDialogs(), path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _stored(service: FollowupService) -> list[tuple[str, str]]:
    with service.db.session() as session:
        rows = session.execute(
            select(Opportunity.company, Stage.name)
            .join(Stage, Stage.id == Opportunity.stage_id)
            .order_by(Opportunity.id)
        )
        return [(company, stage) for company, stage in rows]


def _named(widget: QWidget) -> None:
    """Every control a person can reach has a name a screen reader says."""
    for child in widget.findChildren(QWidget):
        if child.focusPolicy() != Qt.FocusPolicy.NoFocus and child.isVisible():
            if type(child).__name__ in {"QScrollBar", "QLabel", "QWidget", "QFrame"}:
                continue
            assert child.accessibleName() or (
                hasattr(child, "text") and child.text()  # buttons say their text
            ), f"{type(child).__name__} {child.objectName()!r} has no accessible name"


def test_wizard_imports_a_tracker_export_with_a_corrected_stage(
    qtbot: QtBot, service: FollowupService
) -> None:
    wizard = _wizard(qtbot, service, FIXTURES / "teal.csv")
    _named(wizard.file_page)
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert "Teal (UTF-8, comma-separated), 5 rows" in wizard.mapping_page.detected.text()
    assert wizard.mapping_page.mapping()["Status"] is Field.STAGE
    _named(wizard.mapping_page)
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.plan is not None)
    assert preview.rows_model.rowCount() == 5
    assert "5 opportunities created" in preview.summary.text()
    assert "Dates read month first" in preview.dates.text()
    _named(preview)
    combo = preview.stage_combos["Negotiating"]
    assert combo.currentText() == "Offer"
    combo.setCurrentIndex(combo.findData("Final round"))
    qtbot.waitUntil(lambda: preview.plan is not None)
    assert preview.plan is not None
    assert preview.plan.rows[4].stage.name == "Final round"
    assert _stored(service) == []  # nothing before Import

    changes: list[Change] = []
    wizard.imported.connect(changes.append)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished)
    assert "Imported teal.csv: 5 opportunities created" in wizard.done_page.result.text()
    assert _stored(service)[-1] == ("Lucerne Publishing", "Final round")
    assert len(changes) == 1 and len(changes[0].opportunity_ids) == 5


def test_wizard_blocks_a_file_with_problems_until_day_first(
    qtbot: QtBot, service: FollowupService
) -> None:
    wizard = _wizard(qtbot, service, FIXTURES / "google_fr_dayfirst.csv")
    wizard.next()
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.plan is not None)
    assert not preview.isComplete()
    assert preview.problems.count() == 1
    assert preview.problems.item(0).text().startswith("Row 3, column 'Date de candidature'")
    preview.day_first.setChecked(True)
    qtbot.waitUntil(lambda: preview.plan is not None and preview.isComplete())
    assert preview.problems.count() == 0


def test_wizard_mapping_for_an_own_sheet_and_plain_text(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("Wo,Was\n<b>Bold</b> & Co,<i>Dev</i>\n", encoding="utf-8")
    wizard = _wizard(qtbot, service, path)
    wizard.next()
    page = wizard.mapping_page
    assert not page.isComplete()
    assert "No column is mapped to company" in page.error.text()
    for column, target in (("Wo", Field.COMPANY), ("Was", Field.ROLE)):
        combo = page.combos[column]
        combo.setCurrentIndex(combo.findData(target.value))
    assert page.isComplete()
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.plan is not None)
    index = preview.rows_model.index(0, 2)
    assert preview.rows_model.data(index) == "<b>Bold</b> & Co"
    for label in wizard.findChildren(QLabel):
        if label.objectName().startswith("import"):
            assert label.textFormat() == Qt.TextFormat.PlainText
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished)
    assert _stored(service) == [("<b>Bold</b> & Co", "Applied")]
    # The mapping is remembered for the next file with these headers.
    again = _wizard(qtbot, service, path)
    again.next()
    assert again.mapping_page.isComplete()


def test_an_unreadable_file_is_explained_on_the_first_page(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    wizard = _wizard(qtbot, service, tmp_path / "missing.csv")
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "cannot be read" in wizard.file_page.error.text()


def test_window_menus_open_the_wizard_and_save_the_proof(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    service.create_opportunity("Acme", "Analyst", OpportunityFields(source="E-mail"))
    dialogs = AnsweringDialogs()
    window = MainWindow(service, dialogs=dialogs, settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    texts = [action.text() for action in file_menu.actions()]
    assert {"Import &spreadsheet…", "Export s&preadsheet…", "&Proof of search…"} <= set(texts)
    window.import_sheet_action.trigger()
    assert isinstance(dialogs.shown[-1], ImportWizard)

    window.proof_action.trigger()
    dialog = dialogs.shown[-1]
    assert isinstance(dialog, ProofDialog)
    _named(dialog)
    pdf = tmp_path / "proof.pdf"
    dialogs.files.append(pdf)
    dialog.save_pdf()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved"), timeout=20_000)
    assert "Saved 1 application to" in dialog.status.text()
    assert pdf.read_bytes().startswith(b"%PDF")

    out = tmp_path / "all.csv"
    dialogs.files.append(out)
    window.export_sheet_action.trigger()
    qtbot.waitUntil(out.exists, timeout=10_000)
    assert "Acme,Analyst,Applied" in out.read_text(encoding="utf-8-sig")


def _window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> MainWindow:
    window = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    return window


def test_pasting_a_posting_asks_then_adds_it_to_the_wishlist(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QGuiApplication

    window = _window(qtbot, service, tmp_path)
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    mime = QMimeData()
    mime.setHtml((FIXTURES / "posting-greenhouse.html").read_text(encoding="utf-8"))
    QGuiApplication.clipboard().setMimeData(mime)
    dialogs.answer = False
    window.paste_posting_action.trigger()
    assert dialogs.messages[-1][0] == "question"
    assert "Company: Northwind Analytics" in dialogs.messages[-1][1]
    assert _stored(service) == []  # declined: nothing added
    dialogs.answer = True
    window.paste_posting_action.trigger()
    assert _stored(service) == [("Northwind Analytics", "Wishlist")]
    window.paste_posting_action.trigger()
    assert "in Followup already" in dialogs.messages[-1][1]
    dialogs.files.append(tmp_path / "nothing.html")
    (tmp_path / "nothing.html").write_text("<html><p>no data</p></html>", encoding="utf-8")
    window.posting_action.trigger()
    assert dialogs.messages[-1][0] == "warning"
    assert "no job posting data" in dialogs.messages[-1][1]


def test_contacts_in_and_out_from_the_window(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    window = _window(qtbot, service, tmp_path)
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    dialogs.files.append(FIXTURES / "Connections.csv")
    window.contacts_action.trigger()
    assert "Add (3):" in dialogs.messages[-1][1]
    qtbot.waitUntil(lambda: window.tasks.idle)
    with service.db.session() as session:
        from followup_desktop.core.models import Contact

        assert len(session.scalars(select(Contact)).all()) == 3
    out = tmp_path / "people.vcf"
    dialogs.files.append(out)
    window.export_contacts_action.trigger()
    qtbot.waitUntil(out.exists)
    assert out.read_text(encoding="utf-8").count("BEGIN:VCARD") == 3


def test_dropped_files_go_to_their_importers(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    from followup_desktop.gui.main_window import dropped_files

    window = _window(qtbot, service, tmp_path)
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)
    files = [FIXTURES / name for name in ("teal.csv", "posting-greenhouse.html", "Connections.csv")]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in [*files, tmp_path / "notes.txt"]])
    assert dropped_files(mime) == files  # the text file is not for Followup
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: len(dialogs.shown) >= 1)
    wizard = dialogs.shown[0]
    assert isinstance(wizard, ImportWizard)
    assert wizard.file_page.path.text() == str(files[0])
    qtbot.waitUntil(lambda: ("Northwind Analytics", "Wishlist") in _stored(service))
    # Connections.csv is a list of people: the contact import asks about it.
    assert len(dialogs.shown) == 1
    assert any("Import these people?" in text for _, text in dialogs.messages)
    qtbot.waitUntil(lambda: window.tasks.idle)


def test_the_proof_prints_through_the_print_dialog(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    service.create_opportunity("Acme", "Analyst", OpportunityFields(source="E-mail"))
    target = tmp_path / "printed.pdf"
    asked: list[QPrinter] = []

    def answer(printer: QPrinter, parent: QWidget) -> bool:
        # A PDF "printer" stands in for paper, so the test can read what was printed.
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        asked.append(printer)
        return True

    dialog = ProofDialog(
        service.db, TaskRunner(), AnsweringDialogs(), NOW.date(), print_dialog=answer
    )
    qtbot.addWidget(dialog)
    dialog.print_log()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Sent"), timeout=20_000)
    assert asked and "Sent 1 application to the printer (1 page)" in dialog.status.text()
    assert target.read_bytes().startswith(b"%PDF")

    declined = ProofDialog(
        service.db, TaskRunner(), AnsweringDialogs(), NOW.date(), print_dialog=lambda *_: False
    )
    qtbot.addWidget(declined)
    declined.print_log()
    assert declined.status.text() == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "de",
            (
                "Nachweis der Eigenbemühungen: Bewerbungen",
                "Zeitraum: 1. Januar 2026 bis 31. Januar 2026.",
                "Bewerbungen in diesem Zeitraum: 1.",
                "Arbeitgeber",
                "Ansprechpartner",
                "05.01.26",
                "Datum, Unterschrift:",
                "Seite 1 von 1",
            ),
        ),
        (
            "fr",
            (
                "Justificatif de recherche d\u2019emploi : candidatures",
                "Période : du 1 janvier 2026 au 31 janvier 2026.",
                "Historique",
                "05/01/2026",
                "Date, signature :",
                "page 1 sur 1",
            ),
        ),
    ],
)
def test_the_proof_pdf_is_the_form_of_the_persons_language(
    tmp_path: Path, language: str, expected: tuple[str, ...]
) -> None:
    require_tools("pdftotext")
    from followup_desktop.core.imports.proof import ProofLog, ProofRow
    from followup_desktop.gui.proof_pdf import write_proof_pdf

    row = ProofRow(
        1,
        date(2026, 1, 5),
        "Northwind",
        "dana@northwind.example",
        "Engineer",
        "Online",
        ((date(2026, 1, 5), "Applied"),),
        "Open",
        "",
    )
    i18n.set_language(language)
    try:
        write_proof_pdf(
            ProofLog(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), (row,)),
            tmp_path / "proof.pdf",
        )
    finally:
        i18n.set_language("en")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "proof.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Ligatures ("ﬁ") read back as two letters, no-break spaces as spaces.
    flat = " ".join(unicodedata.normalize("NFKC", text).split())
    for sentence in expected:
        assert " ".join(unicodedata.normalize("NFKC", sentence).split()) in flat, sentence
