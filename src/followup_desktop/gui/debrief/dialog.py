"""The debrief form for one interview (PLAYBOOK section 1), autosaved as a draft.

The first edit after a save starts a short timer that later edits do not restart; when
it fires, the form's whole state goes to the database as a draft (see
:mod:`followup_desktop.core.debrief_draft`), so every keystroke is committed within
:data:`AUTOSAVE_DELAY_MS` plus the write itself, however fast someone types. A write
that fails (a full disk, another program holding the write lock) never ends the
autosave: a banner says what is wrong and stays until a save succeeds, and the save is
retried with a growing pause (:data:`RETRY_DELAYS_MS`). A write waits at most
:data:`SAVE_LOCK_WAIT_MS` for another program's lock, so the window never freezes on
one. Submitting validates,
shows each problem under its field, then saves through the service, which creates the
panel's contacts and re-plans the follow-ups.

The form opens with what one interview holds, read on the spot (a few rows). The
contacts a panel name is completed from are every contact of the database, tens of
thousands on a long search: they are read on a worker thread of the dialog's own while
the form is already open, and the names are suggested once they arrive (also for a name
typed meanwhile). Nothing typed waits for them.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from followup_desktop.core import localformat, validation
from followup_desktop.core.debrief_draft import (
    DATE_FIELDS,
    TEXT_FIELDS,
    DebriefDraft,
    DraftFromNewerVersion,
)
from followup_desktop.core.errors import FollowupError, NotFoundError, ValidationError
from followup_desktop.core.fields import DebriefFields, InterviewFields
from followup_desktop.core.i18n import _
from followup_desktop.core.models import Channel, DebriefStatus, InterviewKind
from followup_desktop.core.next_steps import NextStepsOffer, next_steps_offers
from followup_desktop.core.queries.debrief import debrief_form, panel_contacts
from followup_desktop.core.questions import BETTER_ANSWER_HINT, ContactChoice, DebriefSnapshot
from followup_desktop.core.services import FollowupService, PanelMember, QuestionInput
from followup_desktop.core.storage_errors import StorageError
from followup_desktop.core.timeutil import local_zone, zone
from followup_desktop.gui.date_fields import OptionalDateEdit
from followup_desktop.gui.debrief.common import FieldError, error_colour
from followup_desktop.gui.debrief.offers import NextStepsOffers
from followup_desktop.gui.debrief.rows import FieldSpec, Row, RowListEditor, RowTexts
from followup_desktop.gui.plain import PlainLabel, editable, rich, shown
from followup_desktop.gui.tasks import TaskRunner

log = logging.getLogger(__name__)

# From the first unsaved keystroke to its commit: well inside a quarter of a second
# even with the write's own few milliseconds (tests/test_gui_debrief_kill.py).
AUTOSAVE_DELAY_MS = 100
#: Under a panel started from the card's interviewers (not from what was typed).
PANEL_PREFILLED_HINT = _(
    "Started with the interviewers already on this card. Check the names and remove "
    "anyone who was not there."
)
#: Under a new panel row while the contacts to suggest names from are read.
CONTACTS_LOADING = _(
    "A new contact will be created on submit. Reading your contacts to suggest names…"
)
#: Under a new panel row when they could not be read.
CONTACTS_UNREADABLE = _(
    "A new contact will be created on submit. Your saved contacts could not be read, "
    "so no names are suggested."
)
#: How long typing pauses before the next-steps text is read again for a timing offer.
OFFER_DELAY_MS = 250
# Pauses between attempts after a failed save; the last one repeats until it works.
RETRY_DELAYS_MS = (250, 500, 1000, 2000)
# How long one save waits for another program's write lock before it counts as failed.
SAVE_LOCK_WAIT_MS = 100
# How far from the interview a stated date may lie before it is surely a typo.
MAX_DAYS_AHEAD = validation.MAX_TIMELINE_DAYS

CHANNELS: tuple[tuple[str, Channel | None], ...] = (
    (_("Not said"), None),
    (_("Email"), Channel.EMAIL),
    (_("Phone"), Channel.PHONE),
    (_("LinkedIn"), Channel.LINKEDIN),
    (_("Letter"), Channel.LETTER),
    (_("In person"), Channel.IN_PERSON),
)
YES_NO: tuple[tuple[str, bool | None], ...] = (
    (_("Not said"), None),
    (_("Yes"), True),
    (_("No"), False),
)
INTERVIEW_KINDS = {
    InterviewKind.PHONE: _("phone interview"),
    InterviewKind.VIDEO: _("video interview"),
    InterviewKind.ONSITE: _("on-site interview"),
    InterviewKind.PANEL: _("panel interview"),
    InterviewKind.TECHNICAL: _("technical interview"),
    InterviewKind.OTHER: _("interview"),
}
PREPAREDNESS = (_("Not at all"), _("A little"), _("Somewhat"), _("Well"), _("Fully"))

PANEL_FIELDS = (
    FieldSpec(
        "name",
        _("&Name"),
        _("Panel member's full name"),
        max_length=200,
        placeholder=_("First and last name"),
    ),
    FieldSpec("title", _("&Title"), _("Panel member's job title"), max_length=200),
    FieldSpec(
        "email",
        _("E&mail"),
        _("Panel member's email"),
        max_length=320,
        placeholder=_("name@example.com"),
    ),
    FieldSpec("phone", _("P&hone"), _("Panel member's phone"), max_length=64, in_table=False),
    FieldSpec(
        "mention",
        _("Mention in thank-&you"),
        _("Something specific to mention in the thank-you to this person"),
        multiline=True,
        placeholder=_("What to name in your note, e.g. “your plans for the data platform”"),
        in_table=False,
    ),
)
QUESTION_FIELDS = (
    FieldSpec("question", _("Questi&on"), _("Question I stumbled on"), multiline=True),
    FieldSpec("my_answer", _("What I s&aid"), _("What I answered"), multiline=True, in_table=False),
    FieldSpec(
        "better_answer",
        _("Bette&r answer"),
        _("A better answer for next time"),
        multiline=True,
        placeholder=_("What you will say next time; rehearse it rather than send it"),
    ),
    FieldSpec(
        "theme",
        _("Theme (&group)"),
        _("Theme of the question, for grouping"),
        max_length=200,
        placeholder=_("e.g. conflict, salary, system design"),
        in_table=False,
    ),
)


def _new_panel_row() -> Row:
    return {"name": "", "title": "", "email": "", "phone": "", "mention": "", "contact_id": None}


def _new_question_row() -> Row:
    return {"question": "", "my_answer": "", "better_answer": "", "theme": "", "practiced": False}


class DebriefDialog(QDialog):
    """The debrief of one interview; opens with the newest draft if there is one.

    Signals: ``draft_saved(float)`` after each draft write (milliseconds it took),
    ``submitted(object)`` with the service's :class:`Change` after a successful submit,
    ``contacts_read(bool)`` when the contacts to complete panel names from have been
    read on the worker (False when they could not be).
    """

    draft_saved = Signal(float)
    submitted = Signal(object)
    contacts_read = Signal(bool)

    def __init__(
        self, service: FollowupService, interview_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.interview_id = interview_id
        self.setObjectName("debriefDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, parent is not None)
        self._loading = True
        self._dirty = False
        self.last_save_ms = 0.0
        #: Failed saves in a row; 0 once a save has gone through.
        self.failed_saves = 0
        self._close_refused = False
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave.timeout.connect(self.save_draft)

        form = debrief_form(service.db, interview_id)
        self.snapshot = form.snapshot
        # Filled when panel_contacts() comes back from the worker (see the module's note).
        self._contacts: list[ContactChoice] = []
        #: True once the contacts to complete from have arrived (or failed to).
        self.contacts_ready = False
        self._contacts_unreadable = False
        # The name of each contact a row may be linked to: until every contact has
        # arrived, those of the rows the form opens with (below), so a linked name
        # edited away and back keeps its link, as it does once they are all here.
        self._names_by_id: dict[int, str] = {}
        # A draft a newer Followup wrote is kept as it is: nothing here overwrites it.
        self._draft_refused = form.draft_refused
        self._tz = zone(self.snapshot.timezone)
        self._build()
        # The panel starts with who was there (stored, invited, or named on the card);
        # a draft, restored below, replaces it with what the person typed.
        self._load(self.snapshot, form.panel)
        draft = form.draft
        self.panel_hint.setVisible(draft is None and len(form.panel) > len(self.snapshot.panel))
        if draft is not None:
            self.set_form_state(draft.form())
            self._show_status(
                _("Restored the draft saved {when}").format(
                    when=localformat.day_and_clock(
                        draft.saved_at.astimezone(local_zone()), year=True
                    )
                )
            )
        if self._draft_refused is not None:
            self._show_problem(self._draft_refused)
        for row in self.panel.rows():
            if row.get("contact_id") is not None:
                self._names_by_id.setdefault(int(row["contact_id"]), str(row["name"]))
        self._loading = False
        self.refresh_offers()
        # Its own queue on the shared pool: the names never wait behind the window's
        # writes (a re-plan of every card can take seconds).
        self._tasks = TaskRunner(self)
        db = service.db
        self._tasks.submit(
            lambda: panel_contacts(db),
            self._contacts_arrived,
            self._contacts_failed,
            quiet=True,
            owner=self,
        )

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:  # noqa: PLR0915 - one form, laid out top to bottom
        snap = self.snapshot
        starts = snap.starts_at.astimezone(self._tz)
        ends = snap.ends_at.astimezone(self._tz)
        self.setWindowTitle(
            _("Debrief: {company} — {role}").format(
                company=shown(snap.company), role=shown(snap.role)
            )
        )
        self.setAccessibleName(
            _("Debrief of the interview with {company}").format(company=snap.company)
        )
        self.resize(980, 760)

        heading = PlainLabel(f"<b>{rich(snap.company)}</b> — {rich(snap.role)}", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        heading.setFont(font)
        subheading = PlainLabel(
            _("Round {round}, {interview}, {starts} to {ends} ({zone})").format(
                round=snap.round,
                interview=INTERVIEW_KINDS.get(snap.kind, _("interview")),
                starts=localformat.day_and_clock(starts, year=True),
                ends=localformat.clock(ends),
                zone=snap.timezone,
            ),
            self,
        )
        subheading.setObjectName("subheading")

        content = QWidget()
        content.setObjectName("debriefContent")
        column = QVBoxLayout(content)
        column.setSpacing(12)

        # Panel
        self.panel = RowListEditor(
            "panel",
            RowTexts(
                list_name=_("People on the panel"),
                remove_label=_("Remove person"),
                remove_name=_("Remove the selected person"),
                row_problem=_("Person {row}: {message}"),
            ),
            PANEL_FIELDS,
            add_label=_("Add &person"),
            new_row=_new_panel_row,
            parent=content,
        )
        self.panel.setAccessibleName(_("Who was on the panel"))
        self._linked_label = PlainLabel(content)
        self._linked_label.setObjectName("panelLinked")
        self._linked_label.setWordWrap(True)
        self._setup_contact_completion()
        self.panel.current_row_changed.connect(self._update_linked_label)
        panel_box = QGroupBox(_("Who was on the panel"), content)
        panel_layout = QVBoxLayout(panel_box)
        panel_layout.addWidget(self.panel)
        panel_layout.addWidget(self._linked_label)
        # Said when the panel was started for the person, so nobody thinks they typed it.
        self.panel_hint = PlainLabel(PANEL_PREFILLED_HINT, panel_box)
        self.panel_hint.setObjectName("panelPrefilled")
        self.panel_hint.setWordWrap(True)
        self.panel_hint.hide()
        panel_layout.addWidget(self.panel_hint)
        column.addWidget(panel_box)

        # How it went
        self.text: dict[str, QPlainTextEdit] = {}
        self.errors: dict[str, FieldError] = {}
        went_box = QGroupBox(_("How it went"), content)
        went = QGridLayout(went_box)
        for col, (key, label, name) in enumerate(
            (
                ("went_well", _("What went &well"), _("What went well")),
                ("went_badly", _("What went &badly"), _("What went badly")),
            )
        ):
            went.addWidget(self._buddy(label, self._text_edit(key, name, 5)), 0, col)
            went.addLayout(self._with_error(key, self.text[key]), 1, col)
        prepared_row = QHBoxLayout()
        self.preparedness = QButtonGroup(self)
        self.preparedness_buttons: list[QRadioButton] = []
        for score, meaning in enumerate(PREPAREDNESS, start=1):
            button = QRadioButton(
                _("{score} {meaning}").format(score=score, meaning=meaning), went_box
            )
            button.setObjectName(f"preparedness{score}")
            button.setAccessibleName(
                _("Prepared: {score} of 5, {meaning}").format(score=score, meaning=meaning)
            )
            self.preparedness.addButton(button, score)
            self.preparedness_buttons.append(button)
            prepared_row.addWidget(button)
        prepared_row.addStretch(1)
        self.preparedness.idToggled.connect(self._edited)
        went.addWidget(self._buddy(_("How prepared I &felt"), self.preparedness_buttons[0]), 2, 0)
        went.addLayout(prepared_row, 3, 0, 1, 2)
        self.tied_experience = self._combo(
            "tied_experience",
            _("Tied my experience to their needs"),
            [text for text, _value in YES_NO],
        )
        tied_row = QHBoxLayout()
        tied_row.addWidget(
            self._buddy(_("T&ied my experience to their needs?"), self.tied_experience)
        )
        tied_row.addWidget(self.tied_experience)
        tied_row.addStretch(1)
        went.addLayout(tied_row, 4, 0, 1, 2)
        column.addWidget(went_box)

        # Questions
        self.questions = RowListEditor(
            "questions",
            RowTexts(
                list_name=_("Question list"),
                remove_label=_("Remove question"),
                remove_name=_("Remove the selected question"),
                row_problem=_("Question {row}: {message}"),
            ),
            QUESTION_FIELDS,
            add_label=_("Add &question"),
            new_row=_new_question_row,
            parent=content,
        )
        self.questions.setAccessibleName(_("Questions I stumbled on"))
        questions_box = QGroupBox(_("Questions I stumbled on"), content)
        questions_layout = QVBoxLayout(questions_box)
        questions_layout.addWidget(self.questions)
        # Said once, where the better answers are written, so nobody mails them in.
        self.better_answer_hint = PlainLabel(BETTER_ANSWER_HINT, questions_box)
        self.better_answer_hint.setObjectName("betterAnswerHint")
        self.better_answer_hint.setWordWrap(True)
        questions_layout.addWidget(self.better_answer_hint)
        column.addWidget(questions_box)

        # What I learned
        learned_box = QGroupBox(_("What I learned"), content)
        learned = QGridLayout(learned_box)
        for position, (key, label, name) in enumerate(
            (
                ("learned_job", _("About the &job"), _("What I learned about the job")),
                (
                    "learned_organization",
                    _("About the organi&zation"),
                    _("What I learned about the organization"),
                ),
                ("skills_to_build", _("Skills to b&uild"), _("Skills to build while I wait")),
                (
                    "promised_material",
                    _("Materia&l I promised"),
                    _("Material I promised or that came up"),
                ),
            )
        ):
            row, col = divmod(position, 2)
            learned.addWidget(self._buddy(label, self._text_edit(key, name, 4)), row * 2, col)
            learned.addLayout(self._with_error(key, self.text[key]), row * 2 + 1, col)
        column.addWidget(learned_box)

        # What comes next
        next_box = QGroupBox(_("What comes next"), content)
        next_layout = QFormLayout(next_box)
        next_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        next_layout.addRow(
            self._buddy(
                _("What they said about ne&xt steps"),
                self._text_edit("next_steps", _("What they said about next steps"), 3),
            ),
            self._with_error("next_steps", self.text["next_steps"]),
        )
        # A timing written in the text is offered for the fields below, never filled in.
        self.next_steps_offers = NextStepsOffers(next_box)
        self.next_steps_offers.applied.connect(self._apply_offer)
        next_layout.addRow("", self.next_steps_offers)
        self._offer_timer = QTimer(self)
        self._offer_timer.setSingleShot(True)
        self._offer_timer.setInterval(OFFER_DELAY_MS)
        self._offer_timer.timeout.connect(self.refresh_offers)
        self.timeline_days = QSpinBox(next_box)
        self.timeline_days.setObjectName("decision_timeline_days")
        self.timeline_days.setAccessibleName(_("Decision expected within, in days"))
        self.timeline_days.setRange(0, validation.MAX_TIMELINE_DAYS)
        self.timeline_days.setSpecialValueText(_("Not said"))
        self.timeline_days.setSuffix(_(" days"))
        self.timeline_days.valueChanged.connect(self._edited)
        self.timeline_days.valueChanged.connect(self._offer_timer.start)
        self.date_edits: dict[str, OptionalDateEdit] = {}
        decision_date = self._date_edit("decision_date", _("Decision expected by (date)"))
        timeline_row = QHBoxLayout()
        timeline_row.addWidget(self.timeline_days)
        timeline_row.addWidget(self._buddy(_("or by &date"), decision_date))
        timeline_row.addWidget(decision_date, 1)
        timeline_cell = QVBoxLayout()
        timeline_cell.addLayout(timeline_row)
        timeline_cell.addWidget(self.errors["decision_date"])
        next_layout.addRow(
            self._buddy(_("De&cision expected within"), self.timeline_days), timeline_cell
        )
        self.may_check_in = self._combo(
            "may_check_in", _("They allowed me to check in"), [text for text, _value in YES_NO]
        )
        check_back = self._date_edit("check_back_on", _("Check in on (date)"))
        self.preferred_channel = self._combo(
            "preferred_channel", _("Their preferred channel"), [text for text, _value in CHANNELS]
        )
        check_row = QHBoxLayout()
        check_row.addWidget(self.may_check_in)
        check_row.addWidget(self._buddy(_("on (dat&e)"), check_back))
        check_row.addWidget(check_back, 1)
        check_row.addWidget(self._buddy(_("&via"), self.preferred_channel))
        check_row.addWidget(self.preferred_channel)
        check_cell = QVBoxLayout()
        check_cell.addLayout(check_row)
        check_cell.addWidget(self.errors["check_back_on"])
        next_layout.addRow(self._buddy(_("May I chec&k in?"), self.may_check_in), check_cell)
        column.addWidget(next_box)
        column.addStretch(1)  # a tall window leaves room below, not between the fields

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("debriefScroll")
        self.scroll_area.setAccessibleName(_("Debrief form"))
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)

        self.status = PlainLabel(self)
        self.status.setObjectName("debriefStatus")
        self.status.setAccessibleName(_("Draft status"))
        self.problem = PlainLabel(self)
        self.problem.setObjectName("debriefProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        # Stays until a save succeeds; says it in words (not only colour) and is read out.
        self.save_banner = PlainLabel(self)
        self.save_banner.setObjectName("saveBanner")
        self.save_banner.setAccessibleName(_("Not saved"))
        self.save_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.save_banner.setWordWrap(True)
        self.save_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.save_banner.hide()
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.setObjectName("closeButton")
        self.close_button.setAccessibleName(_("Close (the draft is kept)"))
        self.close_button.clicked.connect(self.close)
        self.submit_button = QPushButton(_("&Submit debrief"), self)
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setAccessibleName(_("Submit the debrief and plan the follow-ups"))
        self.submit_button.setToolTip(_("Save, then plan the thank-you notes (Ctrl+Enter)"))
        self.submit_button.setAutoDefault(False)
        self.submit_button.clicked.connect(self.submit)
        self.close_button.setAutoDefault(False)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self.submit)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, self.panel.add_row)
        QShortcut(QKeySequence("Ctrl+Shift+Q"), self, self.questions.add_row)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save_draft)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.submit_button)
        outer = QVBoxLayout(self)
        outer.addWidget(self.save_banner)
        outer.addWidget(heading)
        outer.addWidget(subheading)
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(self.problem)
        outer.addLayout(buttons)

        self.panel.edited.connect(self._edited)
        self.questions.edited.connect(self._edited)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            *self.panel.focus_chain(),
            self.text["went_well"],
            self.text["went_badly"],
            *self.preparedness_buttons,
            self.tied_experience,
            *self.questions.focus_chain(),
            self.text["learned_job"],
            self.text["learned_organization"],
            self.text["skills_to_build"],
            self.text["promised_material"],
            self.text["next_steps"],
            *self.next_steps_offers.focus_chain(),
            self.timeline_days,
            self.date_edits["decision_date"],
            self.may_check_in,
            self.date_edits["check_back_on"],
            self.preferred_channel,
            self.close_button,
            self.submit_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = PlainLabel(text, self)
        label.setBuddy(widget)
        return label

    def _text_edit(self, key: str, name: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(key)
        edit.setAccessibleName(name)
        # Tab moves on, as in every other field; a tab character is rarely wanted here.
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        edit.textChanged.connect(lambda key=key: self._on_text(key))
        self.text[key] = edit
        self._error_for(key)
        return edit

    def _date_edit(self, key: str, name: str) -> OptionalDateEdit:
        # A date picker in the locale's format; its text() is still ISO (or "").
        edit = OptionalDateEdit(self)
        edit.setObjectName(key)
        edit.setAccessibleName(name)
        edit.textChanged.connect(lambda _text, key=key: self._on_text(key))
        self.date_edits[key] = edit
        self._error_for(key)
        return edit

    def _combo(self, key: str, name: str, items: Sequence[str]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(key)
        combo.setAccessibleName(name)
        combo.addItems(list(items))
        combo.currentIndexChanged.connect(self._edited)
        return combo

    def _error_for(self, key: str) -> FieldError:
        if key not in self.errors:
            widget = self.text.get(key) or self.date_edits[key]
            self.errors[key] = FieldError(widget, self)
        return self.errors[key]

    def _with_error(self, key: str, widget: QWidget) -> QVBoxLayout:
        return self._stack(widget, self.errors[key])

    @staticmethod
    def _stack(widget: QWidget, error: QWidget) -> QVBoxLayout:
        stack = QVBoxLayout()
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(2)
        stack.addWidget(widget)
        stack.addWidget(error)
        return stack

    def _setup_contact_completion(self) -> None:
        # Empty until the contacts arrive from the worker (_contacts_arrived).
        self._contact_names = QStringListModel(self)
        completer = QCompleter(self._contact_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self.choose_contact_named)
        self.completer = completer
        name_edit = self.panel.editors["name"]
        assert isinstance(name_edit, QLineEdit)
        name_edit.setCompleter(completer)
        name_edit.textEdited.connect(self._on_panel_name_edited)

    # -- panel contacts ---------------------------------------------------------------

    def _contacts_arrived(self, contacts: tuple[ContactChoice, ...]) -> None:
        self._contacts = list(contacts)
        self._names_by_id = {contact.id: contact.name for contact in contacts}
        self._contact_names.setStringList([contact.name for contact in contacts])
        self.contacts_ready = True
        # A name typed while they were read is completed now, as if typed after.
        name_edit = self.panel.editors["name"]
        assert isinstance(name_edit, QLineEdit)
        typed = name_edit.text()
        # focusWidget(), not hasFocus(): the dialog need not be the active window.
        if self.focusWidget() is name_edit and typed and self.panel.current_row() >= 0:
            self.completer.setCompletionPrefix(typed)
            self.completer.complete()
        self._update_linked_label()
        self.contacts_read.emit(True)

    def _contacts_failed(self, error: BaseException) -> None:
        log.warning("could not read the contacts to suggest panel names: %s", error)
        self.contacts_ready = self._contacts_unreadable = True
        self._update_linked_label()
        self.contacts_read.emit(False)

    def choose_contact(self, contact: ContactChoice) -> None:
        """Fill the current panel row from an existing contact and link it."""
        self.panel.set_current_value("name", contact.name)
        self.panel.set_current_value("title", contact.title)
        self.panel.set_current_value("email", contact.email)
        self.panel.set_current_value("phone", contact.phone)
        self.panel.set_current_value("contact_id", contact.id)
        self._update_linked_label()

    def choose_contact_named(self, name: str) -> None:
        """The completer's choice: the first contact called ``name``."""
        for contact in self._contacts:
            if contact.name == name:
                self.choose_contact(contact)
                return

    def _on_panel_name_edited(self, text: str) -> None:
        row = self.panel.current_row()
        if row < 0:
            return
        linked = self.panel.model.row(row).get("contact_id")
        if linked is not None and self._names_by_id.get(linked) != text:
            # A different name means a different person: never rename a known contact.
            self.panel.set_current_value("contact_id", None)
        self._update_linked_label()

    def _update_linked_label(self, *_args: object) -> None:
        row = self.panel.current_row()
        linked = None if row < 0 else self.panel.model.row(row).get("contact_id")
        if row < 0:
            self._linked_label.setText("")
        elif linked is None and not self.contacts_ready:
            self._linked_label.setText(CONTACTS_LOADING)
        elif linked is None and self._contacts_unreadable:
            self._linked_label.setText(CONTACTS_UNREADABLE)
        elif linked is None:
            self._linked_label.setText(
                _("A new contact will be created on submit (type to pick an existing one).")
            )
        else:
            self._linked_label.setText(_("Linked to an existing contact; changes update it."))

    # -- loading and state --------------------------------------------------------------

    def _load(self, snap: DebriefSnapshot, panel: tuple[PanelMember, ...]) -> None:
        state: dict[str, Any] = {
            "went_well": snap.went_well,
            "went_badly": snap.went_badly,
            "learned_job": snap.learned_job,
            "learned_organization": snap.learned_organization,
            "skills_to_build": snap.skills_to_build,
            "promised_material": snap.promised_material,
            "next_steps": snap.next_steps,
            "decision_date": "" if snap.decision_date is None else snap.decision_date.isoformat(),
            "check_back_on": "" if snap.check_back_on is None else snap.check_back_on.isoformat(),
            "decision_timeline_days": snap.decision_timeline_days or 0,
            "preparedness": snap.preparedness,
            "tied_experience": snap.tied_experience,
            "may_check_in": snap.may_check_in,
            "preferred_channel": None
            if snap.preferred_channel is None
            else snap.preferred_channel.value,
            "panel": [
                {
                    "name": member.name,
                    "title": member.title,
                    "email": member.email,
                    "phone": member.phone,
                    "mention": member.mention,
                    "contact_id": member.contact_id,
                }
                for member in panel
            ],
            "questions": [
                {
                    "question": q.question,
                    "my_answer": q.my_answer,
                    "better_answer": q.better_answer,
                    "theme": q.theme,
                    "practiced": q.practiced,
                }
                for q in snap.questions
            ],
        }
        self.set_form_state(state)
        if snap.status is DebriefStatus.SUBMITTED and snap.submitted_at is not None:
            when = snap.submitted_at.astimezone(local_zone())
            self._show_status(
                _("Submitted {when}; edits make a new draft").format(
                    when=localformat.day_and_clock(when, year=True)
                )
            )
        else:
            self._show_status(_("Not submitted yet; your typing is saved as a draft"))

    def form_state(self) -> dict[str, Any]:
        """Everything typed, exactly, as plain JSON-able values (the draft)."""
        state: dict[str, Any] = {key: self.text[key].toPlainText() for key in TEXT_FIELDS}
        state.update({key: self.date_edits[key].text() for key in DATE_FIELDS})
        checked = self.preparedness.checkedId()
        state["preparedness"] = checked if checked > 0 else None
        state["tied_experience"] = YES_NO[self.tied_experience.currentIndex()][1]
        state["may_check_in"] = YES_NO[self.may_check_in.currentIndex()][1]
        channel = CHANNELS[self.preferred_channel.currentIndex()][1]
        state["preferred_channel"] = None if channel is None else channel.value
        state["decision_timeline_days"] = self.timeline_days.value()
        state["panel"] = self.panel.rows()
        state["questions"] = self.questions.rows()
        state["panel_row"] = self.panel.current_row()
        state["question_row"] = self.questions.current_row()
        return state

    def set_form_state(self, state: dict[str, Any]) -> None:
        """Show ``state`` (from :meth:`form_state` or a stored debrief) in the fields."""
        loading, self._loading = self._loading, True
        try:
            for key in TEXT_FIELDS:
                text = editable(str(state.get(key) or ""))
                if self.text[key].toPlainText() != text:
                    self.text[key].setPlainText(text)
            for key in DATE_FIELDS:
                self.date_edits[key].setText(str(state.get(key) or ""))
            self._set_preparedness(state.get("preparedness"))
            self.tied_experience.setCurrentIndex(_index_of(YES_NO, state.get("tied_experience")))
            self.may_check_in.setCurrentIndex(_index_of(YES_NO, state.get("may_check_in")))
            channel = state.get("preferred_channel")
            self.preferred_channel.setCurrentIndex(
                _index_of(CHANNELS, None if channel is None else Channel(channel))
            )
            self.timeline_days.setValue(int(state.get("decision_timeline_days") or 0))
            self.panel.set_rows(list(state.get("panel") or []))
            self.questions.set_rows(list(state.get("questions") or []))
            for editor, key in ((self.panel, "panel_row"), (self.questions, "question_row")):
                row = state.get(key)
                if isinstance(row, int) and 0 <= row < editor.model.rowCount():
                    editor.select_row(row)
            self._update_linked_label()
        finally:
            self._loading = loading

    def _set_preparedness(self, value: Any) -> None:
        # An exclusive group cannot uncheck its last button; "not rated" needs that.
        self.preparedness.setExclusive(False)
        for score, button in enumerate(self.preparedness_buttons, start=1):
            button.setChecked(score == value)
        self.preparedness.setExclusive(True)

    # -- autosave -----------------------------------------------------------------------

    def _on_text(self, key: str) -> None:
        if key in {"next_steps", "decision_date"}:
            self._offer_timer.start()
        if self._loading:
            return
        self.errors[key].clear_message()
        self._edited()

    # -- offers from the next-steps text ------------------------------------------------

    def refresh_offers(self) -> None:
        """Offer the timing the next-steps text names, unless the fields hold it already."""
        self._offer_timer.stop()
        typed = self.date_edits["decision_date"].text().strip()
        try:
            decision_date: date | None = date.fromisoformat(typed) if typed else None
        except ValueError:
            decision_date = None  # half typed: any offer stands
        offers = next_steps_offers(
            self.text["next_steps"].toPlainText(),
            self.snapshot.starts_at.astimezone(self._tz).date(),
            timeline_days=self.timeline_days.value() or None,
            decision_date=decision_date,
        )
        self.next_steps_offers.show_offers(offers)

    def _apply_offer(self, offer: NextStepsOffer) -> None:
        """Put an offer the person accepted into its field (the autosave keeps it)."""
        target: QWidget
        if offer.days is not None:
            target = self.timeline_days
            self.timeline_days.setValue(offer.days)
        else:
            assert offer.day is not None
            target = self.date_edits["decision_date"]
            self.date_edits["decision_date"].setText(offer.day.isoformat())
        self.refresh_offers()
        # The button just pressed is gone: keyboard focus lands on the value it set.
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        self._close_refused = False
        if not self._dirty:
            self._dirty = True
            if self.failed_saves == 0:
                self._autosave.start()  # not restarted by later keys: no waiting for a pause
        # While saves fail, the retry timer runs; keystrokes do not hammer the disk.

    def has_unsaved_edits(self) -> bool:
        """True while an edit has not reached the database yet."""
        return self._dirty

    def save_draft(self) -> bool:
        """Write the draft now; False (with the banner shown) when the disk refused it."""
        self._autosave.stop()
        if not self._dirty:
            return True
        if self._draft_refused is not None:
            self._show_problem(self._draft_refused)
            return False
        started = time.perf_counter()
        try:
            self.service.save_debrief_draft(
                self.interview_id,
                DebriefDraft.from_form(self.form_state(), self.service.clock()),
                wait_ms=SAVE_LOCK_WAIT_MS,
            )
        except StorageError as error:
            self._save_failed(error)
            return False
        except (DraftFromNewerVersion, NotFoundError) as error:
            # Not a passing fault: retrying cannot help, so say it and stop saving drafts.
            self._draft_refused = str(error)
            self._show_problem(self._draft_refused)
            return False
        self.last_save_ms = (time.perf_counter() - started) * 1000
        self._dirty = False
        recovered = self.failed_saves > 0
        self.failed_saves = 0
        self._close_refused = False
        self.save_banner.hide()
        self._autosave.setInterval(AUTOSAVE_DELAY_MS)
        when = localformat.clock(self.service.clock().astimezone(local_zone()))
        self._show_status(
            _("Saved again at {when}: nothing typed was lost").format(when=when)
            if recovered
            else _("Draft saved at {when}").format(when=when)
        )
        self.draft_saved.emit(self.last_save_ms)
        return True

    def _save_failed(self, error: StorageError) -> None:
        self.failed_saves += 1
        delay = RETRY_DELAYS_MS[min(self.failed_saves, len(RETRY_DELAYS_MS)) - 1]
        log.warning("could not save the debrief draft (attempt %d): %s", self.failed_saves, error)
        self.save_banner.setStyleSheet(f"color: {error_colour(self)};")
        self.save_banner.setText(
            _(
                "Not saved: {summary}. {advice} Followup keeps trying by itself; "
                "what you type stays in this window meanwhile."
            ).format(summary=error.summary, advice=error.advice)
        )
        self.save_banner.show()
        self._show_status(_("Not saved yet"))
        self._autosave.setInterval(delay)
        self._autosave.start()

    def _may_close(self) -> bool:
        """Save first; while saving fails, the first close is refused so no words go."""
        if self.save_draft() or self._close_refused:
            self._autosave.stop()
            return True
        self._close_refused = True
        self.save_banner.setText(
            _("{problem} Close again to discard what was not saved.").format(
                problem=self.save_banner.text()
            )
        )
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._may_close():
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        # Escape rejects the dialog without a close event; keep the words anyway.
        if self._may_close():
            super().done(result)

    # -- submitting ---------------------------------------------------------------------

    def submit(self) -> bool:
        """Validate, save the debrief and the panel, re-plan; False when a field is wrong."""
        self.save_draft()
        self._clear_problems()
        try:
            interview_fields, debrief_fields, panel, questions = self._collect()
            # One transaction: a refusal in any part leaves the interview unchanged too.
            change = self.service.submit_debrief(
                self.interview_id,
                DebriefFields(**debrief_fields),
                interview=InterviewFields(**interview_fields),
                panel=panel,
                questions=questions,
            )
        except ValidationError as error:
            self._show_validation(error)
            return False
        except StorageError as error:
            self._show_problem(_("The debrief could not be saved: {error}").format(error=error))
            return False
        except FollowupError as error:
            self._show_problem(str(error))
            return False
        self.service.discard_debrief_draft(self.interview_id)
        self._dirty = False
        self.submitted.emit(change)
        self.accept()
        return True

    def _collect(
        self,
    ) -> tuple[dict[str, Any], dict[str, Any], list[PanelMember], list[QuestionInput]]:
        state = self.form_state()
        panel: list[PanelMember] = []
        seen_contacts: dict[int, int] = {}
        for index, row in enumerate(state["panel"]):
            values = {
                key: str(row.get(key) or "").strip()
                for key in ("name", "title", "email", "phone", "mention")
            }
            if not any(values.values()):
                continue  # a row added and never filled is not a person
            if not values["name"]:
                raise ValidationError(
                    _("Give this person's full name (ask HR if you are not sure)."),
                    f"panel[{index}].name",
                )
            validation.email(values["email"], f"panel[{index}].email", _("This email"))
            contact_id = row.get("contact_id")
            if isinstance(contact_id, int):
                if contact_id in seen_contacts:
                    raise ValidationError(
                        _("{name} is already row {row}; remove one of the two.").format(
                            name=values["name"], row=seen_contacts[contact_id] + 1
                        ),
                        f"panel[{index}].name",
                    )
                seen_contacts[contact_id] = index
            else:
                contact_id = None
            panel.append(PanelMember(contact_id=contact_id, **values))
        questions: list[QuestionInput] = []
        for index, row in enumerate(state["questions"]):
            texts = {
                key: str(row.get(key) or "").strip()
                for key in ("question", "my_answer", "better_answer", "theme")
            }
            if not any(texts.values()):
                continue
            if not texts["question"]:
                raise ValidationError(
                    _("Write the question itself, or remove this row."),
                    f"questions[{index}].question",
                )
            questions.append(QuestionInput(practiced=bool(row.get("practiced")), **texts))
        interview_fields: dict[str, Any] = {
            "next_steps": state["next_steps"],
            "decision_timeline_days": state["decision_timeline_days"] or None,
            "may_check_in": state["may_check_in"],
            "preferred_channel": state["preferred_channel"],
        }
        for key in DATE_FIELDS:
            interview_fields[key] = self._parse_date(key, state[key])
        debrief_fields = {key: state[key] for key in TEXT_FIELDS if key != "next_steps"}
        debrief_fields["preparedness"] = state["preparedness"]
        debrief_fields["tied_experience"] = state["tied_experience"]
        return interview_fields, debrief_fields, panel, questions

    def _parse_date(self, key: str, text: str) -> date | None:
        text = text.strip()
        if not text:
            return None
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _("“{text}” is not a date; type it as YYYY-MM-DD, like 2026-12-01.").format(
                    text=text
                ),
                key,
            ) from None
        interview_day = self.snapshot.starts_at.astimezone(self._tz).date()
        if value < interview_day:
            raise ValidationError(
                _("{day} is before the interview ({interview}); check the year and month.").format(
                    day=localformat.day(value, year=True),
                    interview=localformat.day(interview_day, year=True),
                ),
                key,
            )
        if value > interview_day + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(
                _("{day} is more than a year after the interview; check the year.").format(
                    day=localformat.day(value, year=True)
                ),
                key,
            )
        return value

    def _show_validation(self, error: ValidationError) -> None:
        field = error.field or ""
        target: QWidget | None = None
        for prefix, editor in (("panel[", self.panel), ("questions[", self.questions)):
            if field.startswith(prefix):
                index_text, _bracket, key = field[len(prefix) :].partition("]")
                key = key.lstrip(".") or next(iter(editor.editors))
                if index_text.isdigit() and key in editor.editors:
                    target = editor.show_error(int(index_text), key, str(error))
        if target is None and field in self.errors:
            self.errors[field].show_message(str(error))
            target = self.text.get(field) or self.date_edits.get(field)
        if target is None and field == "decision_timeline_days":
            target = self.timeline_days
            self._show_problem(str(error))
        if target is None:
            self._show_problem(str(error))
            return
        self.scroll_area.ensureWidgetVisible(target)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_problems(self) -> None:
        self.panel.clear_errors()
        self.questions.clear_errors()
        for error in self.errors.values():
            error.clear_message()
        self.problem.hide()

    def _show_problem(self, message: str) -> None:
        self.problem.setStyleSheet(f"color: {error_colour(self)};")
        self.problem.setText(message)
        self.problem.show()

    def _show_status(self, message: str) -> None:
        self.status.setText(message)


def _index_of(options: Sequence[tuple[str, Any]], value: Any) -> int:
    for index, (_label, option) in enumerate(options):
        if option == value and type(option) is type(value):
            return index
    return 0
