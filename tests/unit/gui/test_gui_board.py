"""The board: models, columns, drag and drop, keyboard moves, multi-select, undo, filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from followup_desktop.core.db import Database
from followup_desktop.core.models import Contact, StageChange
from followup_desktop.core.services import FollowupService, OpportunityFields
from followup_desktop.gui.board_model import (
    CARD_MIME_TYPE,
    BoardFilter,
    StageColumnProxy,
    decode_ids,
    encode_ids,
)
from followup_desktop.gui.board_view import CardListView
from followup_desktop.gui.main_window import MainWindow
from followup_desktop.gui.theme import dark_palette
from gui_helpers import NOW, AnsweringDialogs, drag_event, window_settings

WISHLIST, APPLIED, SCREENING = 1, 2, 3


@pytest.fixture
def service(database: Database) -> FollowupService:
    return FollowupService(database, clock=lambda: NOW)


@pytest.fixture
def window(qtbot: QtBot, service: FollowupService, tmp_path: Path) -> Iterator[MainWindow]:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=WISHLIST)
    ).created_id
    service.create_opportunity("Beta", "Engineer", OpportunityFields(stage_id=WISHLIST))
    service.create_opportunity(
        "Gamma", "Designer", OpportunityFields(stage_id=APPLIED, notes="remote friendly")
    )
    service.create_opportunity("Delta", "Manager", OpportunityFields(stage_id=APPLIED))
    service.add_contact("Jane Roe", opportunity_id=acme)
    assert acme is not None
    service.add_action("call_recruiter", NOW - timedelta(hours=1), opportunity_id=acme)
    win = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.settled)  # the Today panel loads off-thread
    yield win
    win.close()


def column_ids(window: MainWindow, stage_id: int) -> list[int]:
    column = window.board.column_for_stage(stage_id)
    assert column is not None
    return column.view.proxy.ids()


def companies(window: MainWindow, stage_id: int) -> list[str]:
    result = []
    for card_id in column_ids(window, stage_id):
        card = window.board_model.card(card_id)
        assert card is not None
        result.append(card.company)
    return result


def card_id(window: MainWindow, company: str) -> int:
    return next(c.opportunity_id for c in window.board_model.cards() if c.company == company)


def history(service: FollowupService, opportunity_id: int) -> list[tuple[int | None, int | None]]:
    with service.db.session() as session:
        rows = session.execute(
            select(StageChange.from_stage_id, StageChange.to_stage_id)
            .where(StageChange.opportunity_id == opportunity_id)
            .order_by(StageChange.id)
        )
        return [(row[0], row[1]) for row in rows]


def test_every_model_passes_the_model_tester(
    window: MainWindow, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(window.board_model)
    for column in window.board.columns:
        qtmodeltester.check(column.view.proxy)
    qtmodeltester.check(window.agenda_model)


def test_columns_follow_the_stages_with_counts(
    window: MainWindow, service: FollowupService
) -> None:
    names = [column.stage.name for column in window.board.columns]
    assert names[:3] == ["Wishlist", "Applied", "Screening"]
    assert companies(window, WISHLIST) == ["Acme", "Beta"]  # Acme has something due first
    wishlist = window.board.column_for_stage(WISHLIST)
    assert wishlist is not None
    assert wishlist.count_label.text() == "2"
    assert wishlist.view.accessibleName() == "Wishlist column, 2 cards"
    window.apply_change(service.set_stage_hidden(SCREENING, True))
    assert window.board.column_for_stage(SCREENING) is None


def test_a_card_moves_through_its_mime_data_and_back_with_undo(
    window: MainWindow, service: FollowupService
) -> None:
    acme = card_id(window, "Acme")
    wishlist = window.board.column_for_stage(WISHLIST)
    applied = window.board.column_for_stage(APPLIED)
    assert wishlist is not None and applied is not None
    source: StageColumnProxy = wishlist.view.proxy
    mime = source.mimeData([source.index(source.row_of(acme) or 0, 0)])
    assert decode_ids(mime) == [acme]
    target = applied.view.proxy
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert target.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())

    assert companies(window, APPLIED)[0] == "Acme"
    assert "Acme" not in companies(window, WISHLIST)
    assert applied.count_label.text() == "3"
    assert history(service, acme)[-1] == (WISHLIST, APPLIED)
    assert window.board.selected_ids() == [acme]

    window.undo_stack.undo()
    assert companies(window, WISHLIST)[0] == "Acme"
    assert history(service, acme)[-1] == (APPLIED, WISHLIST)
    window.undo_stack.redo()
    assert companies(window, APPLIED)[0] == "Acme"


def test_foreign_mime_data_is_refused(window: MainWindow) -> None:
    applied = window.board.column_for_stage(APPLIED)
    assert applied is not None
    other = QMimeData()
    other.setText("hello")
    proxy = applied.view.proxy
    assert not proxy.canDropMimeData(other, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not proxy.dropMimeData(other, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    broken = QMimeData()
    broken.setData(CARD_MIME_TYPE, b"not json")
    assert decode_ids(broken) == []


def _drag_with_mouse(view: CardListView, row: int) -> QMimeData:
    """Press and move the mouse on a card; return what the drag would carry."""
    carried: list[QMimeData] = []

    def fake_exec(drag: object) -> Qt.DropAction:
        mime = drag.mimeData()  # type: ignore[attr-defined]
        copy = QMimeData()
        copy.setData(CARD_MIME_TYPE, mime.data(CARD_MIME_TYPE))
        carried.append(copy)
        return Qt.DropAction.MoveAction

    # Offscreen Qt has no platform drag loop, so the loop itself is the one part faked.
    view.exec_drag = fake_exec  # type: ignore[method-assign]
    from pytestqt.qtbot import QtBot as _QtBot

    start = view.visualRect(view.proxy.index(row, 0)).center()
    _QtBot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    _QtBot.mouseMove(view.viewport(), start + QPoint(3, 2))
    _QtBot.mouseMove(view.viewport(), start + QPoint(40, 50))
    assert carried, "moving the pressed mouse did not start a drag"
    return carried[0]


def _drop_at(view: CardListView, mime: QMimeData, point: QPoint) -> None:
    actions = Qt.DropAction.MoveAction
    buttons = Qt.MouseButton.LeftButton
    modifiers = Qt.KeyboardModifier.NoModifier
    enter = drag_event(QDragEnterEvent, point, actions, mime)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    move = drag_event(QDragMoveEvent, point, actions, mime)
    QApplication.sendEvent(view.viewport(), move)
    drop = QDropEvent(QPointF(point), actions, mime, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted()


def test_drag_and_drop_with_the_mouse_between_columns(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    beta = card_id(window, "Beta")
    source = window.board.column_for_stage(WISHLIST)
    target = window.board.column_for_stage(APPLIED)
    assert source is not None and target is not None
    mime = _drag_with_mouse(source.view, source.view.proxy.row_of(beta) or 0)
    assert decode_ids(mime) == [beta]
    # Drop between Gamma and Delta (before the second card).
    _drop_at(target.view, mime, window.board.drop_point(APPLIED, 1))
    qtbot.waitUntil(lambda: beta in column_ids(window, APPLIED))
    assert column_ids(window, APPLIED).index(beta) == 1
    assert history(service, beta)[-1] == (WISHLIST, APPLIED)


def test_reordering_within_a_column_is_kept(
    window: MainWindow, service: FollowupService, qtbot: QtBot, tmp_path: Path
) -> None:
    applied = window.board.column_for_stage(APPLIED)
    assert applied is not None
    before = companies(window, APPLIED)
    last = column_ids(window, APPLIED)[-1]
    mime = encode_ids([last])
    _drop_at(applied.view, mime, window.board.drop_point(APPLIED, 0))
    assert companies(window, APPLIED) == [before[-1], *before[:-1]]
    assert history(service, last)[-1][1] == APPLIED  # no stage change recorded
    window.undo_stack.undo()
    assert companies(window, APPLIED) == before
    window.undo_stack.redo()
    reopened = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(reopened)
    assert companies(reopened, APPLIED) == [before[-1], *before[:-1]]


def test_arrow_keys_move_focus_and_shortcuts_move_cards(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    acme = card_id(window, "Acme")
    wishlist = window.board.column_for_stage(WISHLIST)
    applied = window.board.column_for_stage(APPLIED)
    assert wishlist is not None and applied is not None
    window.board.select_cards([acme])
    qtbot.waitUntil(wishlist.view.hasFocus)
    qtbot.keyClick(wishlist.view, Qt.Key.Key_Down)
    assert window.board.current_id() == card_id(window, "Beta")
    qtbot.keyClick(wishlist.view, Qt.Key.Key_Right)
    assert applied.view.hasFocus()
    assert window.board.current_id() in column_ids(window, APPLIED)
    qtbot.keyClick(applied.view, Qt.Key.Key_Left)
    assert wishlist.view.hasFocus()

    window.board.select_cards([acme])
    qtbot.keyClick(
        wishlist.view,
        Qt.Key.Key_Right,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert acme in column_ids(window, APPLIED)
    assert window.board.current_id() == acme  # the focus follows the card
    qtbot.keyClick(
        applied.view,
        Qt.Key.Key_Left,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert acme in column_ids(window, WISHLIST)
    assert history(service, acme)[-2:] == [(WISHLIST, APPLIED), (APPLIED, WISHLIST)]
    assert window.undo_stack.count() == 2


def test_several_cards_move_at_once_and_undo_returns_each_home(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    acme, gamma = card_id(window, "Acme"), card_id(window, "Gamma")
    assert window.board.select_cards([acme, gamma])
    assert sorted(window.board.selected_ids()) == sorted([acme, gamma])
    # The focused card is Acme (Wishlist): both go to the stage after Wishlist.
    assert window.move_selected(1)
    assert {acme, gamma} <= set(column_ids(window, APPLIED))
    assert history(service, gamma)[-1] == (APPLIED, APPLIED) or history(service, gamma)[-1] == (
        None,
        APPLIED,
    )
    window.undo_stack.undo()
    assert acme in column_ids(window, WISHLIST)
    assert gamma in column_ids(window, APPLIED)
    assert window.board.select_cards([acme, gamma])
    assert window.move_selected(1)
    window.board.select_cards([acme, gamma])
    assert window.move_selected(1)
    assert {acme, gamma} <= set(column_ids(window, SCREENING))
    window.undo_stack.undo()
    assert {acme, gamma} <= set(column_ids(window, APPLIED))
    qtbot.wait(0)


def test_moving_updates_incrementally(window: MainWindow, qtbot: QtBot) -> None:
    resets: list[str] = []
    window.board_model.modelReset.connect(lambda: resets.append("board"))
    applied = window.board.column_for_stage(APPLIED)
    assert applied is not None
    applied.view.proxy.modelReset.connect(lambda: resets.append("column"))
    acme = card_id(window, "Acme")
    with qtbot.waitSignal(applied.view.proxy.rowsInserted):
        window.handle_drop([acme], APPLIED, 0)
    assert resets == []


def test_search_and_filters(window: MainWindow, service: FollowupService, qtbot: QtBot) -> None:
    qtbot.keyClicks(window.search, "jane")  # a contact's name
    assert companies(window, WISHLIST) == ["Acme"]
    assert companies(window, APPLIED) == []
    window.search.clear()
    qtbot.keyClicks(window.search, "REMOTE")  # notes, any case
    assert companies(window, APPLIED) == ["Gamma"]
    window.search.clear()
    assert len(companies(window, APPLIED)) == 2

    window.needs_action.setChecked(True)
    assert companies(window, WISHLIST) == ["Acme"]
    assert companies(window, APPLIED) == []
    window.needs_action.setChecked(False)

    delta = card_id(window, "Delta")
    window.apply_change(service.set_archived([delta]))
    assert "Delta" not in companies(window, APPLIED)
    window.show_archived.setChecked(True)
    assert "Delta" in companies(window, APPLIED)
    assert window.board_model.board_filter == BoardFilter("", False, True)
    assert "of 4 opportunities shown" in window.statusBar().currentMessage()


def test_cards_follow_a_dark_palette(
    window: MainWindow, service: FollowupService, qtbot: QtBot, tmp_path: Path
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.palette()
    app.setPalette(dark_palette())
    try:
        dark = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
        qtbot.addWidget(dark)
        dark.show()
        qtbot.waitExposed(dark)
        column = dark.board.column_for_stage(WISHLIST)
        assert column is not None
        rect = column.view.visualRect(column.view.proxy.index(1, 0))
        image = column.view.viewport().grab(rect).toImage()
        # Inside the card, away from text: the dark palette's base, not a light colour.
        pixel = QColor(image.pixel(image.width() - 14, image.height() // 2 - 2))
        assert pixel.lightnessF() < 0.35, pixel.name()
        text = column.view.palette().color(QPalette.ColorRole.Text)
        assert text.lightnessF() > 0.6
    finally:
        app.setPalette(previous)


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
    )

    unnamed = [
        widget
        for widget in window.findChildren(QWidgetType)
        if isinstance(widget, QAbstractButton | QAbstractItemView | QComboBox | QLineEdit)
        and widget.isVisible()
        and not (widget.accessibleName() or getattr(widget, "text", lambda: "")())
    ]
    assert unnamed == []


def test_contacts_are_not_loaded_per_card(window: MainWindow, service: FollowupService) -> None:
    with service.db.session() as session:
        assert session.scalar(select(Contact.name)) == "Jane Roe"
    window.search.setText("jane roe")
    assert window.board_model.search_text(card_id(window, "Acme")).startswith("acme")
    assert companies(window, WISHLIST) == ["Acme"]


def test_stage_changes_keep_or_rebuild_columns_as_needed(
    window: MainWindow, service: FollowupService
) -> None:
    applied = window.board.column_for_stage(APPLIED)
    assert applied is not None
    window.apply_change(service.rename_stage(APPLIED, "Sent"))
    # A rename keeps the column (and whatever is selected in it).
    assert window.board.column_for_stage(APPLIED) is applied
    assert applied.title.text() == "Sent"
    assert applied.view.accessibleName() == "Sent column, 2 cards"
    # The count is said by the list alone, not also by the frame and its labels.
    assert applied.accessibleName() == applied.title.accessibleName() == ""
    window.refresh()
    assert window.board.column_for_stage(APPLIED) is applied
    ids = [stage.id for stage in service.stages()]
    window.apply_change(service.reorder_stages([APPLIED, *[i for i in ids if i != APPLIED]]))
    rebuilt = window.board.column_for_stage(APPLIED)
    assert rebuilt is not None and rebuilt is not applied
    assert window.board.columns[0] is rebuilt
    assert sorted(companies(window, APPLIED)) == ["Delta", "Gamma"]
    # The old column's model no longer follows the board while it waits to be deleted.
    before = applied.view.proxy.ids()
    window.apply_change(service.set_archived([card_id(window, "Gamma")]))
    assert applied.view.proxy.ids() == before
    assert companies(window, APPLIED) == ["Delta"]


def test_a_search_typed_before_the_search_text_arrives_still_finds_contacts(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=WISHLIST)
    ).created_id
    service.create_opportunity("Beta", "Engineer", OpportunityFields(stage_id=WISHLIST))
    service.add_contact("Jane Roe", opportunity_id=acme)
    win = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(win)
    # Not painted yet, so the search text has not even been asked for: the first
    # keystroke has to read it itself.
    read_before = win.board_model.search_complete
    assert not read_before
    win.search.setText("jane")
    assert win.board_model.search_complete
    assert companies(win, WISHLIST) == ["Acme"]
    win.show()
    qtbot.waitUntil(lambda: win.settled)
    assert companies(win, WISHLIST) == ["Acme"]  # the late background answer changes nothing
    win.close()


def test_the_today_panel_and_search_text_are_read_after_the_first_paint(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=WISHLIST)
    ).created_id
    service.add_action("call_recruiter", NOW - timedelta(hours=1), opportunity_id=acme)
    win = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(win)
    assert [card.company for card in win.board_model.cards()] == ["Acme"]
    qtbot.wait(50)
    # Never shown, never painted: nothing was read beyond the board itself.
    assert win.tasks.idle
    assert win.agenda_model.rowCount() == 0
    read_before = win.board_model.search_complete
    assert not read_before
    win.show()
    qtbot.waitUntil(lambda: win.settled)
    assert win.agenda_model.rowCount() == 1
    assert win.board_model.search_complete
    win.close()


def test_a_show_without_a_paint_still_reads_the_today_panel(
    qtbot: QtBot, service: FollowupService, tmp_path: Path
) -> None:
    acme = service.create_opportunity(
        "Acme", "Analyst", OpportunityFields(stage_id=WISHLIST)
    ).created_id
    service.add_action("call_recruiter", NOW - timedelta(hours=1), opportunity_id=acme)
    win = MainWindow(service, dialogs=AnsweringDialogs(), settings=window_settings(tmp_path))
    qtbot.addWidget(win)
    # What a platform that shows the window but never paints it as a whole would send.
    QApplication.sendEvent(win, QShowEvent())
    qtbot.waitUntil(lambda: win.settled, timeout=5000)
    assert win.agenda_model.rowCount() == 1
    assert win.board_model.search_complete


def test_a_late_search_text_read_never_undoes_a_newer_update(
    window: MainWindow, service: FollowupService
) -> None:
    model = window.board_model
    acme = card_id(window, "Acme")
    cards = model.cards()
    model.set_cards(cards, model.ranks())
    stale = {card.opportunity_id: f"{card.company.casefold()} old" for card in cards}
    # An edit lands while the full read is on its way; the read is older than the edit.
    [edited] = [card for card in cards if card.opportunity_id == acme]
    model.update_cards([edited], search={acme: "acme renamed"})
    model.set_search_texts(stale, model.generation - 1)  # for a load since replaced
    complete_after_stale = model.search_complete
    assert not complete_after_stale
    model.set_search_texts(stale, model.generation)
    assert model.search_complete
    assert model.search_text(acme) == "acme renamed"
    assert model.search_text(card_id(window, "Beta")) == "beta old"
    window.search.setText("renamed")
    assert companies(window, WISHLIST) == ["Acme"]


from PySide6.QtWidgets import QWidget as QWidgetType  # noqa: E402


def test_a_move_of_many_cards_runs_on_the_worker_and_other_writes_wait_for_it(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    from followup_desktop.gui.window.board import BULK_MOVE

    for number in range(BULK_MOVE):
        service.create_opportunity(f"Bulk {number}", "Tester", OpportunityFields(stage_id=WISHLIST))
    action = service.add_action("call_recruiter", NOW, opportunity_id=card_id(window, "Gamma"))
    assert action.created_id is not None
    window.refresh()
    moving = column_ids(window, WISHLIST)
    assert len(moving) > BULK_MOVE
    model = window.agenda_model
    listed = {model.item(row).action_id for row in range(model.rowCount())}
    assert action.created_id in listed
    dialogs = window.dialogs
    assert isinstance(dialogs, AnsweringDialogs)

    assert window.handle_drop(moving, APPLIED, 0)
    # Handed to the worker: nothing has moved on screen yet, and the window says what runs.
    assert window.writer.busy
    assert f"Move {len(moving)} cards to Applied" in window.job_label.text()
    assert set(moving).isdisjoint(column_ids(window, APPLIED))
    # A small write meanwhile waits behind the move instead of racing it ...
    window.today_ctl.complete_action(action.created_id)
    assert "1 more waiting" in window.job_label.text()
    # ... and a dialog that writes is not opened until the move is done, nor is another
    # move of cards that are not yet where the first one puts them made.
    window.open_opportunity(moving[0])
    assert dialogs.shown == []
    assert "is still running" in window.statusBar().currentMessage()
    assert not window.handle_drop(moving[:1], SCREENING, 0)
    assert window.undo_stack.count() == 1

    qtbot.waitUntil(lambda: window.settled and not window.writer.busy)
    assert set(moving) <= set(column_ids(window, APPLIED))
    assert history(service, moving[0])[-1] == (WISHLIST, APPLIED)
    assert window.job_label.text() == ""
    listed = {model.item(row).action_id for row in range(model.rowCount())}
    assert action.created_id not in listed

    window.undo_stack.undo()
    assert window.writer.busy
    assert "Undoing" in window.job_label.text()
    qtbot.waitUntil(lambda: window.settled and not window.writer.busy)
    assert set(moving) <= set(column_ids(window, WISHLIST))


def test_selecting_cards_apart_and_together_selects_exactly_those(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    for name in ("Epsilon", "Zeta", "Eta", "Theta"):
        service.create_opportunity(name, "Role", OpportunityFields(stage_id=WISHLIST))
    window.board_ctl.reload()
    wishlist = column_ids(window, WISHLIST)
    applied = column_ids(window, APPLIED)
    assert len(wishlist) == 6 and len(applied) == 2
    # Rows 0, 2, 3 and 5 of one column (two runs and two single rows), and one card of
    # another column; the first named becomes current, wherever it is.
    chosen = [wishlist[3], applied[1], wishlist[0], wishlist[2], wishlist[5]]
    assert window.board.select_cards(chosen)
    assert sorted(window.board.selected_ids()) == sorted(chosen)
    assert window.board.current_id() == wishlist[3]
    everything = wishlist + applied
    assert window.board.select_cards(list(reversed(everything)))
    assert sorted(window.board.selected_ids()) == sorted(everything)
    assert window.board.current_id() == applied[-1]


def test_a_change_to_many_cards_tells_each_column_once(window: MainWindow) -> None:
    model = window.board_model
    wishlist = window.board.column_for_stage(WISHLIST)
    applied = window.board.column_for_stage(APPLIED)
    screening = window.board.column_for_stage(SCREENING)
    assert wishlist is not None and applied is not None and screening is not None
    told: dict[str, list[tuple[int, int]]] = {"wishlist": [], "applied": [], "screening": []}
    for name, column in (("wishlist", wishlist), ("applied", applied), ("screening", screening)):
        column.view.proxy.dataChanged.connect(
            lambda top, bottom, *_roles, name=name: told[name].append((top.row(), bottom.row()))
        )
    renamed = []
    for company in ("Acme", "Beta", "Gamma"):
        card = model.card(card_id(window, company))
        assert card is not None
        renamed.append(card._replace(role=f"{card.role} (lead)"))
    model.update_cards(renamed)
    assert told["wishlist"] == [(0, 1)]  # Acme and Beta, in one range
    assert len(told["applied"]) == 1
    assert told["screening"] == []
    rows = told["applied"][0]
    gamma_row = applied.view.proxy.row_of(card_id(window, "Gamma"))
    assert gamma_row is not None and rows[0] <= gamma_row <= rows[1]
    shown = [wishlist.view.proxy.index(row, 0).data(Qt.ItemDataRole.DisplayRole) for row in (0, 1)]
    assert all(text.endswith("(lead)") for text in shown)
    assert sorted(companies(window, WISHLIST)) == ["Acme", "Beta"]


def test_hundreds_of_cards_dropped_together_land_selected_and_undo_puts_them_back(
    window: MainWindow, service: FollowupService, qtbot: QtBot
) -> None:
    from followup_desktop.gui.board_model import INCREMENTAL_CARDS, RESET_THRESHOLD

    count = max(INCREMENTAL_CARDS, RESET_THRESHOLD) + 20  # a re-sort, and a column reset
    for number in range(count):
        service.create_opportunity(f"Bulk {number}", "Tester", OpportunityFields(stage_id=WISHLIST))
    window.refresh()
    qtbot.waitUntil(lambda: window.settled)
    wishlist_before = column_ids(window, WISHLIST)
    applied_before = column_ids(window, APPLIED)
    moving = wishlist_before[:count]
    staying = wishlist_before[count:]

    assert window.handle_drop(moving, APPLIED, 0)
    qtbot.waitUntil(lambda: window.settled and not window.writer.busy)
    # On top of Applied in the order they were dropped, the cards already there below.
    assert column_ids(window, APPLIED) == moving + applied_before
    assert column_ids(window, WISHLIST) == staying
    assert sorted(window.board.selected_ids()) == sorted(moving)
    assert window.board.current_id() == moving[0]
    applied = window.board.column_for_stage(APPLIED)
    assert applied is not None
    assert window.board.focused_view() is applied.view
    first = window.board_model.card(moving[0])
    assert first is not None
    # What a screen reader says of the current card: the first of those dropped.
    spoken = applied.view.currentIndex().data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith(f"{first.company}, {first.role}")

    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.settled and not window.writer.busy)
    assert column_ids(window, WISHLIST) == wishlist_before
    assert column_ids(window, APPLIED) == applied_before
    assert sorted(window.board.selected_ids()) == sorted(moving)
    assert window.board.current_id() == moving[0]
