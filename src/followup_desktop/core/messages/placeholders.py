"""Parts of a draft the person still has to write, marked ``[like this]``.

Some things cannot be drafted for them (an article's title, what they did about a skill
their notes mention); the templates leave a bracketed prompt there, and nothing is sent
while one remains.
"""

from __future__ import annotations

import re

# One line, not nested, of a plausible length: "[what you promised]".
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,300}\]")


def unfilled_placeholders(*texts: str) -> list[str]:
    """The bracketed prompts left in ``texts``, in order of appearance."""
    return [match.group(0) for text in texts for match in _PLACEHOLDER.finditer(text)]
