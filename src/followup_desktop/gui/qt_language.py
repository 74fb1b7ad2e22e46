"""Qt's own words and formats in the person's language.

Qt writes some words itself: the stock buttons of a dialog (Cancel, OK, Close), the
context menu of a line edit (Undo, Copy, Paste), the calendar popup's month names. They
come from Qt's ``qtbase_<lang>.qm`` catalogue, which this module installs at start-up,
and from ``QLocale``'s default, which it sets to the locale :mod:`core.i18n` writes dates
and numbers in, so that a date shown by Qt and a date written by the core agree.

The catalogue is Qt's own, in its translations folder (``QLibraryInfo``'s
``TranslationsPath``): PySide6's in a source install, the bundle's copy inside the bundle,
where the packaging keeps ``qtbase_de.qm`` and ``qtbase_fr.qm`` and drops the rest.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from followup_desktop.core import i18n

log = logging.getLogger(__name__)

#: The languages whose Qt catalogue is installed (English needs none).
QT_LANGUAGES: tuple[str, ...] = ("de", "fr")

# The translators live as long as the app; Qt does not own them.
_installed: list[QTranslator] = []


def qt_translation_dirs() -> list[Path]:
    """Where ``qtbase_<lang>.qm`` is looked for."""
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]


def qt_catalogue(language: str) -> Path | None:
    """The ``qtbase`` catalogue of ``language``, or None when neither place has it."""
    for folder in qt_translation_dirs():
        candidate = folder / f"qtbase_{language}.qm"
        if candidate.is_file():
            return candidate
    return None


def install_qt_language(app: QCoreApplication) -> str:
    """Make Qt speak and format like the rest of the app; returns the locale set.

    Call once, after the QApplication exists and before any window is built.
    """
    name = i18n.formatting_locale()
    QLocale.setDefault(QLocale(name))
    language = i18n.current_language()
    if language in QT_LANGUAGES:
        path = qt_catalogue(language)
        translator = QTranslator(app)
        if path is not None and translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            # Not fatal: the stock buttons stay in English, the rest is translated.
            log.warning(
                "Qt's catalogue for %s was not found in %s", language, qt_translation_dirs()
            )
    return name
