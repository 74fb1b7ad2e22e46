"""Settings, in pages: stages, playbook numbers, working hours, email account, templates.

Stage changes apply at once (each is one service call the board reflects). The playbook
pages are built from the playbook engine's own description of its settings, so a new
setting there appears here without a change to this file; they are saved together under
the ``playbook`` key, which re-plans every opportunity. OK and Apply also save the email
account and a template being edited, but only when the person changed them: an
untouched, empty account form is not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.autostart import autostart_enabled, autostart_supported, set_autostart
from followup_desktop.core import localformat
from followup_desktop.core.errors import FollowupError, ValidationError
from followup_desktop.core.i18n import _, pgettext
from followup_desktop.core.models import StageKind
from followup_desktop.core.playbook.settings import (
    SETTINGS_KEY,
    WEEKDAYS,
    describe_settings,
    validate_settings,
)
from followup_desktop.core.queries.stages import stage_list
from followup_desktop.core.reminders import ReminderService
from followup_desktop.core.services import Change, FollowupService
from followup_desktop.gui.appearance import AppearancePage
from followup_desktop.gui.dialogs import name_standard_buttons
from followup_desktop.gui.editor import FieldError
from followup_desktop.gui.plain import PlainLabel, shown
from followup_desktop.gui.playbook_choices import (
    DISPUTED_CHOICES,
    choice_combo,
    select_value,
    with_explanation,
)
from followup_desktop.gui.setting_labels import (
    choice_words,
    grouped,
    setting_explanation,
    setting_label,
    setting_unit,
)
from followup_desktop.gui.zone_box import ZoneBox

if TYPE_CHECKING:
    from followup_desktop.gui.composer import EmailAccountPage, TemplateEditorPage
    from followup_desktop.secrets import PasswordStore

HOURS_FIELDS = ("timezone", "working_days", "working_hours_start", "working_hours_end")


def _label(name: str) -> str:
    return setting_label(name)


#: What each kind of stage means, in the Stages page's list and its Meaning box.
STAGE_KIND_LABELS = {
    StageKind.PROSPECT: pgettext("stage kind", "Prospect"),
    StageKind.ACTIVE: pgettext("stage kind", "Active"),
    StageKind.FINAL: pgettext("stage kind", "Final round"),
    StageKind.OFFER: pgettext("stage kind", "Offer"),
    StageKind.ACCEPTED: pgettext("stage kind", "Accepted"),
    StageKind.REJECTED: pgettext("stage kind", "Rejected"),
    StageKind.WITHDRAWN: pgettext("stage kind", "Withdrawn"),
    StageKind.CLOSED: pgettext("stage kind", "Closed"),
}


def _qt_time_format() -> str:
    """The locale's short time pattern as a QTimeEdit display format ("h:mm AP", "HH:mm")."""
    return localformat.time_pattern().replace("a", "AP")


def _weekday_names() -> dict[str, str]:
    """Each stored weekday ("mon") by the locale's name for it ("Montag")."""
    monday = date(2024, 1, 1)  # a Monday
    return {
        day: localformat.weekday_name(monday + timedelta(days=offset), width="wide")
        for offset, day in enumerate(WEEKDAYS)
    }


def _shrinkable(combo: QComboBox) -> None:
    """Let a list box be narrower than its longest entry (the open list shows it all)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)


#: Runs one service call off the GUI thread: (what the status bar says, the call).
Background = Callable[[str, Callable[[], Change]], None]


class StagesPage(QWidget):
    """Add, rename, reorder and hide the board's stages."""

    changed = Signal(object)

    def __init__(self, service: FollowupService) -> None:
        super().__init__()
        self._service = service
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            _("Columns of the board, left to right. Untick a stage to hide its column.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Stages"))
        self.list.itemChanged.connect(self._item_changed)
        layout.addWidget(self.list, 1)
        moves = QHBoxLayout()
        self.up_button = QPushButton(_("Move &up"))
        self.up_button.setAccessibleName(_("Move stage up"))
        self.down_button = QPushButton(_("Move do&wn"))
        self.down_button.setAccessibleName(_("Move stage down"))
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        layout.addLayout(moves)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Stage name"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("What the stage means"))
        for kind in StageKind:
            self.kind.addItem(STAGE_KIND_LABELS[kind], kind.value)
        self.kind.setCurrentIndex(self.kind.findData(StageKind.ACTIVE.value))
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Meaning"), self.kind)
        layout.addLayout(form)
        self.error = FieldError("name")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add stage"))
        self.add_button.setAccessibleName(_("Add stage"))
        self.rename_button = QPushButton(_("&Rename selected"))
        self.rename_button.setAccessibleName(_("Rename selected stage"))
        self.add_button.clicked.connect(self.add_stage)
        self.rename_button.clicked.connect(self.rename_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rename_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        """Show the stages as stored."""
        stages = stage_list(self._service.db)
        current = self.selected_id()
        self.list.blockSignals(True)
        self.list.clear()
        for stage in stages:
            item = QListWidgetItem(
                _("{stage}  ({meaning})").format(
                    stage=shown(stage.name),
                    meaning=STAGE_KIND_LABELS.get(stage.kind, stage.kind.value),
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, stage.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if stage.hidden else Qt.CheckState.Checked)
            self.list.addItem(item)
            if stage.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def selected_id(self) -> int | None:
        """The selected stage's id."""
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _apply(self, action: Callable[[], Change]) -> bool:
        try:
            change = action()
        except FollowupError as error:
            self.error.show_message(str(error))
            return False
        self.error.show_message(None)
        self.reload()
        self.changed.emit(change)
        return True

    def _item_changed(self, item: QListWidgetItem) -> None:
        stage_id = int(item.data(Qt.ItemDataRole.UserRole))
        hidden = item.checkState() != Qt.CheckState.Checked
        self._apply(lambda: self._service.set_stage_hidden(stage_id, hidden))

    def add_stage(self) -> bool:
        """Add a stage with the typed name at the end."""
        name, kind = self.name.text(), StageKind(self.kind.currentData())
        if self._apply(lambda: self._service.add_stage(name, kind)):
            self.name.clear()
            return True
        return False

    def rename_selected(self) -> bool:
        """Give the selected stage the typed name."""
        stage_id = self.selected_id()
        if stage_id is None:
            self.error.show_message(_("Select the stage to rename first."))
            return False
        name = self.name.text()
        if self._apply(lambda: self._service.rename_stage(stage_id, name)):
            self.name.clear()
            return True
        return False

    def move_selected(self, step: int) -> bool:
        """Move the selected stage one place left (-1) or right (+1)."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return False
        ids = [
            int(self.list.item(index).data(Qt.ItemDataRole.UserRole))
            for index in range(self.list.count())
        ]
        ids[row], ids[target] = ids[target], ids[row]
        return self._apply(lambda: self._service.reorder_stages(ids))


class PlaybookPage(QWidget):
    """A form built from the playbook's settings description, in groups, in plain words.

    Each setting is a row: its label, its box (a number says its unit: "24 hours after
    the interview"), and one line under it on what it does. The page scrolls down but
    never sideways: the lines wrap and the lists shrink to the width of the dialog.
    """

    def __init__(self, names: set[str] | None, exclude: set[str], intro: str) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        label = PlainLabel(intro)
        label.setWordWrap(True)
        outer.addWidget(label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # Everything inside wraps or shrinks to the width, so there is nothing to the
        # side to scroll to; a horizontal bar would only hide the last row.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.inner = inner
        column = QVBoxLayout(inner)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.editors: dict[str, QWidget] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.descriptions = {
            row["name"]: row
            for row in describe_settings()
            if (names is None or row["name"] in names) and row["name"] not in exclude
        }
        single = names is not None and len(grouped(list(self.descriptions))) == 1
        for title, members in grouped(list(self.descriptions)):
            group = QGroupBox("" if single else title)
            group.setFlat(single)
            form = QFormLayout(group)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            self.form = form
            for name in members:
                self._add_row(form, name)
            column.addWidget(group)
            self.groups[title] = group
        column.addStretch(1)

    def _add_row(self, form: QFormLayout, name: str) -> None:
        row = self.descriptions[name]
        disputed = {choice.setting: choice for choice in DISPUTED_CHOICES}
        if name in disputed:
            # Where the advice differs, the choice is spelt out, as in the editor.
            choice = disputed[name]
            combo = choice_combo(choice)
            _shrinkable(combo)
            caption = PlainLabel(choice.label.replace("&", ""))
            caption.setWordWrap(True)
            caption.setBuddy(combo)
            form.addRow(caption, with_explanation(combo, choice))
            self.editors[name] = combo
            return
        explanation = setting_explanation(name, row["help"])
        editor = self._editor(row)
        editor.setObjectName(name)
        editor.setAccessibleDescription(explanation)
        note = PlainLabel(explanation)
        note.setObjectName(f"explain-{name}")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        if isinstance(editor, QCheckBox):
            # A yes/no setting is its own sentence: the box carries the label.
            editor.setText(_label(name))
            form.addRow(editor)
            form.addRow(note)
            self.editors[name] = editor
            return
        caption = PlainLabel(_label(name))
        caption.setWordWrap(True)
        # The label names its field (its buddy): said once, not by both.
        caption.setBuddy(editor)
        if type(editor) is QWidget or isinstance(editor, QComboBox):
            # A group of boxes (the working days) has no buddy; a list box is read
            # through its label relation on Linux but by this name elsewhere.
            editor.setAccessibleName(_label(name))
        # The caption and its field share a parent, so Qt names the field by its label;
        # the line on what it does is a row of its own under the field.
        form.addRow(caption, editor)
        form.addRow("", note)
        self.editors[name] = editor

    def _editor(self, row: dict[str, Any]) -> QWidget:  # noqa: PLR0911 - one per kind
        default = row["default"]
        name = row["name"]
        if name == "timezone":
            return ZoneBox()
        if row["choices"]:
            combo = QComboBox()
            for choice in row["choices"]:
                combo.addItem(choice_words(name, choice), choice)
            _shrinkable(combo)
            return combo
        if isinstance(default, bool):
            return QCheckBox()
        if isinstance(default, float):
            spin = QDoubleSpinBox()
            spin.setRange(float(row["min"]), float(row["max"]))
            spin.setSingleStep(0.1)
            spin.setSuffix(setting_unit(name))
            return spin
        if isinstance(default, int):
            number = QSpinBox()
            number.setRange(int(row["min"]), int(row["max"]))
            number.setSuffix(setting_unit(name, number.value()))
            number.valueChanged.connect(
                lambda value, box=number: box.setSuffix(setting_unit(name, value))
            )
            return number
        if name in {"working_hours_start", "working_hours_end"}:
            clock = QTimeEdit()
            clock.setDisplayFormat(_qt_time_format())
            return clock
        if name == "working_days":
            days = QWidget()
            layout = QHBoxLayout(days)
            layout.setContentsMargins(0, 0, 0, 0)
            names = _weekday_names()
            for day in WEEKDAYS:
                box = QCheckBox(names[day])
                box.setObjectName(f"day-{day}")
                box.setAccessibleName(names[day])
                layout.addWidget(box)
            return days
        return QLineEdit()

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values (missing ones at their defaults)."""
        for name, editor in self.editors.items():
            value = values.get(name, self.descriptions[name]["default"])
            if isinstance(editor, ZoneBox):
                editor.set_zone(str(value))
            elif isinstance(editor, QComboBox):
                if not select_value(editor, value):
                    editor.setCurrentIndex(0)
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                editor.setValue(value)
            elif isinstance(editor, QTimeEdit):
                editor.setTime(QTime.fromString(str(value), "HH:mm"))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
            else:
                for day in WEEKDAYS:
                    box = editor.findChild(QCheckBox, f"day-{day}")
                    if box is not None:
                        box.setChecked(day in value)

    def values(self) -> dict[str, Any]:
        """The form's values by setting name."""
        result: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                result[name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                result[name] = editor.isChecked()
            elif isinstance(editor, QSpinBox | QDoubleSpinBox):
                result[name] = editor.value()
            elif isinstance(editor, QTimeEdit):
                result[name] = editor.time().toString("HH:mm")
            elif isinstance(editor, QLineEdit):
                result[name] = editor.text().strip()
            else:
                result[name] = [
                    day
                    for day in WEEKDAYS
                    if (box := editor.findChild(QCheckBox, f"day-{day}")) is not None
                    and box.isChecked()
                ]
        return result


class RemindersPage(QWidget):
    """Start at login, and whether reminders keep to working hours."""

    def __init__(self, service: FollowupService) -> None:
        super().__init__()
        self.setAccessibleName(_("Reminders"))
        self._reminders = ReminderService.of(service)
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            _(
                "Followup reminds you from the system tray, through your desktop's "
                "notifications, even with its window closed."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.start_at_login = QCheckBox(_("&Start Followup in the tray when I log in"))
        self.start_at_login.setAccessibleName(_("Start Followup in the tray when I log in"))
        self.quiet_hours = QCheckBox(_("&Keep reminders to my working hours and days"))
        self.quiet_hours.setAccessibleName(_("Keep reminders to my working hours and days"))
        self.quiet_hours.setToolTip(
            _(
                "A reminder that falls outside the hours on the Working hours page waits "
                "until they begin."
            )
        )
        layout.addWidget(self.start_at_login)
        layout.addWidget(self.quiet_hours)
        layout.addStretch(1)
        if not autostart_supported():
            self.start_at_login.setEnabled(False)
            self.start_at_login.setToolTip(
                _("Not available on this system yet; add Followup to your login items by hand.")
            )
        self.reload()

    def reload(self) -> None:
        """Show what is in effect now."""
        self._saved = (autostart_enabled(), self._reminders.prefs().quiet_hours)
        self.start_at_login.setChecked(self._saved[0])
        self.quiet_hours.setChecked(self._saved[1])

    def apply(self) -> bool:
        """Save what changed; raises FollowupError with a message when it cannot."""
        wanted = (self.start_at_login.isChecked(), self.quiet_hours.isChecked())
        if wanted == self._saved:
            return False
        if wanted[0] != self._saved[0]:
            set_autostart(wanted[0])
        if wanted[1] != self._saved[1]:
            self._reminders.set_quiet_hours(wanted[1])
        self._saved = wanted
        return True


class SettingsDialog(QDialog):
    """Pages on the left, the chosen page on the right; OK saves the playbook pages."""

    changed = Signal(object)

    def __init__(  # noqa: PLR0915 - builds every page of the dialog
        self,
        service: FollowupService,
        parent: QWidget | None = None,
        *,
        passwords: PasswordStore | None = None,
        background: Background | None = None,
    ) -> None:
        super().__init__(parent)
        # Imported here: the composer pulls in printing and SMTP, which the window does not
        # need until someone opens the settings (it keeps start-up short).
        from followup_desktop.gui.composer import EmailAccountPage, TemplateEditorPage

        self._service = service
        # Where a playbook change (which re-plans every opportunity) runs: on the
        # window's worker when given, so the window stays usable; else right here.
        self._background = background
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.pages = QListWidget()
        self.pages.setAccessibleName(_("Settings pages"))
        self.pages.setFixedWidth(170)
        self.stack = QStackedWidget()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        self.stages_page = StagesPage(service)
        self.stages_page.changed.connect(self.changed)
        self.playbook_page = PlaybookPage(
            None,
            set(HOURS_FIELDS),
            _(
                "When Followup plans each step after an interview. Changing these plans "
                "every open opportunity again."
            ),
        )
        self.hours_page = PlaybookPage(
            set(HOURS_FIELDS),
            set(),
            _("Reminders fall inside your working hours, on your working days, in your zone."),
        )
        self.email_page: EmailAccountPage = EmailAccountPage(service, passwords=passwords)
        self.email_page.setAccessibleName(_("Email account"))
        self.templates_page: TemplateEditorPage = TemplateEditorPage(service)
        self.templates_page.setAccessibleName(_("Message templates"))
        self.add_page(_("Stages"), self.stages_page)
        self.add_page(_("Playbook"), self.playbook_page)
        self.add_page(_("Working hours"), self.hours_page)
        self.reminders_page = RemindersPage(service)
        self.add_page(_("Reminders"), self.reminders_page)
        self.appearance_page = AppearancePage()
        self.add_page(_("Appearance"), self.appearance_page)
        from followup_desktop.gui.language_page import LanguagePage

        self.language_page = LanguagePage(apply_all=self.apply)
        self.add_page(self.language_page.accessibleName(), self.language_page)
        self.add_page(_("Email account"), self.email_page)
        from followup_desktop.gui.mailbox import IncomingMailPage

        self.incoming_page = IncomingMailPage(service, passwords=passwords)
        self.incoming_page.setAccessibleName(_("Incoming mail"))
        self.add_page(_("Incoming mail"), self.incoming_page)
        self.add_page(_("Message templates"), self.templates_page)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)
        self.error = FieldError("playbook")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        name_standard_buttons(buttons)
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )
        layout.addWidget(buttons)
        stored = service.get_setting(SETTINGS_KEY, {}) or {}
        self._stored: dict[str, Any] = dict(stored) if isinstance(stored, dict) else {}
        self.playbook_page.set_values(self._stored)
        self.hours_page.set_values(self._stored)

    def add_page(self, title: str, page: QWidget) -> None:
        """Add a page (later features add theirs the same way)."""
        self.pages.addItem(title)
        self.stack.addWidget(page)

    def show_page(self, page: QWidget) -> None:
        """Bring ``page`` to the front (and its entry in the list)."""
        index = self.stack.indexOf(page)
        if index >= 0:
            self.pages.setCurrentRow(index)

    def _email_changed(self) -> bool:
        # Compared with what is stored rather than tracked through edit signals: the page
        # fills its own fields when it reloads, which must not count as an edit.
        from followup_desktop.core.messages import load_account  # loaded with the pages

        page = self.email_page
        if page.password_edit.text():
            return True
        stored = load_account(self._service)
        if stored is None:
            typed = (page.host_edit, page.username_edit, page.from_address_edit)
            return any(edit.text().strip() for edit in (*typed, page.from_name_edit))
        try:
            return page.account() != stored
        except ValidationError:
            return True

    def _template_edited(self) -> bool:
        page = self.templates_page
        return page.editor.toPlainText() != page.store.source(page.key)

    def restore_defaults(self) -> None:
        """Show the playbook's defaults (saved on OK or Apply)."""
        self.playbook_page.set_values({})
        self.hours_page.set_values({})

    def apply(self) -> bool:
        """Save every page that changed; False (and the problem shown) if one cannot be."""
        valid, playbook = self._checked_playbook()
        if not valid or not self._apply_pages():
            return False
        # Last: on the worker, the re-plan's transaction then starts after this dialog's
        # other writes instead of racing them.
        if playbook is not None and not self._save_playbook(playbook):
            return False
        self.error.show_message(None)
        return True

    def _apply_pages(self) -> bool:
        """Save the pages other than the playbook; False (and the problem shown) if not."""
        if self._email_changed() and not self.email_page.apply():
            # The page says what is wrong beside its fields; the line above the buttons
            # says where to look, since another page may be showing.
            self.error.show_message(
                _("The email account was not saved: {problem}").format(
                    problem=self.email_page.status_label.text()
                )
            )
            self.show_page(self.email_page)
            return False
        if not self.incoming_page.apply():
            self.error.show_message(
                _("Incoming mail was not saved: {problem}").format(
                    problem=self.incoming_page.status_label.text()
                )
            )
            self.show_page(self.incoming_page)
            return False
        try:
            if self.reminders_page.apply():
                self.changed.emit(Change(frozenset(), frozenset({"settings"})))
        except FollowupError as error:
            self.error.show_message(str(error))
            self.show_page(self.reminders_page)
            return False
        self.appearance_page.apply()
        self.language_page.apply()
        if self._template_edited() and not self.templates_page.save():
            self.error.show_message(
                _(
                    "The template was not saved: fix the problem shown under it, or choose "
                    "Restore the original."
                )
            )
            self.show_page(self.templates_page)
            return False
        return True

    def _checked_playbook(self) -> tuple[bool, dict[str, Any] | None]:
        """Whether the playbook pages are valid, and what to store (None: unchanged)."""
        values = {**self._stored, **self.playbook_page.values(), **self.hours_page.values()}
        try:
            cleaned = validate_settings(values)
        except FollowupError as error:
            self.error.show_message(str(error))
            return False, None
        stored = {key: list(v) if isinstance(v, tuple) else v for key, v in cleaned.items()}
        return True, None if stored == self._stored else stored

    def _save_playbook(self, stored: dict[str, Any]) -> bool:
        if self._background is not None:
            # Validated already; the runner applies the Change (or reports a failure).
            service = self._service
            self._background(
                _("Re-planning every follow-up for the new settings…"),
                lambda: service.set_setting(SETTINGS_KEY, stored),
            )
            self._stored = stored
            return True
        try:
            change = self._service.set_setting(SETTINGS_KEY, stored)
        except FollowupError as error:
            self.error.show_message(str(error))
            return False
        self._stored = stored
        self.changed.emit(change)
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()
