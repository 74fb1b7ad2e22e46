"""Colours derived from the palette, so the board follows the system's light or dark scheme.

Status colours cannot come from the palette (it has no "overdue" role), so each has a
light-scheme and a dark-scheme variant and the palette's window lightness picks one.
Status is never shown by colour alone: every use pairs it with words.

:func:`follow_system_color_scheme` keeps the application's palette in step with the
desktop's light or dark setting (as Qt's platform theme reports it, and as the XDG
desktop portal does, which a bundle without GTK's theme would otherwise not hear), and
:func:`app_icon` is the window icon.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from followup_desktop.core.board import DueState
from followup_desktop.desktop_integration import ICON_SIZES, icon_file
from followup_desktop.portal_appearance import PREFER_DARK, PREFER_LIGHT, PortalColorScheme

_STATUS = {
    # (on a light background, on a dark background)
    DueState.OVERDUE: ("#b3261e", "#ff8a80"),
    DueState.TODAY: ("#8a5300", "#ffcc80"),
    DueState.LATER: ("#1b6e3a", "#a5d6a7"),
    DueState.NONE: ("#5f6368", "#b0b3b8"),
}
_ERROR = ("#b3261e", "#ff8a80")


def is_dark(palette: QPalette) -> bool:
    """True when the window background is dark."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def status_color(palette: QPalette, state: DueState) -> QColor:
    """The colour for a due state that reads on this palette's background."""
    light, dark = _STATUS[state]
    return QColor(dark if is_dark(palette) else light)


def error_color(palette: QPalette) -> QColor:
    """The colour for inline validation messages."""
    return QColor(_ERROR[1] if is_dark(palette) else _ERROR[0])


def tinted(color: QColor, alpha: float) -> QColor:
    """``color`` made translucent, for badge backgrounds."""
    result = QColor(color)
    result.setAlphaF(alpha)
    return result


def blend(first: QColor, second: QColor, amount: float) -> QColor:
    """``first`` moved ``amount`` (0 to 1) of the way towards ``second``, opaque."""
    return QColor(
        round(first.red() * (1 - amount) + second.red() * amount),
        round(first.green() * (1 - amount) + second.green() * amount),
        round(first.blue() * (1 - amount) + second.blue() * amount),
    )


def muted_text(palette: QPalette) -> QColor:
    """Secondary text: the text colour blended halfway towards the card background."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        (text.red() * 3 + base.red() * 2) // 5,
        (text.green() * 3 + base.green() * 2) // 5,
        (text.blue() * 3 + base.blue() * 2) // 5,
    )


def dark_palette() -> QPalette:
    """A dark palette for tests and screenshots of the dark scheme."""
    palette = QPalette()
    window = QColor("#202124")
    base = QColor("#2b2c30")
    text = QColor("#e8eaed")
    for group in (
        QPalette.ColorGroup.Active,
        QPalette.ColorGroup.Inactive,
        QPalette.ColorGroup.Disabled,
    ):
        palette.setColor(group, QPalette.ColorRole.Window, window)
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Base, base)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#26272b"))
        palette.setColor(group, QPalette.ColorRole.Text, text)
        palette.setColor(group, QPalette.ColorRole.Button, QColor("#303134"))
        palette.setColor(group, QPalette.ColorRole.ButtonText, text)
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#8ab4f8"))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#202124"))
        palette.setColor(group, QPalette.ColorRole.Mid, QColor("#5f6368"))
        palette.setColor(group, QPalette.ColorRole.Midlight, QColor("#3c4043"))
        palette.setColor(group, QPalette.ColorRole.Dark, QColor("#17181a"))
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#9aa0a6"))
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, base)
        palette.setColor(group, QPalette.ColorRole.ToolTipText, text)
    dimmed = QColor("#7f8389")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, dimmed)
    return palette


class ColorSchemeFollower(QObject):
    """Applies the dark palette while the desktop is dark and the normal one otherwise.

    Qt follows the system scheme by itself only on some platform themes (the GTK3 theme
    since Qt 6.8, not Fusion on a plain X11 session), and the board's status colours are
    tuned for :func:`dark_palette`, so the palette is set here in every case.

    The desktop portal's preference (:mod:`followup_desktop.portal_appearance`, read on
    a thread of its own) wins over Qt's when it states one, since Qt without a platform
    theme that reads the portal says "unknown" on every desktop.
    """

    #: A value from the portal's thread; the follower handles it on the GUI thread.
    portal_said = Signal(int)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("colorSchemeFollower")
        self._app = app
        self._dark_applied = False
        #: The person's own choice (Settings → Appearance), which wins over the system's.
        self.forced: Qt.ColorScheme | None = None
        #: What the desktop portal last said (None: no preference, or no portal).
        self.portal: Qt.ColorScheme | None = None
        self._portal_reader: PortalColorScheme | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.apply)
        self.portal_said.connect(self._portal_value)

    def listen_to_portal(self, bus: str = "SESSION") -> None:
        """Read the portal's preference and follow its changes (once; returns at once)."""
        if self._portal_reader is None:
            self._portal_reader = PortalColorScheme(self._heard, bus=bus)
            self._portal_reader.start()

    def _heard(self, value: int) -> None:
        # On the portal's thread: hand the value over to the GUI thread (queued).
        with contextlib.suppress(RuntimeError):  # the application has gone
            self.portal_said.emit(value)

    def _portal_value(self, value: int) -> None:
        schemes = {PREFER_DARK: Qt.ColorScheme.Dark, PREFER_LIGHT: Qt.ColorScheme.Light}
        self.portal = schemes.get(value)
        self.apply(QGuiApplication.styleHints().colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Use the palette that matches ``scheme`` (or the person's own choice, or the
        portal's preference)."""
        if self.forced is not None:
            scheme = self.forced
        elif self.portal is not None:
            scheme = self.portal
        if scheme == Qt.ColorScheme.Dark:
            self._app.setPalette(dark_palette())
            self._dark_applied = True
            return
        if scheme == Qt.ColorScheme.Light or self._dark_applied:
            # An empty palette hands the colours back to the platform theme and style.
            self._app.setPalette(QPalette())
            if scheme == Qt.ColorScheme.Light and is_dark(self._app.palette()):
                # A platform theme that stayed dark: the style's own palette is light.
                style = self._app.style()
                self._app.setPalette(style.standardPalette())
        self._dark_applied = False

    def stop(self) -> None:
        """Stop following the system (tests; the palette stays as it is)."""
        QGuiApplication.styleHints().colorSchemeChanged.disconnect(self.apply)
        if self._portal_reader is not None:
            self._portal_reader.stop()


def follow_system_color_scheme(app: QApplication) -> ColorSchemeFollower:
    """Make ``app`` use the dark palette whenever the desktop's scheme is dark.

    Applies the current scheme at once and follows later changes. Calling it again
    returns the follower already installed.
    """
    follower = app.findChild(ColorSchemeFollower, "colorSchemeFollower")
    if follower is None:
        follower = ColorSchemeFollower(app)
        follower.listen_to_portal()
    follower.apply(QGuiApplication.styleHints().colorScheme())
    return follower


_icon: QIcon | None = None


def app_icon() -> QIcon:
    """Followup's icon from the packaged PNGs (the SVG when they are missing); built once."""
    global _icon  # noqa: PLW0603 - one icon per process, loaded on first use
    if _icon is None:
        icon = QIcon()
        for size in ICON_SIZES:
            path = icon_file(size)
            if path.is_file():
                icon.addFile(str(path), QSize(size, size))
        if icon.isNull():
            # PNGs cover every size a window needs; the SVG is the fallback because it
            # depends on Qt's SVG plugin being present.
            svg = icon_file(None)
            if svg.is_file():
                icon.addFile(str(svg))
        _icon = icon
    return _icon
