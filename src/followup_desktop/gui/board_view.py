"""The board: a row of columns, each a list view over one stage's column proxy.

Keyboard: Up and Down move within a column, Left and Right move to the neighbouring
column, Return opens a card; Shift and Ctrl extend the selection, also across columns.
Dragging carries every selected card (from any column) as ids in MIME data; dropping
asks the board's owner to move them, so the owner can record the move for undo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListView,
    QScrollArea,
    QSizePolicy,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat
from followup_desktop.core.board import StageSnapshot
from followup_desktop.core.i18n import _, ngettext
from followup_desktop.gui.board_hints import empty_column_hint
from followup_desktop.gui.board_model import (
    CARD_MIME_TYPE,
    BoardModel,
    StageColumnProxy,
    decode_ids,
    encode_ids,
)
from followup_desktop.gui.card_delegate import CardDelegate
from followup_desktop.gui.dropped import saved_mail
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.scroll_access import install as install_scroll_access
from followup_desktop.gui.theme import muted_text

# Columns share the board's width: as many whole columns as fit at MIN_COLUMN_WIDTH
# (a card's company, role and next step stay readable there), widened to fill the row,
# never wider than MAX_COLUMN_WIDTH (long lines are harder to scan). More stages than
# fit scroll sideways; a column is never cut in half at the right edge when at rest.
MIN_COLUMN_WIDTH = 260
MAX_COLUMN_WIDTH = 420
COLUMN_WIDTH = 290  # before the board knows its width


def fitted_column_width(available: int, count: int, spacing: int) -> int:
    """The width of each of ``count`` columns on a board ``available`` pixels wide."""
    fit = max(1, (available + spacing) // (MIN_COLUMN_WIDTH + spacing))
    shown = min(max(count, 1), fit)
    width = (available - spacing * (shown - 1)) // shown
    return max(MIN_COLUMN_WIDTH, min(MAX_COLUMN_WIDTH, width))


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class CardListView(QListView):
    """One column's cards; hands cross-column keys, drags and drops to the board."""

    def __init__(self, board: BoardView, proxy: StageColumnProxy, stage_name: str) -> None:
        super().__init__()
        self._board = board
        self.stage_name = stage_name
        # What the column says while it holds no card (set by its BoardColumn).
        self.empty_hint = ""
        # The card outlined under a drag of saved e-mails (-1: none).
        self._mail_row = -1
        self.setModel(proxy)
        self.setObjectName(f"column-{proxy.stage_id}")
        self.setAccessibleName(_("{stage} column").format(stage=stage_name))
        self.setUniformItemSizes(True)
        # Lay out a long column in batches so the first cards paint without waiting for
        # the geometry of the thousandth.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(60)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setAutoFillBackground(False)

    @property
    def proxy(self) -> StageColumnProxy:
        """The column proxy behind this view."""
        model = self.model()
        assert isinstance(model, StageColumnProxy)
        return model

    # -- keyboard ----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and modifiers in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            step = -1 if key == Qt.Key.Key_Left else 1
            extend = modifiers == Qt.KeyboardModifier.ShiftModifier
            if self._board.move_focus(self, step, extend=extend):
                event.accept()
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        modifiers = event.modifiers()
        if not modifiers & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            index = self.indexAt(event.position().toPoint())
            if not (index.isValid() and self.selectionModel().isSelected(index)):
                self._board.clear_selection(except_view=self)
        super().mousePressEvent(event)

    # -- drag and drop -----------------------------------------------------------------

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # noqa: N803
        del supportedActions
        ids = self._board.selected_ids()
        current = self.currentIndex()
        if not ids and current.isValid():
            ids = [self.proxy.id_at(current.row())]
        if not ids:
            return
        drag = QDrag(self)
        drag.setMimeData(encode_ids(ids))
        if current.isValid():
            pixmap = self._card_pixmap(current)
            drag.setPixmap(pixmap)
            drag.setHotSpot(QPoint(pixmap.width() // 2, 12))
        self.exec_drag(drag)

    def exec_drag(self, drag: QDrag) -> Qt.DropAction:
        """Run the platform's drag loop (tests replace this: offscreen Qt has none)."""
        return drag.exec(Qt.DropAction.MoveAction)

    def _card_pixmap(self, index: QModelIndex) -> QPixmap:
        rect = self.visualRect(index)
        pixmap = QPixmap(rect.size() * self.devicePixelRatioF())
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = QRect(QPoint(0, 0), rect.size())
        self.itemDelegate().paint(painter, option, index)
        painter.end()
        return pixmap

    def _mail_target(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> int | None:
        """The opportunity of the card under a drag of saved e-mails, or None between
        cards (then the mail is read as any e-mail dropped on the window is)."""
        index = self.indexAt(event.position().toPoint())
        return self.proxy.id_at(index.row()) if index.isValid() else None

    def _accept_mail(self, event: QDragEnterEvent | QDragMoveEvent) -> bool:
        """Take a drag of saved e-mails (never of cards), outlining the card under it
        so the person sees which opportunity the message will be read for."""
        mime = event.mimeData()
        if mime.hasFormat(CARD_MIME_TYPE) or not saved_mail(mime):
            return False
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._outline(self.indexAt(event.position().toPoint()))
        return True

    def _outline(self, index: QModelIndex) -> None:
        row = index.row() if index.isValid() else -1
        if row != self._mail_row:
            self._mail_row = row
            self.viewport().update()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._outline(QModelIndex())
        super().dragLeaveEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accept_mail(event):
            return
        if event.mimeData().hasFormat(CARD_MIME_TYPE):
            super().dragEnterEvent(event)
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accept_mail(event):
            return
        if event.mimeData().hasFormat(CARD_MIME_TYPE):
            super().dragMoveEvent(event)
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def drop_row(self, point: QPoint) -> int:
        """The row a drop at ``point`` (viewport coordinates) inserts before."""
        index = self.indexAt(point)
        if not index.isValid():
            return self.proxy.rowCount()
        rect = self.visualRect(index)
        return index.row() + (1 if point.y() > rect.center().y() else 0)

    def dropEvent(self, event: QDropEvent) -> None:
        # QListView's own drop first tries to move rows inside the model; the board
        # decides instead, through the proxy's dropMimeData.
        mail = [] if event.mimeData().hasFormat(CARD_MIME_TYPE) else saved_mail(event.mimeData())
        if mail:
            # Saved e-mails: on a card, for its opportunity; between cards, for whoever
            # their addresses name (the board passes on a None id).
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._outline(QModelIndex())
            self._board.mail_dropped.emit(self._mail_target(event), mail)
            return
        ids = decode_ids(event.mimeData())
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()
        if not ids:
            event.ignore()
            return
        row = self.drop_row(event.position().toPoint())
        accepted = self.proxy.dropMimeData(
            event.mimeData(), Qt.DropAction.MoveAction, row, 0, QModelIndex()
        )
        if accepted:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if 0 <= self._mail_row < self.proxy.rowCount():
            # A thick outline, not only a colour: where a dragged e-mail will land.
            painter = QPainter(self.viewport())
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 3)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(
                self.visualRect(self.proxy.index(self._mail_row, 0)).adjusted(1, 1, -2, -2)
            )
            painter.end()
        if self.proxy.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(muted_text(self.palette()))
            painter.drawText(
                self.viewport().rect().adjusted(12, 24, -12, -12),
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.empty_hint or _("No cards here.\nDrag a card here to move it."),
            )
            painter.end()


class BoardColumn(QFrame):
    """A stage's header (name and count) above its list of cards."""

    def __init__(self, board: BoardView, stage: StageSnapshot, proxy: StageColumnProxy) -> None:
        super().__init__()
        self.stage = stage
        self.setObjectName(f"stage-{stage.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(COLUMN_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 8, 2, 2)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setContentsMargins(10, 0, 10, 0)
        self.title = PlainLabel(stage.name)
        title_font = self.title.font()
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.count_label = PlainLabel("0")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        header.addWidget(self.title, 1)
        header.addWidget(self.count_label)
        layout.addLayout(header)
        self.view = CardListView(board, proxy, stage.name)
        self.view.empty_hint = empty_column_hint(stage.name, stage.kind)
        layout.addWidget(self.view, 1)
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset):
            signal.connect(self.update_count)
        self.update_count()

    def rename(self, stage: StageSnapshot) -> None:
        """Show the stage under its current name (the column stays, with its cards)."""
        self.stage = stage
        self.title.setText(stage.name)
        self.view.stage_name = stage.name
        self.view.empty_hint = empty_column_hint(stage.name, stage.kind)
        self.update_count()

    def update_count(self) -> None:
        """Show how many cards the column holds now."""
        count = self.view.proxy.rowCount()
        self.count_label.setText(localformat.number(count))
        # Said once, by the list that takes the focus: the frame and the two labels
        # around it would otherwise repeat the same words three times.
        self.view.setAccessibleName(
            ngettext("{stage} column, {n} card", "{stage} column, {n} cards", count).format(
                stage=self.stage.name, n=localformat.number(count)
            )
        )
        # A screen reader hears what the painted hint of an empty column says.
        self.view.setAccessibleDescription(
            self.view.empty_hint.replace("\n", " ") if count == 0 else ""
        )


class BoardView(QScrollArea):
    """All visible stages side by side, scrolling sideways when they do not fit."""

    open_requested = Signal(int)
    selection_changed = Signal()
    #: A card's context menu was asked for (mouse or Menu key): where, in global pixels.
    menu_requested = Signal(QPoint)
    #: Saved e-mails (a list of Paths) were dropped on a column: the opportunity id of
    #: the card under the drop, or None between cards.
    mail_dropped = Signal(object, object)

    def __init__(
        self,
        model: BoardModel,
        clock: Callable[[], datetime],
        tz: tzinfo,
        drop_handler: Callable[[list[int], int, int], bool],
    ) -> None:
        # Before the first interface is made: Qt's own one for a scroll area can crash a
        # screen reader's walk when a scroll bar hides (scroll_access.py).
        install_scroll_access()
        super().__init__()
        self.setObjectName("board")
        self.setAccessibleName(_("Board: one column per stage"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.model = model
        self.delegate = CardDelegate(clock, tz, self)
        self._drop_handler = drop_handler
        self.columns: list[BoardColumn] = []
        self._inner = QWidget()
        self._layout = QHBoxLayout(self._inner)
        self._layout.setContentsMargins(10, 10, 10, 10)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.column_width = COLUMN_WIDTH

    def fit_columns(self) -> None:
        """Size every column to the board's current width."""
        margins = self._layout.contentsMargins()
        available = self.viewport().width() - margins.left() - margins.right()
        width = fitted_column_width(available, len(self.columns), self._layout.spacing())
        if width == self.column_width and all(c.width() == width for c in self.columns):
            return
        self.column_width = width
        for column in self.columns:
            column.setFixedWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def set_stages(self, stages: Sequence[StageSnapshot]) -> None:
        """Show one column per visible stage, in order.

        The columns are rebuilt only when the visible stages or their order changed; a
        rename (or no change at all, as on a reload) keeps them, with their selection.
        """
        visible = [stage for stage in stages if not stage.hidden]
        if [stage.id for stage in visible] == [column.stage.id for column in self.columns]:
            for column, stage in zip(self.columns, visible, strict=True):
                if column.stage != stage:
                    column.rename(stage)
            return
        for column in self.columns:
            self._layout.removeWidget(column)
            proxy = column.view.proxy
            # Deleted later, so stop it following the model now.
            proxy.detach()
            column.setParent(None)
            column.deleteLater()
            proxy.deleteLater()
        self.columns = []
        for stage in visible:
            proxy = StageColumnProxy(self.model, stage.id, self)
            proxy.drop_handler = self._drop_handler
            column = BoardColumn(self, stage, proxy)
            column.view.setItemDelegate(self.delegate)
            column.view.activated.connect(self._activated)
            column.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            column.view.customContextMenuRequested.connect(
                lambda point, view=column.view: self._menu_requested(view, point)
            )
            column.view.selectionModel().selectionChanged.connect(self.selection_changed)
            column.view.selectionModel().currentChanged.connect(self.selection_changed)
            self._layout.insertWidget(self._layout.count() - 1, column)
            self.columns.append(column)
        self.column_width = 0
        self.fit_columns()

    def _menu_requested(self, view: CardListView, point: QPoint) -> None:
        index = view.indexAt(point)
        if not index.isValid():
            # The Menu key: the menu is about the card with the focus.
            index = view.currentIndex()
            if not index.isValid():
                return
            point = view.visualRect(index).center()
        if not view.selectionModel().isSelected(index):
            self.clear_selection()
            view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.menu_requested.emit(view.viewport().mapToGlobal(point))

    def current_card_point(self) -> QPoint | None:
        """The middle of the focused card, in global pixels (where a menu about it opens)."""
        view = self.focused_view()
        if view is None or not view.currentIndex().isValid():
            return None
        return view.viewport().mapToGlobal(view.visualRect(view.currentIndex()).center())

    def _activated(self, index: QModelIndex) -> None:
        view = self.sender()
        if isinstance(view, CardListView) and index.isValid():
            self.open_requested.emit(view.proxy.id_at(index.row()))

    # -- lookups -------------------------------------------------------------------------

    def column_for_stage(self, stage_id: int) -> BoardColumn | None:
        """The column showing ``stage_id``, if it is visible."""
        return next((c for c in self.columns if c.stage.id == stage_id), None)

    def views(self) -> list[CardListView]:
        """Every column's list view, left to right."""
        return [column.view for column in self.columns]

    def focused_view(self) -> CardListView | None:
        """The column view with keyboard focus, else the one with a current card."""
        for view in self.views():
            if view.hasFocus():
                return view
        for view in self.views():
            if view.currentIndex().isValid() and view.selectionModel().hasSelection():
                return view
        return None

    def selected_ids(self) -> list[int]:
        """Selected cards in every column, left to right and top to bottom."""
        ids: list[int] = []
        for view in self.views():
            rows = sorted(index.row() for index in view.selectionModel().selectedIndexes())
            ids.extend(view.proxy.id_at(row) for row in rows)
        return ids

    def current_id(self) -> int | None:
        """The card with the keyboard focus (or the first selected one)."""
        view = self.focused_view()
        if view is not None and view.currentIndex().isValid():
            return view.proxy.id_at(view.currentIndex().row())
        selected = self.selected_ids()
        return selected[0] if selected else None

    # -- selection and focus -----------------------------------------------------------

    def clear_selection(self, except_view: CardListView | None = None) -> None:
        """Deselect every card (except in one column)."""
        for view in self.views():
            if view is not except_view:
                view.selectionModel().clearSelection()

    def select_cards(self, ids: Sequence[int], focus: bool = True) -> bool:
        """Select these cards where they are shown; the first becomes current."""
        self.clear_selection()
        # The first of ``ids`` on screen becomes current: (its place in ids, view, index).
        first: tuple[int, CardListView, QModelIndex] | None = None
        for view in self.views():
            # One selection per column, applied at once: selecting hundreds of cards one
            # by one would announce (and recount) the selection hundreds of times. Rows
            # next to each other go in one range: 500 cards dropped together are one
            # range, not 500 for Qt to build, merge and test on every paint.
            row_of = view.proxy.row_of
            found = [
                (row, position)
                for position, card_id in enumerate(ids)
                if (row := row_of(card_id)) is not None
            ]
            if not found:
                continue
            proxy = view.proxy
            position, row = min((position, row) for row, position in found)
            if first is None or position < first[0]:
                first = (position, view, proxy.index(row, 0))
            selection = QItemSelection()
            for top, bottom in _runs(sorted(row for row, _position in found)):
                selection.select(proxy.index(top, 0), proxy.index(bottom, 0))
            view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
        if first is None:
            return False
        _rank, view, index = first
        if focus:
            # Focus first, then the current card: a screen reader then hears the focus
            # land on the card itself, not only on its column.
            view.setFocus(Qt.FocusReason.OtherFocusReason)
        view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        view.scrollTo(index)
        self.ensureWidgetVisible(view.parentWidget() or view)
        return True

    def move_focus(self, view: CardListView, step: int, *, extend: bool = False) -> bool:
        """Move the keyboard focus to the nearest non-empty column ``step`` away."""
        views = self.views()
        position = views.index(view)
        row = max(view.currentIndex().row(), 0)
        target_position = position + step
        while 0 <= target_position < len(views) and views[target_position].proxy.rowCount() == 0:
            target_position += step
        if not 0 <= target_position < len(views):
            return False
        target = views[target_position]
        index = target.proxy.index(min(row, target.proxy.rowCount() - 1), 0)
        if not extend:
            self.clear_selection()
        flag = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if extend:
            flag = QItemSelectionModel.SelectionFlag.Select
        target.selectionModel().setCurrentIndex(index, flag)
        target.scrollTo(index)
        self.ensureWidgetVisible(target.parentWidget() or target)
        target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def neighbour_stage(self, stage_id: int, step: int) -> int | None:
        """The visible stage ``step`` columns away from ``stage_id``."""
        ids = [column.stage.id for column in self.columns]
        if stage_id not in ids:
            return None
        position = ids.index(stage_id) + step
        return ids[position] if 0 <= position < len(ids) else None

    def stage_of_current(self) -> int | None:
        """The stage of the focused column."""
        view = self.focused_view()
        return None if view is None else view.proxy.stage_id

    def drop_point(self, stage_id: int, row: int) -> QPoint:
        """A point in a column's viewport that drops before ``row`` (for tests and tools)."""
        column = self.column_for_stage(stage_id)
        assert column is not None
        view = column.view
        if row < view.proxy.rowCount():
            rect = view.visualRect(view.proxy.index(row, 0))
            return QPoint(rect.center().x(), rect.top() + 3)
        if view.proxy.rowCount():
            rect = view.visualRect(view.proxy.index(view.proxy.rowCount() - 1, 0))
            return QPoint(rect.center().x(), rect.bottom() + 6)
        return QPoint(view.viewport().width() // 2, 10)
