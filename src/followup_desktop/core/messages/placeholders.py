"""Parts of a draft the person still has to write, marked ``[like this]``.

Some things cannot be drafted for them (an article's title, what they did about a skill
their notes mention); the templates leave a bracketed prompt there, and nothing is sent
while one remains.
"""

from __future__ import annotations

import re

from followup_desktop.core.i18n import _

# One line, not nested, of a plausible length: "[what you promised]".
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,300}\]")


def unfilled_placeholders(*texts: str) -> list[str]:
    """The bracketed prompts left in ``texts``, in order of appearance."""
    return [match.group(0) for text in texts for match in _PLACEHOLDER.finditer(text)]


NAME_PROMPT = "[their name]"

# A salutation with nothing where the name belongs: "Dear ,", "Hello  !", a bare "Dear",
# and the same in German and French letters ("Guten Tag ,", "Sehr geehrte Frau ,",
# "Bonjour ,"). A complete one ("Madame, Monsieur,") has no gap and is left alone.
_EMPTY_GREETING = re.compile(
    r"^(?P<word>[ \t]*(?:dear|hello|hi|hey|greetings|good (?:morning|afternoon|evening)"
    r"|guten tag|hallo|liebe[r]?|sehr geehrte[r]?(?: (?:frau|herr))?"
    r"|bonjour|bonsoir|cher|chère))"
    r"[ \t]*(?P<end>[,:;!.]?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def prompt_for_missing_name(text: str) -> str:
    """Put a bracketed prompt where a greeting has no name, so nothing reads "Dear ,".

    Shipped templates already fall back to the prompt; this covers a person's own edited
    template that greets ``recipient.first_name`` alone.
    """

    def fill(match: re.Match[str]) -> str:
        # The prompt is for the person writing, so it is in their language.
        prompt = _("[their name]")
        return f"{match.group('word')} {prompt}{match.group('end') or ','}"

    return _EMPTY_GREETING.sub(fill, text)
