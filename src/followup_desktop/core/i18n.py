"""The language Followup speaks, and the one place its words are looked up.

One way for the whole app, window and command line alike: GNU gettext catalogues. Every
sentence a person sees is written in English in the code and passed through :func:`_`
(or :func:`ngettext` for counts, :func:`pgettext` where one English word means two things);
a sentence needed before the language is known, in a module-level table, is marked with
:func:`N_` and translated where it is shown.

The catalogues live in ``followup_desktop/locale/<language>/``: several ``.po`` files per
language, one per part of the app, so that each part's translations can be kept apart, and
one compiled ``LC_MESSAGES/followup.mo`` per language that merges them (``scripts/i18n
compile``; a test fails when it is stale).

The language is resolved once per process, on first use: ``$FOLLOWUP_LANGUAGE``, then the
person's choice in Settings (a one-line file in the user config directory, since it belongs
to this desktop, not to the search's database, which may be opened elsewhere), then the
system's (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, or the platform's own).
Module-level tables are built in the language of the process, so a choice made in Settings
takes effect on the next start.

Qt-free on purpose: the playbook's reasons, the CLI and the letters speak the same language
as the window.
"""

from __future__ import annotations

import gettext
import locale as _pylocale
import os
import sys
from functools import cache
from importlib import resources
from pathlib import Path

LANGUAGE_ENV = "FOLLOWUP_LANGUAGE"
DOMAIN = "followup"
#: The languages Followup speaks, English first (the language of the code).
LANGUAGES: tuple[str, ...] = ("en", "de", "fr")
#: Each language's own name, as a person looking for it would recognise it.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français"}
#: A test-only language that marks every translated sentence, so a check can find a
#: sentence that escaped translation.
PSEUDO = "pseudo"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
_PREFERENCE_FILENAME = "language"


class _State:
    """The process's language, resolved on first use."""

    translations: gettext.NullTranslations | None = None
    language: str | None = None


def preference_path() -> Path:
    """The file that holds the language chosen in Settings (absent: follow the system)."""
    import platformdirs

    from followup_desktop import APP_NAME

    override = os.environ.get("FOLLOWUP_CONFIG_DIR")
    base = (
        Path(override)
        if override
        else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )
    return base / _PREFERENCE_FILENAME


def chosen_language() -> str | None:
    """The language chosen in Settings, or None to follow the system."""
    try:
        text = preference_path().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text in LANGUAGES else None


def save_language_choice(language: str | None) -> None:
    """Remember ``language`` for the next start; None means follow the system again."""
    path = preference_path()
    if language is None:
        path.unlink(missing_ok=True)
        return
    if language not in LANGUAGES:
        raise ValueError(
            f"Followup does not speak {language!r}; choose one of {', '.join(LANGUAGES)}."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(language + "\n", encoding="utf-8")
    tmp.replace(path)


def system_locale_name() -> str:
    """The system's locale for messages, as ``ll_CC`` (``en_US`` when nothing says)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        # LANGUAGE may list several, "de:en"; the first one that is a locale wins.
        for part in value.split(":"):
            name = part.split(".")[0].split("@")[0]
            if name and name not in ("C", "POSIX"):
                return name
    if sys.platform in ("win32", "darwin"):
        try:
            name = _pylocale.getlocale()[0] or ""
        except ValueError:
            name = ""
        if name:
            return name.split(".")[0]
    return "en_US"


def system_language() -> str:
    """The system's language if Followup speaks it, else English."""
    code = system_locale_name().split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def resolve_language() -> str:
    """The language this process speaks: the environment, the choice, then the system."""
    forced = os.environ.get(LANGUAGE_ENV, "").strip()
    if forced in (*LANGUAGES, PSEUDO):
        return forced
    return chosen_language() or system_language()


def catalogue_dir() -> Path:
    """The folder of compiled catalogues (``<language>/LC_MESSAGES/followup.mo``)."""
    return Path(str(resources.files("followup_desktop") / "locale"))


class _Pseudo(gettext.NullTranslations):
    """Marks every sentence so that a walk over the window can find one left in English."""

    def gettext(self, message: str) -> str:
        return f"{PSEUDO_OPEN}{message}{PSEUDO_CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.ngettext(msgid1, msgid2, n)


@cache
def translations_for(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, for text in a language other than the window's
    (a letter written in French from a German desktop)."""
    if language == PSEUDO:
        return _Pseudo()
    if language == "en":
        return gettext.NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"Followup does not speak {language!r}.")
    try:
        return gettext.translation(DOMAIN, catalogue_dir(), languages=[language])
    except OSError:
        # A missing catalogue must not stop the app; it speaks English instead.
        return gettext.NullTranslations()


def set_language(language: str) -> None:
    """Speak ``language`` from now on (start-up, and tests that switch language)."""
    _State.translations = translations_for(language)
    _State.language = language
    formatting_locale.cache_clear()


def _current() -> gettext.NullTranslations:
    if _State.translations is None:
        set_language(resolve_language())
    assert _State.translations is not None
    return _State.translations


def current_language() -> str:
    """The language this process speaks (``en``, ``de``, ``fr``, or the test pseudo)."""
    _current()
    assert _State.language is not None
    return _State.language


def _(message: str) -> str:
    """``message`` in the person's language."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a sentence about ``n`` things, by the language's plural rules."""
    return _current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context``, where one English word means two things."""
    return _current().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a context."""
    return _current().npgettext(context, singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark ``message`` for translation where it is shown; returns it unchanged."""
    return message


@cache
def formatting_locale() -> str:
    """The locale dates and numbers are written in, as ``ll_CC``.

    The system's own when it is in the language spoken (``en_GB`` keeps day-first dates),
    else the spoken language's usual one.
    """
    language = current_language()
    if language == PSEUDO:
        language = "en"
    system = system_locale_name()
    if system.split("_")[0].lower() == language:
        return system
    return {"en": "en_US", "de": "de_DE", "fr": "fr_FR"}[language]


def letter_language(chosen: str | None) -> str:
    """The language of a letter: the opportunity's choice, else the app's (English for
    the test pseudo language, whose letters are still real letters)."""
    if chosen in LANGUAGES:
        return chosen
    spoken = current_language()
    return spoken if spoken in LANGUAGES else "en"


def locale_for(language: str) -> str:
    """The locale a text in ``language`` writes its dates and numbers in: the app's own
    when it is the language spoken (``en_GB`` keeps day-first dates), else the language's
    usual one."""
    if language == current_language():
        return formatting_locale()
    return {"en": "en_US", "de": "de_DE", "fr": "fr_FR"}.get(language, "en_US")
