"""The debrief's inline offers: a timing read from "next steps", applied with one button.

The offers come from :func:`followup_desktop.core.next_steps.next_steps_offers`; this
widget only shows them (one line per field, the phrase quoted in plain text) and says
which one the person applied. It never changes a field itself, so a value is set only
when the person presses Apply.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from followup_desktop.core.i18n import _
from followup_desktop.core.next_steps import NextStepsOffer, OfferField
from followup_desktop.gui.plain import PlainLabel, tooltip

_FIELDS: tuple[OfferField, ...] = ("decision_timeline_days", "decision_date")


class NextStepsOffers(QWidget):
    """Up to one offer per structured field, each a sentence and an Apply button.

    Signal: ``applied(NextStepsOffer)`` when the person presses an offer's button.
    """

    applied = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nextStepsOffers")
        self.setAccessibleName(_("Suggestions from what you wrote about next steps"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[OfferField, PlainLabel] = {}
        self.buttons: dict[OfferField, QPushButton] = {}
        self._rows: dict[OfferField, QWidget] = {}
        self._offers: dict[OfferField, NextStepsOffer] = {}
        for field in _FIELDS:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = PlainLabel("", row)
            label.setObjectName(f"{field}Offer")
            label.setWordWrap(True)
            button = QPushButton(_("Apply"), row)
            button.setObjectName(f"{field}Apply")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, field=field: self._apply(field))
            line.addWidget(label, 1)
            line.addWidget(button)
            row.hide()
            layout.addWidget(row)
            self.labels[field] = label
            self.buttons[field] = button
            self._rows[field] = row
        self.hide()

    def show_offers(self, offers: Sequence[NextStepsOffer]) -> None:
        """Show ``offers`` (at most one per field), hide the rest."""
        self._offers = {offer.field: offer for offer in offers}
        for field in _FIELDS:
            offer = self._offers.get(field)
            if offer is not None:
                self.labels[field].setText(offer.sentence)
                self.buttons[field].setAccessibleName(offer.action_name)
                self.buttons[field].setToolTip(tooltip(offer.action_name))
            self._rows[field].setVisible(offer is not None)
        self.setVisible(bool(self._offers))

    def offers(self) -> tuple[NextStepsOffer, ...]:
        """The offers shown now, timeline first."""
        return tuple(self._offers[field] for field in _FIELDS if field in self._offers)

    def focus_chain(self) -> list[QWidget]:
        """The Apply buttons in order, for the form's tab order (hidden ones are skipped)."""
        return [self.buttons[field] for field in _FIELDS]

    def _apply(self, field: OfferField) -> None:
        offer = self._offers.get(field)
        if offer is not None:
            self.applied.emit(offer)
