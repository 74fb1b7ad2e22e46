"""The welcome above an empty board: what Followup does, and the first steps from there.

A first run used to show only empty columns. The welcome says in two lines what the app
is for and offers the ways in: add the job of an interview just had, or bring in what
the person already has (an invitation, an export, a spreadsheet), or try the demo in a
file of its own. It shows while the
board holds no card at all and goes once the first card arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QPushButton, QVBoxLayout, QWidget

from followup_desktop.core.i18n import _
from followup_desktop.gui.board_model import BoardModel
from followup_desktop.gui.demo_launch import Launcher, start_demo, start_detached
from followup_desktop.gui.plain import PlainLabel

if TYPE_CHECKING:
    from followup_desktop.gui.main_window import MainWindow

Step = tuple[str, str, Callable[[], object]]

LINES = (
    _("Followup keeps track of the jobs you are pursuing, one card per job."),
    _("After each application or interview it reminds you when to follow up, and with what."),
)


class WelcomePanel(QFrame):
    """A short welcome with buttons, shown while ``model`` holds no card."""

    def __init__(
        self,
        model: BoardModel,
        steps: list[Step],
        board: QWidget,
    ) -> None:
        """``steps`` are (button text, accessible description, what it does), in order;
        :attr:`page` is ``board`` with the welcome above it."""
        super().__init__()
        self.setObjectName("welcome")
        self.setAccessibleName(_("Welcome to Followup"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._model = model
        #: What is shown and hidden with the welcome (its box on the board's page).
        self.box: QWidget = self
        #: How the demo's own Followup is started (a test records it instead).
        self.launch: Launcher = start_detached
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = PlainLabel(_("Welcome to Followup"))
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        layout.addWidget(title)
        self.text = PlainLabel("\n".join(LINES))
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.text)
        # One under another: in one line they would hold the window wider than a laptop
        # screen at 200 %.
        row = QGridLayout()
        self.buttons: list[QPushButton] = []
        for index, (text, description, slot) in enumerate(steps):
            button = QPushButton(text)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.setAccessibleDescription(description)
            button.setToolTip(description)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button, index, 0)
            self.buttons.append(button)
        row.setColumnStretch(1, 1)
        layout.addLayout(row)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.follow_model)
        self.page = board_page(self, board)

    def follow_model(self, *_args: QModelIndex | int) -> None:
        """Show the welcome while the board holds no card at all."""
        self.box.setVisible(self._model.rowCount() == 0)


def welcome_steps(window: MainWindow) -> list[Step]:
    """The welcome's buttons: the window's own commands, looked up when pressed (the
    actions are built after the welcome)."""
    return [
        (
            _("Add the job you just interviewed for…"),
            _("Make a card for the job; its interview and debrief go on it"),
            lambda: window.router.new_opportunity(),  # noqa: PLW0108 - looked up when pressed
        ),
        (
            _("Import an invitation or an export…"),
            _("Read a calendar invitation (.ics) or a Followup export (JSON)"),
            lambda: window.named_actions["import"].trigger(),  # noqa: PLW0108
        ),
        (
            _("Import a spreadsheet…"),
            _("Bring in the jobs from a CSV sheet or another tracker"),
            lambda: window.named_actions["import_sheet"].trigger(),  # noqa: PLW0108
        ),
        (
            _("Try the demo…"),
            _(
                "Open invented example jobs in a separate file and window; your own data is "
                "not touched"
            ),
            lambda: start_demo(window, window.pages.welcome.launch),
        ),
    ]


def board_page(welcome: WelcomePanel, board: QWidget) -> QWidget:
    """The board's page: the welcome above the columns, in line with them."""
    page = QWidget()
    page.setObjectName("boardPage")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    # The margins match the board's and belong to a box hidden with the welcome, so an
    # opened board sits exactly where it did before there was a welcome.
    box = QWidget()
    box_layout = QVBoxLayout(box)
    box_layout.setContentsMargins(10, 10, 10, 0)
    box_layout.addWidget(welcome)
    welcome.box = box
    layout.addWidget(box)
    layout.addWidget(board, 1)
    welcome.follow_model()
    return page


__all__ = ["LINES", "WelcomePanel", "welcome_steps"]
