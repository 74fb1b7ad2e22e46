"""Text contrast as WCAG 2 defines it, and a nudge that makes a colour readable.

Delegates paint text in colours derived from the palette (muted text, status colours,
the highlight); on some backgrounds (a selected card, a tinted badge, a dark palette)
those fall below the 4.5:1 that WCAG AA asks of normal text. :func:`legible` keeps the
colour's hue and moves its lightness away from the background until it reads.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

AA_NORMAL = 4.5
AA_LARGE = 3.0


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance of an opaque colour (0 black, 1 white)."""
    return (
        0.2126 * _channel(color.redF())
        + 0.7152 * _channel(color.greenF())
        + 0.0722 * _channel(color.blueF())
    )


def over(color: QColor, background: QColor) -> QColor:
    """``color`` (maybe translucent) composited over an opaque ``background``."""
    alpha = color.alphaF()
    return QColor.fromRgbF(
        color.redF() * alpha + background.redF() * (1 - alpha),
        color.greenF() * alpha + background.greenF() * (1 - alpha),
        color.blueF() * alpha + background.blueF() * (1 - alpha),
    )


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """The contrast ratio (1 to 21) of ``foreground`` drawn on ``background``."""
    first = relative_luminance(over(foreground, background))
    second = relative_luminance(background)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def legible(foreground: QColor, background: QColor, minimum: float = AA_NORMAL) -> QColor:
    """``foreground``, darkened (on a light background) or lightened (on a dark one)
    just enough to reach ``minimum`` contrast; unchanged when it already does."""
    color = over(foreground, background)
    if contrast_ratio(color, background) >= minimum:
        return color
    towards = QColor("black") if relative_luminance(background) > 0.18 else QColor("white")
    for step in range(1, 21):
        amount = step / 20
        candidate = QColor.fromRgbF(
            color.redF() * (1 - amount) + towards.redF() * amount,
            color.greenF() * (1 - amount) + towards.greenF() * amount,
            color.blueF() * (1 - amount) + towards.blueF() * amount,
        )
        if contrast_ratio(candidate, background) >= minimum:
            return candidate
    return towards


__all__ = ["AA_LARGE", "AA_NORMAL", "contrast_ratio", "legible", "over", "relative_luminance"]
