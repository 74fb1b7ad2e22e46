"""Light, Dark or the system's choice: the appearance setting and the page that sets it.

"System" follows the desktop's light/dark preference (the default: as the XDG desktop
portal states it, else as Qt's platform theme does; see :mod:`gui.theme`); "Light" and
"Dark" hold whatever the desktop does. The choice is a per-user preference kept in Qt's
settings (``appearance/scheme``), read at start-up and applied at once when changed.
Qt 6.8 and newer are told too (:meth:`QStyleHints.setColorScheme`), so the style and
native dialogs agree with the palette.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QVBoxLayout, QWidget

from followup_desktop.core.i18n import _
from followup_desktop.gui.plain import PlainLabel
from followup_desktop.gui.theme import follow_system_color_scheme

APPEARANCE_KEY = "appearance/scheme"
SYSTEM, LIGHT, DARK = "system", "light", "dark"
CHOICES = (
    (SYSTEM, _("Follow the system")),
    (LIGHT, _("Light")),
    (DARK, _("Dark")),
)
_SCHEMES = {LIGHT: Qt.ColorScheme.Light, DARK: Qt.ColorScheme.Dark}


def saved_appearance(settings: QSettings | None = None) -> str:
    """The stored choice; "system" when none (or something unknown) is stored."""
    value = str((settings or QSettings()).value(APPEARANCE_KEY, SYSTEM) or SYSTEM)
    return value if value in dict(CHOICES) else SYSTEM


def apply_appearance(app: QApplication, choice: str) -> None:
    """Use the light or dark palette ``choice`` asks for, or follow the system."""
    follower = follow_system_color_scheme(app)
    hints = QGuiApplication.styleHints()
    forced = _SCHEMES.get(choice)
    follower.forced = forced
    if forced is None:
        hints.unsetColorScheme()
        follower.apply(hints.colorScheme())
    else:
        hints.setColorScheme(forced)
        follower.apply(forced)


class AppearancePage(QWidget):
    """The Settings page with the colour scheme choice."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setAccessibleName(_("Appearance"))
        self._settings = settings or QSettings()
        layout = QVBoxLayout(self)
        intro = PlainLabel(
            _(
                "Followup follows your desktop's light or dark setting; choose Light or Dark "
                "to keep one whatever the desktop does."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.scheme = QComboBox()
        self.scheme.setObjectName("colourScheme")
        self.scheme.setAccessibleName(_("Colours"))
        for value, words in CHOICES:
            self.scheme.addItem(words, value)
        form = QFormLayout()
        form.addRow(_("&Colours:"), self.scheme)
        layout.addLayout(form)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        """Show the stored choice."""
        self._saved = saved_appearance(self._settings)
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(self._saved)))

    def apply(self) -> bool:
        """Store and apply the choice; True when it changed."""
        wanted = str(self.scheme.currentData())
        if wanted == self._saved:
            return False
        self._settings.setValue(APPEARANCE_KEY, wanted)
        self._settings.sync()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_appearance(app, wanted)
        self._saved = wanted
        return True


__all__ = [
    "APPEARANCE_KEY",
    "CHOICES",
    "DARK",
    "LIGHT",
    "SYSTEM",
    "AppearancePage",
    "apply_appearance",
    "saved_appearance",
]
