"""The opportunity editor: every field with inline messages, and tabs for what belongs to it.

Checks are the core's own (``core.validation``), run as the person types, so a message
appears beside the field it is about; the service checks again on save and its
``ValidationError.field`` lands on the same label. A save is one service call, one
transaction: invalid input is never stored half-way.

A new opportunity's tabs work from the start: Apply (which keeps the dialog open), or the
first contact, interview or message added, creates it from the details tab. What has
been written before Cancel is listed above the buttons, so Cancel never hides a save.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat, validation
from followup_desktop.core.board import (
    ContactSnapshot,
    CorrespondenceSnapshot,
    InterviewSnapshot,
    OpportunityDetails,
    StageSnapshot,
)
from followup_desktop.core.errors import FollowupError, ValidationError
from followup_desktop.core.fields import (
    OPPORTUNITY_TEXT,
    ContactFields,
    InterviewFields,
    OpportunityFields,
)
from followup_desktop.core.i18n import _, formatting_locale, pgettext
from followup_desktop.core.models import Channel, ContactRole, Direction, InterviewKind
from followup_desktop.core.queries.editor import load_opportunity
from followup_desktop.core.services import Change, FollowupService, ReplyOutcome
from followup_desktop.core.timeutil import local_zone, local_zone_name
from followup_desktop.gui.dialogs import name_standard_buttons, show_local_dates
from followup_desktop.gui.dropped import saved_mail
from followup_desktop.gui.letter_language import add_letter_language_row
from followup_desktop.gui.message_reading import MessageReading, suggest
from followup_desktop.gui.plain import PlainLabel, editable, opportunity_name, shown
from followup_desktop.gui.playbook_choices import OpportunityChoices, global_settings
from followup_desktop.gui.snapshot_table import SnapshotTableModel
from followup_desktop.gui.theme import error_color

_ROLE_LABELS = {
    ContactRole.INTERVIEWER: _("Interviewer"),
    ContactRole.HR: _("HR"),
    ContactRole.RECRUITER: _("Recruiter"),
    ContactRole.REFERRER: _("Referrer"),
    ContactRole.INSIDE_CONTACT: _("Inside contact"),
    ContactRole.REFERENCE: _("Reference"),
}


_KIND_LABELS = {
    InterviewKind.PHONE: pgettext("interview kind", "Phone"),
    InterviewKind.VIDEO: pgettext("interview kind", "Video"),
    InterviewKind.ONSITE: pgettext("interview kind", "On site"),
    InterviewKind.PANEL: pgettext("interview kind", "Panel"),
    InterviewKind.TECHNICAL: pgettext("interview kind", "Technical"),
    InterviewKind.OTHER: pgettext("interview kind", "Other"),
}
_CHANNEL_LABELS = {
    Channel.EMAIL: pgettext("channel", "Email"),
    Channel.PHONE: pgettext("channel", "Phone"),
    Channel.LETTER: pgettext("channel", "Letter"),
    Channel.LINKEDIN: pgettext("channel", "LinkedIn"),
    Channel.IN_PERSON: pgettext("channel", "In person"),
    Channel.OTHER: pgettext("channel", "Another way"),
}


def _kind_label(value: str) -> str:
    try:
        return _KIND_LABELS[InterviewKind(value)]
    except ValueError:
        return value.replace("_", " ")


def _channel_label(value: str) -> str:
    try:
        return _CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return value.replace("_", " ")


def _stage_label(stage: StageSnapshot) -> str:
    name = shown(stage.name)
    return _("{stage} (hidden)").format(stage=name) if stage.hidden else name


def to_utc(value: QDateTime) -> datetime:
    """An aware UTC instant from a date-time edit (seconds since the epoch are unambiguous)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


def from_utc(value: datetime) -> QDateTime:
    """A local QDateTime for an aware instant."""
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()))


def _local(value: datetime) -> str:
    return localformat.day_and_clock(value.astimezone(local_zone()), year=True)


class FieldError(PlainLabel):
    """An inline message under a field; empty and hidden while the field is fine."""

    def __init__(self, field: str, label: str = "") -> None:
        super().__init__()
        self.field = field
        self.setObjectName(f"error-{field}")
        self.setWordWrap(True)
        self.setVisible(False)
        name = label.replace("&", "").strip()
        self.setAccessibleName(
            _("Problem with {field}").format(field=name) if name else _("Problem")
        )

    def show_message(self, message: str | None) -> None:
        """Show ``message`` (None hides the label)."""
        palette = self.palette()
        palette.setColor(self.foregroundRole(), error_color(palette))
        self.setPalette(palette)
        self.setText("⚠ " + message if message else "")
        self.setAccessibleDescription(message or "")
        self.setVisible(bool(message))


class _FormWithErrors:
    """A form layout whose rows carry an error label each."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.errors: dict[str, FieldError] = {}
        self.widgets: dict[str, QWidget] = {}

    def add(self, label: str, field: str, widget: QWidget) -> None:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = FieldError(field, label)
        box.addWidget(error)
        widget.setAccessibleName(label.replace("&", ""))
        widget.setObjectName(field)
        row_label = PlainLabel(label)
        row_label.setBuddy(widget)
        self.layout.addRow(row_label, holder)
        self.errors[field] = error
        self.widgets[field] = widget

    def show(self, problems: dict[str, str], only: set[str] | None = None) -> None:
        for field, error in self.errors.items():
            if only is None or field in only:
                error.show_message(problems.get(field))


def _group_symbol() -> str:
    from babel.numbers import get_group_symbol

    return str(get_group_symbol(formatting_locale()))


def _parse_amount(text: str, field: str, message: str) -> int | None:
    # The field shows the amount grouped the locale's way ("65,000", "65.000", "65 000"),
    # so the locale's group sign and any kind of space are taken as grouping.
    cleaned = text.strip().replace(_group_symbol(), "").replace(",", "").replace("_", "")
    cleaned = "".join(cleaned.split())  # every Unicode space, the no-break ones too
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValidationError(message.format(example=localformat.number(65000)), field)
    return int(cleaned)


def _amount_text(amount: int | None) -> str:
    return "" if amount is None else localformat.number(amount)


class OpportunityEditor(QDialog):
    """Edit (or create, when ``opportunity_id`` is None) one opportunity."""

    saved = Signal(object)

    def __init__(
        self,
        service: FollowupService,
        opportunity_id: int | None,
        stages: Sequence[StageSnapshot],
        parent: QWidget | None = None,
        *,
        open_debrief: Callable[[int], None] | None = None,
        open_mail: Callable[[OpportunityEditor, Sequence[Path]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        # Reads saved e-mails (dropped here, or opened or pasted in "From your mailbox")
        # for this opportunity; None where the mailbox part is not offered.
        self._open_mail = open_mail
        self.setAcceptDrops(open_mail is not None)
        self.opportunity_id = opportunity_id
        self._stages = list(stages)
        self._touched: set[str] = set()
        self._open_debrief = open_debrief
        self.setWindowTitle(_("New opportunity") if opportunity_id is None else _("Opportunity"))
        self.setAccessibleName(self.windowTitle())
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Opportunity sections"))
        layout.addWidget(self.tabs)
        self._build_details()
        self._build_notes()
        self._build_contacts()
        self._build_interviews()
        self._build_correspondence()
        self._build_choices()
        self.general_error = FieldError("general")
        layout.addWidget(self.general_error)
        # What this dialog has written so far (an Apply, a contact added, …): Cancel
        # keeps these, and the line says so rather than let Cancel look like an undo.
        self.saved_parts: list[str] = []
        self.saved_note = PlainLabel()
        self.saved_note.setObjectName("saved-note")
        self.saved_note.setWordWrap(True)
        self.saved_note.setVisible(False)
        layout.addWidget(self.saved_note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        name_standard_buttons(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName(_("Save opportunity and close"))
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setAccessibleName(_("Apply: save the opportunity and keep editing"))
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(_("Cancel changes not yet saved"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if opportunity_id is not None:
            self._load()
        else:
            # Contacts, interviews and messages hang off a saved opportunity: the first
            # one added saves the details first (see _ensure_saved).
            for page in (self.contacts_page, self.interviews_page, self.messages_page):
                self.tabs.setTabToolTip(
                    self.tabs.indexOf(page),
                    _("Adding here saves the opportunity's details first."),
                )
        show_local_dates(
            self.start_date,
            self.interview_starts,
            self.interview_ends,
            self.message_when,
            self.message_date,
        )
        self.company.setFocus()

    # -- building ----------------------------------------------------------------------

    def _build_details(self) -> None:
        page = QWidget()
        form_layout = QFormLayout(page)
        self.form = _FormWithErrors(form_layout)
        self.company = QLineEdit()
        self.role = QLineEdit()
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://…")
        self.location = QLineEdit()
        self.source = QLineEdit()
        self.source.setPlaceholderText(_("job board, referral, recruiter…"))
        self.salary_min = QLineEdit()
        self.salary_max = QLineEdit()
        self.salary_currency = QLineEdit()
        self.salary_currency.setMaxLength(3)
        self.salary_currency.setPlaceholderText("EUR")
        self.stage = QComboBox()
        for stage in self._stages:
            self.stage.addItem(_stage_label(stage), stage.id)
        active = next((s for s in self._stages if s.kind.value == "active"), None)
        if active is not None:
            self.stage.setCurrentIndex(self.stage.findData(active.id))
        self.has_start_date = QCheckBox(_("Known"))
        self.start_date = QDateEdit(QDate.currentDate())
        self.start_date.setCalendarPopup(True)
        self.start_date.setEnabled(False)
        self.start_date.setAccessibleName(_("Start date"))
        self.has_start_date.toggled.connect(self.start_date.setEnabled)
        start_row = QWidget()
        start_layout = QHBoxLayout(start_row)
        start_layout.setContentsMargins(0, 0, 0, 0)
        start_layout.addWidget(self.has_start_date)
        start_layout.addWidget(self.start_date, 1)
        self.archived = QCheckBox(_("Archived (no more reminders)"))
        self.form.add(_("&Company"), "company", self.company)
        self.form.add(_("&Role"), "role", self.role)
        self.form.add(_("&Link"), "link", self.link)
        self.form.add(_("L&ocation"), "location", self.location)
        self.form.add(_("So&urce"), "source", self.source)
        self.form.add(_("Salary mi&nimum"), "salary_min", self.salary_min)
        self.form.add(_("Salary ma&ximum"), "salary_max", self.salary_max)
        self.form.add(_("C&urrency"), "salary_currency", self.salary_currency)
        self.form.add(_("&Stage"), "stage_id", self.stage)
        self.form.add(_("Start &date"), "start_date", start_row)
        self.letter_language = add_letter_language_row(self.form)
        self.has_start_date.setAccessibleName(_("Start date known"))
        self.form.add("", "archived", self.archived)
        self.archived.setAccessibleName(_("Archived"))
        for name in (
            "company",
            "role",
            "link",
            "location",
            "source",
            "salary_min",
            "salary_max",
            "salary_currency",
        ):
            widget = self.form.widgets[name]
            assert isinstance(widget, QLineEdit)
            widget.textEdited.connect(lambda _text, field=name: self._edited(field))
        self.tabs.addTab(page, _("&Details"))

    def _build_notes(self) -> None:
        page = QWidget()
        layout = QFormLayout(page)
        self.notes_form = _FormWithErrors(layout)
        self.notes = QPlainTextEdit()
        self.acceptance_criteria = QPlainTextEdit()
        self.acceptance_criteria.setPlaceholderText(
            _("What an offer must have for you to say yes: salary floor, remote days, …")
        )
        self.notes_form.add(_("&Notes"), "notes", self.notes)
        self.notes_form.add(
            _("&Acceptance criteria"), "acceptance_criteria", self.acceptance_criteria
        )
        self.tabs.addTab(page, _("&Notes"))

    def _table(self, name: str) -> QTableView:
        table = QTableView()
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _build_contacts(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.contacts_model: SnapshotTableModel[ContactSnapshot] = SnapshotTableModel(
            [
                (_("Name"), lambda c: c.name),
                (_("Role"), lambda c: _ROLE_LABELS.get(ContactRole(c.role), c.role)),
                (_("Title"), lambda c: c.title),
                (_("Email"), lambda c: c.email),
                (_("Phone"), lambda c: c.phone),
                (_("LinkedIn"), lambda c: c.linkedin),
            ],
            self,
        )
        self.contacts_table = self._table(_("Contacts"))
        self.contacts_table.setModel(self.contacts_model)
        layout.addWidget(self.contacts_table, 1)
        form_layout = QFormLayout()
        self.contact_form = _FormWithErrors(form_layout)
        self.contact_name = QLineEdit()
        self.contact_role = QComboBox()
        for role, label in _ROLE_LABELS.items():
            self.contact_role.addItem(label, role.value)
        self.contact_title = QLineEdit()
        self.contact_email = QLineEdit()
        self.contact_phone = QLineEdit()
        self.contact_linkedin = QLineEdit()
        self.contact_linkedin.setPlaceholderText(_("https://www.linkedin.com/in/…"))
        self.contact_form.add(_("Na&me"), "name", self.contact_name)
        self.contact_form.add(_("Ro&le"), "contact_role", self.contact_role)
        self.contact_form.add(_("&Title"), "title", self.contact_title)
        self.contact_form.add(_("&Email"), "email", self.contact_email)
        self.contact_form.add(_("&Phone"), "phone", self.contact_phone)
        self.contact_form.add(_("Lin&kedIn profile"), "linkedin", self.contact_linkedin)
        self.contact_email.textEdited.connect(lambda _t: self._check_contact(only={"email"}))
        self.contact_linkedin.textEdited.connect(lambda _t: self._check_contact(only={"linkedin"}))
        layout.addLayout(form_layout)
        layout.addLayout(self._contact_buttons())
        self.contacts_table.selectionModel().selectionChanged.connect(
            lambda *_args: self._contact_selected()
        )
        self._removed: tuple[int, str, list[ContactRole]] | None = None
        self._contact_selected()
        self.contacts_page = page
        self.tabs.addTab(page, _("C&ontacts"))

    def _contact_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.contact_status = PlainLabel()
        self.contact_status.setObjectName("contact-status")
        self.contact_status.setWordWrap(True)
        row.addWidget(self.contact_status, 1)
        self.undo_remove_button = QPushButton(_("&Undo remove"))
        self.undo_remove_button.setAccessibleName(_("Undo removing the contact"))
        self.undo_remove_button.setVisible(False)
        self.undo_remove_button.clicked.connect(self.undo_remove_contact)
        row.addWidget(self.undo_remove_button)
        self.remove_contact_button = QPushButton(_("Re&move from this opportunity"))
        self.remove_contact_button.setAccessibleName(
            _("Remove the selected contact from this opportunity")
        )
        self.remove_contact_button.clicked.connect(self.remove_contact)
        row.addWidget(self.remove_contact_button)
        self.update_contact_button = QPushButton(_("Sa&ve contact"))
        self.update_contact_button.setAccessibleName(_("Save changes to the selected contact"))
        self.update_contact_button.clicked.connect(self.update_contact)
        row.addWidget(self.update_contact_button)
        self.add_contact_button = QPushButton(_("&Add contact"))
        self.add_contact_button.setAccessibleName(_("Add contact"))
        self.add_contact_button.clicked.connect(self.add_contact)
        row.addWidget(self.add_contact_button)
        return row

    def _build_interviews(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.interviews_model: SnapshotTableModel[InterviewSnapshot] = SnapshotTableModel(
            [
                (_("Round"), lambda i: str(i.round)),
                (_("Kind"), lambda i: _kind_label(i.kind)),
                (_("Starts"), lambda i: _local(i.starts_at)),
                (_("Ends"), lambda i: localformat.clock(i.ends_at.astimezone(local_zone()))),
                (_("Next steps"), lambda i: i.next_steps),
            ],
            self,
        )
        self.interviews_table = self._table(_("Interviews"))
        self.interviews_table.setModel(self.interviews_model)
        layout.addWidget(self.interviews_table, 1)
        if self._open_debrief is not None:
            self.debrief_button = QPushButton(_("Write &debrief…"))
            self.debrief_button.setAccessibleName(_("Write debrief for the selected interview"))
            self.debrief_button.clicked.connect(self._debrief_selected)
            layout.addWidget(self.debrief_button, 0, Qt.AlignmentFlag.AlignRight)
        form_layout = QFormLayout()
        self.interview_form = _FormWithErrors(form_layout)
        start = QDateTime.currentDateTime().addDays(1)
        start.setTime(start.time().fromString("10:00", "HH:mm"))
        self.interview_starts = QDateTimeEdit(start)
        self.interview_starts.setCalendarPopup(True)
        self.interview_ends = QDateTimeEdit(start.addSecs(3600))
        self.interview_ends.setCalendarPopup(True)
        self.interview_kind = QComboBox()
        for kind in InterviewKind:
            self.interview_kind.addItem(_KIND_LABELS[kind], kind.value)
        self.interview_location = QLineEdit()
        self.interview_next_steps = QLineEdit()
        self.interview_next_steps.setPlaceholderText(_("what they said happens next, and when"))
        self.interview_form.add(_("Sta&rts"), "starts_at", self.interview_starts)
        self.interview_form.add(_("&Ends"), "ends_at", self.interview_ends)
        self.interview_form.add(_("&Kind"), "kind", self.interview_kind)
        self.interview_form.add(_("&Where"), "interview_location", self.interview_location)
        self.interview_form.add(_("Ne&xt steps"), "next_steps", self.interview_next_steps)
        self.interview_starts.dateTimeChanged.connect(lambda _v: self._check_interview())
        self.interview_ends.dateTimeChanged.connect(lambda _v: self._check_interview())
        layout.addLayout(form_layout)
        self.add_interview_button = QPushButton(_("&Add interview"))
        self.add_interview_button.setAccessibleName(_("Add interview"))
        self.add_interview_button.clicked.connect(self.add_interview)
        layout.addWidget(self.add_interview_button, 0, Qt.AlignmentFlag.AlignRight)
        self.interviews_page = page
        self.tabs.addTab(page, _("&Interviews"))

    def _build_correspondence(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.messages_model: SnapshotTableModel[CorrespondenceSnapshot] = SnapshotTableModel(
            [
                (_("When"), lambda m: _local(m.occurred_at)),
                (_("Direction"), lambda m: _("Sent") if m.direction == "sent" else _("Received")),
                (_("Channel"), lambda m: _channel_label(m.channel)),
                (_("Subject"), lambda m: m.subject),
            ],
            self,
        )
        self.messages_table = self._table(_("Correspondence"))
        self.messages_table.setModel(self.messages_model)
        layout.addWidget(self.messages_table, 1)
        form_layout = QFormLayout()
        self.message_form = _FormWithErrors(form_layout)
        self.message_direction = QComboBox()
        self.message_direction.addItem(_("Received from them"), Direction.RECEIVED.value)
        self.message_direction.addItem(_("Sent by me"), Direction.SENT.value)
        self.message_channel = QComboBox()
        for channel in Channel:
            self.message_channel.addItem(_CHANNEL_LABELS[channel], channel.value)
        self.message_when = QDateTimeEdit(QDateTime.currentDateTime())
        self.message_when.setCalendarPopup(True)
        self.message_subject = QLineEdit()
        self.message_body = QPlainTextEdit()
        self.message_body.setPlaceholderText(_("what the message said, pasted or in short"))
        self.message_body.setTabChangesFocus(True)
        self.message_body.setMaximumHeight(90)
        # What a reply said, so the plan can follow it (a next round, a date to wait for,
        # a rejection, an offer); on a sent message the date is one you promised.
        self.message_outcome = QComboBox()
        for label, value in MESSAGE_OUTCOMES:
            self.message_outcome.addItem(label, value)
        self.message_dated = QCheckBox(_("A date was named"))
        self.message_date = QDateTimeEdit(QDateTime.currentDateTime().addDays(7))
        self.message_date.setCalendarPopup(True)
        self.message_date.setToolTip(
            _(
                "A reply: the next round, or the day to wait until or check back on. "
                "A message you sent: the day you said you would be in touch."
            )
        )
        self.message_form.add(_("&Direction"), "direction", self.message_direction)
        self.message_form.add(_("C&hannel"), "channel", self.message_channel)
        self.message_form.add(_("&When"), "occurred_at", self.message_when)
        self.message_form.add(_("&Subject"), "subject", self.message_subject)
        self.message_form.add(_("&Body"), "body", self.message_body)
        self.message_form.add(_("What they &said"), "outcome", self.message_outcome)
        self.message_form.add(_("Named &date"), "dated", self.message_dated)
        self.message_form.add(_("Da&te"), "next_round_at", self.message_date)
        # Only a reply can say what comes next (the service refuses it on a sent one).
        self.message_direction.currentIndexChanged.connect(lambda _i: self._direction_changed())
        layout.addLayout(form_layout)
        self._build_message_tools(layout)
        self.messages_page = page
        # Not Alt+R: that is the Role field's, on the page the editor opens on.
        self.tabs.addTab(page, _("Corr&espondence"))

    def _build_message_tools(self, layout: QVBoxLayout) -> None:
        """Under the form: what the message's words suggest, and the buttons."""
        self.message_reading = MessageReading({v: k for k, v in MESSAGE_OUTCOMES})
        self.message_reading.use.connect(self._use_reading)
        self.message_reading.timer.timeout.connect(self._read_message)
        for signal in (
            self.message_body.textChanged,
            self.message_subject.textChanged,
            self.message_when.dateTimeChanged,
            self.message_direction.currentIndexChanged,
        ):
            signal.connect(self.message_reading.timer.start)
        layout.addWidget(self.message_reading)
        buttons = QHBoxLayout()
        if self._open_mail is not None:
            self.read_mail_button = QPushButton(_("&Read an e-mail…"))
            self.read_mail_button.setAccessibleName(_("Read a saved or copied e-mail"))
            self.read_mail_button.setToolTip(
                _(
                    "Open or paste an e-mail to log it here, with what it says. "
                    "You can also drop a saved e-mail (.eml) on this window."
                )
            )
            self.read_mail_button.clicked.connect(lambda: self.read_mail([]))
            buttons.addWidget(self.read_mail_button)
        buttons.addStretch(1)
        self.add_message_button = QPushButton(_("&Log message"))
        self.add_message_button.setAccessibleName(_("Log message"))
        self.add_message_button.clicked.connect(self.add_message)
        buttons.addWidget(self.add_message_button)
        layout.addLayout(buttons)

    def _build_choices(self) -> None:
        # What the opportunity already overrides, kept whole: the page edits only its
        # own three choices and leaves any other override as it was.
        self._overrides: dict[str, Any] = {}
        self.choices = OpportunityChoices(global_settings(self._service))
        self.choices.setAccessibleName(_("Follow-up plan choices"))
        self.tabs.addTab(self.choices, _("&Follow-up plan"))

    # -- loading -----------------------------------------------------------------------

    def _load(self) -> None:
        assert self.opportunity_id is not None
        details = load_opportunity(self._service.db, self.opportunity_id)
        self.details = details
        self.setWindowTitle(opportunity_name(details.company, details.role))
        self.company.setText(editable(details.company))
        self.role.setText(editable(details.role))
        self.link.setText(details.link)
        self.location.setText(editable(details.location))
        self.source.setText(editable(details.source))
        self.salary_min.setText(_amount_text(details.salary_min))
        self.salary_max.setText(_amount_text(details.salary_max))
        self.salary_currency.setText(details.salary_currency)
        self.stage.setCurrentIndex(max(0, self.stage.findData(details.stage_id)))
        self.has_start_date.setChecked(details.start_date is not None)
        if details.start_date is not None:
            start = details.start_date
            self.start_date.setDate(QDate(start.year, start.month, start.day))
        self.letter_language.set_language(details.letter_language)
        self.archived.setChecked(details.archived)
        self.notes.setPlainText(editable(details.notes))
        self.acceptance_criteria.setPlainText(editable(details.acceptance_criteria))
        self._overrides = dict(details.playbook_overrides)
        self.choices.set_overrides(self._overrides)
        self._load_lists(details)

    def _load_lists(self, details: OpportunityDetails) -> None:
        self.contacts_model.set_rows(details.contacts)
        self.interviews_model.set_rows(details.interviews)
        self.messages_model.set_rows(details.correspondence)

    def _reload_lists(self) -> None:
        assert self.opportunity_id is not None
        self._load_lists(load_opportunity(self._service.db, self.opportunity_id))

    # -- validation --------------------------------------------------------------------

    def _edited(self, field: str) -> None:
        self._touched.add(field)
        self.check(only=self._touched)

    def field_values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form as the service takes it, and the problems found (field -> message)."""
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}

        def attempt(field: str, compute: Callable[[], Any]) -> Any:
            try:
                return compute()
            except ValidationError as error:
                problems.setdefault(error.field or field, str(error))
                return None

        for name, widget in (
            ("company", self.company),
            ("role", self.role),
            ("location", self.location),
            ("source", self.source),
        ):
            values[name] = attempt(name, partial(OPPORTUNITY_TEXT[name].clean, widget.text()))
        values["link"] = attempt("link", lambda: validation.url(self.link.text()))
        minimum = attempt(
            "salary_min",
            lambda: _parse_amount(
                self.salary_min.text(),
                "salary_min",
                _("The salary minimum must be a whole number, like {example}."),
            ),
        )
        maximum = attempt(
            "salary_max",
            lambda: _parse_amount(
                self.salary_max.text(),
                "salary_max",
                _("The salary maximum must be a whole number, like {example}."),
            ),
        )
        if "salary_min" not in problems and "salary_max" not in problems:
            attempt("salary_min", lambda: validation.salary_range(minimum, maximum))
        values["salary_min"], values["salary_max"] = minimum, maximum
        # The rule the service and the import apply, so the form accepts what they store.
        values["salary_currency"] = attempt(
            "salary_currency",
            partial(OPPORTUNITY_TEXT["salary_currency"].clean, self.salary_currency.text()),
        )
        values["stage_id"] = self.stage.currentData()
        values["start_date"] = (
            date.fromisoformat(self.start_date.date().toString("yyyy-MM-dd"))
            if self.has_start_date.isChecked()
            else None
        )
        values["letter_language"] = self.letter_language.language()
        values["archived"] = self.archived.isChecked()
        values["notes"] = self.notes.toPlainText()
        values["acceptance_criteria"] = self.acceptance_criteria.toPlainText()
        values["playbook_overrides"] = self.choices.overrides(self._overrides)
        return values, problems

    def check(self, only: set[str] | None = None) -> dict[str, str]:
        """Run every check; show the messages for ``only`` these fields (all when None)."""
        _values, problems = self.field_values()
        self.form.show(problems, only)
        return problems

    def _show_service_error(self, error: FollowupError) -> None:
        field = getattr(error, "field", None)
        for form in (self.form, self.notes_form):
            if field in form.errors:
                form.errors[field].show_message(str(error))
                self.tabs.setCurrentIndex(0 if form is self.form else 1)
                form.widgets[field].setFocus()
                return
        self.general_error.show_message(str(error))

    # -- saving ------------------------------------------------------------------------

    def save(self) -> bool:
        """Check everything, then save in one call and close; stay open at any problem."""
        if not self.apply():
            return False
        self.accept()
        return True

    def apply(self) -> bool:
        """Check everything, then save in one call; the dialog stays open either way."""
        values, problems = self.field_values()
        self.form.show(problems)
        self.general_error.show_message(None)
        if problems:
            self.tabs.setCurrentIndex(0)
            first = next(field for field in self.form.errors if field in problems)
            self.form.widgets[first].setFocus()
            return False
        try:
            if self.opportunity_id is None:
                company = values.pop("company")
                role = values.pop("role")
                change = self._service.create_opportunity(
                    company, role, OpportunityFields(**values)
                )
                self.opportunity_id = change.created_id
            else:
                change = self._service.update_opportunity(
                    self.opportunity_id, OpportunityFields(**values)
                )
        except FollowupError as error:
            self._show_service_error(error)
            return False
        self._overrides = dict(values["playbook_overrides"])
        if self.opportunity_id is not None:
            self.setWindowTitle(
                opportunity_name(self.company.text().strip(), self.role.text().strip())
            )
        self._note_saved(_("the details"))
        self.saved.emit(change)
        return True

    def _ensure_saved(self) -> bool:
        """A new opportunity is created (from the details tab) before anything hangs off it."""
        if self.opportunity_id is not None:
            return True
        return self.apply()

    def _note_saved(self, part: str) -> None:
        if part not in self.saved_parts:
            self.saved_parts.append(part)
        self.saved_note.setText(
            _(
                "Already saved: {parts}. Cancel keeps these and drops only what is not saved yet."
            ).format(parts=", ".join(self.saved_parts))
        )
        self.saved_note.setVisible(True)

    def _emit(self, change: Change, part: str) -> None:
        self._note_saved(part)
        self.saved.emit(change)
        self._reload_lists()

    def _check_contact(self, only: set[str] | None = None) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            validation.required_text(self.contact_name.text(), "name", _("The contact's name"))
        except ValidationError as error:
            problems["name"] = str(error)
        try:
            validation.email(self.contact_email.text())
        except ValidationError as error:
            problems["email"] = str(error)
        try:
            validation.linkedin_profile(self.contact_linkedin.text())
        except ValidationError as error:
            problems["linkedin"] = str(error)
        self.contact_form.show(problems, only)
        return problems

    def _contact_fields(self) -> ContactFields:
        return ContactFields(
            name=self.contact_name.text(),
            title=self.contact_title.text(),
            email=self.contact_email.text(),
            phone=self.contact_phone.text(),
            linkedin=self.contact_linkedin.text(),
        )

    def _selected_contact(self) -> ContactSnapshot | None:
        rows = self.contacts_table.selectionModel().selectedRows()
        return self.contacts_model.row_snapshot(rows[0].row()) if rows else None

    def _contact_selected(self) -> None:
        """A selected person fills the form, to change or remove them."""
        contact = self._selected_contact()
        self.update_contact_button.setEnabled(contact is not None)
        self.remove_contact_button.setEnabled(contact is not None)
        if contact is None:
            return
        self.contact_name.setText(editable(contact.name))
        self.contact_role.setCurrentIndex(max(0, self.contact_role.findData(contact.role)))
        self.contact_title.setText(editable(contact.title))
        self.contact_email.setText(contact.email)
        self.contact_phone.setText(editable(contact.phone))
        self.contact_linkedin.setText(contact.linkedin)
        self.contact_form.show({})

    def _clear_contact_form(self) -> None:
        self.contacts_table.clearSelection()
        for widget in (
            self.contact_name,
            self.contact_title,
            self.contact_email,
            self.contact_phone,
            self.contact_linkedin,
        ):
            widget.clear()

    def _contact_error(self, error: FollowupError) -> None:
        target = self.contact_form.errors.get(getattr(error, "field", "") or "")
        (target or self.general_error).show_message(str(error))

    def add_contact(self) -> bool:
        """Add the person in the contact form to this opportunity (saving a new one first)."""
        if self._check_contact() or not self._ensure_saved():
            return False
        assert self.opportunity_id is not None
        name = self.contact_name.text().strip()
        try:
            change = self._service.add_contact(
                self.contact_name.text(),
                self._contact_fields(),
                opportunity_id=self.opportunity_id,
                role=ContactRole(self.contact_role.currentData()),
            )
        except FollowupError as error:
            self._contact_error(error)
            return False
        self._clear_contact_form()
        self.contact_status.setText(_("Added {name}.").format(name=name))
        self._emit(change, _("contact {name}").format(name=name))
        return True

    def update_contact(self) -> bool:
        """Save the form over the selected person (their details and their role here)."""
        contact = self._selected_contact()
        if contact is None or self.opportunity_id is None or self._check_contact():
            return False
        try:
            change = self._service.update_contact(
                contact.contact_id,
                self._contact_fields(),
                opportunity_id=self.opportunity_id,
                role=ContactRole(self.contact_role.currentData()),
            )
        except FollowupError as error:
            self._contact_error(error)
            return False
        name = self.contact_name.text().strip()
        self._clear_contact_form()
        self.contact_status.setText(_("Saved the changes to {name}.").format(name=name))
        self._emit(change, _("changes to {name}").format(name=name))
        return True

    def remove_contact(self) -> bool:
        """Take the selected person off this opportunity; their messages and steps stay."""
        contact = self._selected_contact()
        if contact is None or self.opportunity_id is None:
            return False
        try:
            change, roles = self._service.unlink_contact(self.opportunity_id, contact.contact_id)
        except FollowupError as error:
            self._contact_error(error)
            return False
        self._removed = (contact.contact_id, contact.name, roles)
        self._clear_contact_form()
        self.contact_status.setText(
            _(
                "Removed {name} from this opportunity. Messages and steps "
                "with them stay in the history."
            ).format(name=shown(contact.name))
        )
        self.undo_remove_button.setVisible(True)
        self._emit(change, _("removal of {name}").format(name=contact.name))
        return True

    def undo_remove_contact(self) -> bool:
        """Give the person last removed their roles here back."""
        if self._removed is None or self.opportunity_id is None:
            return False
        contact_id, name, roles = self._removed
        change = Change()
        try:
            for role in roles:
                change |= self._service.link_contact(self.opportunity_id, contact_id, role)
        except FollowupError as error:
            self._contact_error(error)
            return False
        self._removed = None
        self.undo_remove_button.setVisible(False)
        self.contact_status.setText(
            _("{name} is back on this opportunity.").format(name=shown(name))
        )
        removal = _("removal of {name}").format(name=name)
        if removal in self.saved_parts:
            self.saved_parts.remove(removal)
        self._emit(change, _("contact {name}").format(name=name))
        return True

    def _check_interview(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            validation.interview_times(
                to_utc(self.interview_starts.dateTime()), to_utc(self.interview_ends.dateTime())
            )
        except ValidationError as error:
            problems[error.field or "ends_at"] = str(error)
        self.interview_form.show(problems)
        return problems

    def add_interview(self) -> bool:
        """Record the interview in the interview form (saving a new opportunity first)."""
        if self._check_interview() or not self._ensure_saved():
            return False
        assert self.opportunity_id is not None
        try:
            change = self._service.record_interview(
                self.opportunity_id,
                to_utc(self.interview_starts.dateTime()),
                to_utc(self.interview_ends.dateTime()),
                local_zone_name(),
                InterviewFields(
                    kind=self.interview_kind.currentData(),
                    location=self.interview_location.text(),
                    next_steps=self.interview_next_steps.text(),
                ),
                advance_stage=True,
            )
        except FollowupError as error:
            field = getattr(error, "field", "") or ""
            target = self.interview_form.errors.get(field)
            (target or self.general_error).show_message(str(error))
            return False
        self.interview_location.clear()
        self.interview_next_steps.clear()
        self._follow_stage(change)
        self._emit(change, _("an interview"))
        return True

    def _debrief_selected(self) -> None:
        rows = self.interviews_table.selectionModel().selectedRows()
        if not rows and self.interviews_model.rowCount():
            rows = [self.interviews_model.index(self.interviews_model.rowCount() - 1, 0)]
        if rows and self._open_debrief is not None:
            interview = self.interviews_model.row_snapshot(rows[0].row())
            self._open_debrief(interview.interview_id)
            self._reload_lists()

    def _read_message(self) -> None:
        """Read the message in the form for what it suggests (after a pause in typing)."""
        body = self.message_body.toPlainText()
        if not body.strip():
            self.message_reading.show_suggestion(None)
            return
        written = self.message_when.date()
        written_on = date(written.year(), written.month(), written.day())
        received = self.message_direction.currentData() == Direction.RECEIVED.value
        self.message_reading.show_suggestion(
            suggest(self.message_subject.text(), body, written_on, received=received)
        )

    def _use_reading(self, outcome: str, day: date | None) -> None:
        """Fill "What they said" and the date with what the message suggested."""
        if outcome and self.message_outcome.isEnabled():
            self.message_outcome.setCurrentIndex(max(0, self.message_outcome.findData(outcome)))
        if day is not None:
            self.message_dated.setChecked(True)
            self.message_date.setDate(QDate(day.year, day.month, day.day))
        self.message_outcome.setFocus()

    # -- saved e-mails -------------------------------------------------------------------

    def read_mail(self, paths: Sequence[Path]) -> None:
        """Read saved e-mails (none: open "From your mailbox" to open or paste one) for
        this opportunity, saving a new one first; the lists show what was confirmed."""
        if self._open_mail is None or not self._ensure_saved():
            return
        self._open_mail(self, paths)

    def mail_logged(self, change: Change) -> None:
        """A message read for this opportunity was confirmed: show it in the lists."""
        self._follow_stage(change)
        self._note_saved(_("a message"))
        self._reload_lists()

    def _take_mail(self, event: QDragEnterEvent | QDragMoveEvent) -> bool:
        """Accept a drag of saved e-mails, as a copy: the files stay where they are."""
        if self._open_mail is None or not saved_mail(event.mimeData()):
            return False
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        return True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self._take_mail(event):
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not self._take_mail(event):
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        mail = saved_mail(event.mimeData()) if self._open_mail is not None else []
        if not mail:
            super().dropEvent(event)
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.read_mail(mail)

    def _direction_changed(self) -> None:
        received = self.message_direction.currentData() == Direction.RECEIVED.value
        self.message_outcome.setEnabled(received)
        if not received:
            self.message_outcome.setCurrentIndex(0)

    def add_message(self) -> bool:
        """Log the message in the correspondence form (saving a new opportunity first)."""
        if not self._ensure_saved():
            return False
        assert self.opportunity_id is not None
        direction = Direction(self.message_direction.currentData())
        outcome_value = self.message_outcome.currentData()
        outcome = None if not outcome_value else ReplyOutcome(outcome_value)
        named = to_utc(self.message_date.dateTime()) if self.message_dated.isChecked() else None
        extra: dict[str, Any] = {}
        if named is not None and outcome is ReplyOutcome.NEXT_ROUND:
            extra["next_round_at"] = named
        elif named is not None:
            extra["check_back_on"] = named.astimezone(local_zone()).date()
        try:
            change = self._service.log_correspondence(
                self.opportunity_id,
                direction,
                to_utc(self.message_when.dateTime()),
                channel=Channel(self.message_channel.currentData()),
                subject=self.message_subject.text(),
                body=self.message_body.toPlainText(),
                outcome=outcome if direction is Direction.RECEIVED else None,
                **extra,
            )
        except FollowupError as error:
            field = getattr(error, "field", "") or ""
            target = self.message_form.errors.get(field)
            (target or self.general_error).show_message(str(error))
            return False
        self.message_subject.clear()
        self.message_body.clear()
        self.message_outcome.setCurrentIndex(0)
        self.message_dated.setChecked(False)
        # A rejection or an offer logged here moved the card; Save must keep it there.
        self._follow_stage(change)
        self._emit(change, _("a message"))
        return True

    def _follow_stage(self, change: Change) -> None:
        """Show the stage the service moved the card to, so Save does not move it back."""
        if "stage_history" in change.entities and self.opportunity_id is not None:
            moved = load_opportunity(self._service.db, self.opportunity_id)
            self.stage.setCurrentIndex(max(0, self.stage.findData(moved.stage_id)))


# The choices of "What they said" on a logged message; the plan follows each.
MESSAGE_OUTCOMES: tuple[tuple[str, str], ...] = (
    (_("Nothing in particular"), ""),
    (_("A next round (at the date)"), ReplyOutcome.NEXT_ROUND.value),
    (_("Wait until the date"), ReplyOutcome.WAIT.value),
    (_("A rejection"), ReplyOutcome.REJECTION.value),
    (_("An offer"), ReplyOutcome.OFFER.value),
)


def debrief_available() -> bool:
    """True when the debrief dialog (written separately) is installed."""
    return importlib.util.find_spec("followup_desktop.gui.debrief") is not None


__all__ = ["FieldError", "OpportunityEditor", "debrief_available", "from_utc", "to_utc"]
