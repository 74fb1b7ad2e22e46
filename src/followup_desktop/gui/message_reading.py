"""What a message typed or pasted into the editor suggests, offered, never applied.

When a person pastes an employer's reply into an opportunity's correspondence form, its
words are read as mail from the mailbox is (:func:`core.mailbox.outcome.read_reply`):
"unfortunately" suggests a rejection, "we will get back to you by Friday" a wait until
Friday. The line under the form says what was read and which words said so; "Use this"
fills "What they said" and the date. Nothing changes until the person logs the message.

On a message the person sent, only a day is offered: the one they promised to be in
touch by ("I will send the references by Thursday").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from followup_desktop.core import localformat
from followup_desktop.core.i18n import _
from followup_desktop.core.mailbox.outcome import SuggestedOutcome, read_reply
from followup_desktop.gui.plain import PlainLabel

# A pasted thread longer than this is read only as far as this: the reply's own words
# come first, and reading stays instant while the person types.
READ_CHARS = 20_000
# Wait for a pause in typing before reading again.
PAUSE_MS = 300


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a message's words suggest: an outcome (a ReplyOutcome value, "" for none),
    the day that goes with it, and the words that named that day."""

    outcome: str
    day: date | None
    phrase: str


def suggest(subject: str, body: str, written_on: date, *, received: bool) -> Suggestion | None:
    """What a message written on ``written_on`` suggests, or None when nothing."""
    reading = read_reply(subject, body[:READ_CHARS], written_on)
    mention = reading.day
    if not received:
        # A sent message names no outcome; a day in it is a promise to be in touch.
        if mention is None:
            return None
        return Suggestion("", mention.day, mention.phrase)
    outcome = reading.outcome.value if reading.outcome is not None else ""
    if not outcome and mention is None:
        return None
    # A rejection or an offer is not waited for: the day it happens to mention is not
    # offered as one to check back on.
    keep_day = reading.outcome in (None, SuggestedOutcome.WAIT, SuggestedOutcome.NEXT_ROUND)
    day = mention.day if (mention is not None and keep_day) else None
    phrase = mention.phrase if (mention is not None and keep_day) else ""
    return Suggestion(outcome, day, phrase)


class MessageReading(QWidget):
    """The line under the correspondence form: what the message's words suggest, and a
    button to use it. Hidden while there is nothing to suggest."""

    #: The person chose to use the suggestion: a ReplyOutcome value ("" for none) and
    #: the day, or None.
    use = Signal(str, object)

    def __init__(self, outcome_labels: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = outcome_labels
        self.suggestion: Suggestion | None = None
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        self.label = PlainLabel()
        self.label.setObjectName("messageReading")
        self.label.setWordWrap(True)
        self.label.setAccessibleName(_("What the message suggests"))
        self.button = QPushButton(_("&Use this"))
        self.button.setAccessibleName(_("Use what the message suggests"))
        self.button.clicked.connect(self._use)
        line.addWidget(self.label, 1)
        line.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PAUSE_MS)
        self.setVisible(False)

    @property
    def timer(self) -> QTimer:
        """The pause after typing before the message is read again (its timeout is
        connected by the form, which knows where the words are)."""
        return self._timer

    def show_suggestion(self, suggestion: Suggestion | None) -> None:
        """Say what the message suggests (or hide the line when nothing)."""
        self.suggestion = suggestion
        if suggestion is None:
            self.setVisible(False)
            self.label.clear()
            return
        self.label.setText(self._sentence(suggestion))
        self.setVisible(True)

    def _sentence(self, suggestion: Suggestion) -> str:
        day = localformat.day(suggestion.day, year=True) if suggestion.day is not None else ""
        outcome = self._labels.get(suggestion.outcome, "")
        if suggestion.outcome and suggestion.day is not None:
            return _("The message reads as “{outcome}”, on {day} (“{phrase}”).").format(
                outcome=outcome, day=day, phrase=suggestion.phrase
            )
        if suggestion.outcome:
            return _("The message reads as “{outcome}”.").format(outcome=outcome)
        return _("The message names a day: {day} (“{phrase}”).").format(
            day=day, phrase=suggestion.phrase
        )

    def _use(self) -> None:
        if self.suggestion is not None:
            self.use.emit(self.suggestion.outcome, self.suggestion.day)
            self.show_suggestion(None)


__all__ = ["MessageReading", "Suggestion", "suggest"]
