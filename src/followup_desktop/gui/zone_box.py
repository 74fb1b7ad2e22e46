"""A time zone chosen from a list: every IANA zone name, filtered by what is typed.

Typing "berl" or "new york" narrows the list to the zones whose name holds those letters
(anywhere in the name, case ignored); the list shows names with spaces for underscores,
the value is the IANA name itself. A name that is not in the list can still be typed;
it is given back as typed, so the settings check refuses it with its own message saying
what to write.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from followup_desktop.core.i18n import _
from followup_desktop.core.timeutil import canonical_zone_names

#: The regions of the zone database's place names (the others are old aliases such as
#: ``US/Eastern`` and ``Etc/GMT-1``, which can still be typed).
_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)


def zone_choices() -> list[str]:
    """The zones offered: places (Region/City) and UTC, sorted; old aliases left out."""
    places = sorted(name for name in canonical_zone_names() if name.split("/", 1)[0] in _REGIONS)
    return ["UTC", *places]


def shown_name(zone: str) -> str:
    """How a zone name is shown in the list: "America/New York"."""
    return zone.replace("_", " ")


class ZoneBox(QComboBox):
    """An editable combo of zone names with a filtering completer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(_("Time zone"))
        self.setToolTip(_("Type part of a city's name to find its time zone."))
        for zone in zone_choices():
            self.addItem(shown_name(zone), zone)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        if (line := self.lineEdit()) is not None:
            line.setPlaceholderText(_("For example Europe/Berlin"))

    def zone(self) -> str:
        """The IANA name typed or chosen ("" when the field is empty)."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.itemData(index))
        return text

    def currentData(self, role: int = Qt.ItemDataRole.UserRole) -> object:
        """The zone (see :meth:`zone`): a typed name counts, not only the list's."""
        if role == Qt.ItemDataRole.UserRole:
            return self.zone()
        return super().currentData(role)

    def set_zone(self, zone: str) -> None:
        """Show ``zone``, chosen in the list when it is there, else as typed."""
        index = self.findData(zone)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(zone)
