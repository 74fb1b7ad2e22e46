"""Switching an optional paragraph on or off in a draft the person may have edited.

The composer re-renders the template with the paragraph switched, then carries only that
difference over to the text in the editor: lines the new draft adds are put in beside the
same neighbours, lines it drops are taken out where they stand unchanged. The person's own
edits elsewhere stay as they are. When the neighbours can no longer be found, nothing is
changed and the caller says so.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher


def _find_block(lines: list[str], block: list[str]) -> int | None:
    for start in range(len(lines) - len(block) + 1):
        if lines[start : start + len(block)] == block:
            return start
    return None


def _insert(lines: list[str], block: list[str], before: list[str], at: int) -> bool:
    """Put ``block`` where it sat in ``before`` (at line ``at``), matched by a neighbour."""
    core = list(block)
    while core and not core[0].strip():
        core.pop(0)
    while core and not core[-1].strip():
        core.pop()
    following = next((line for line in before[at:] if line.strip()), None)
    if following is not None and following in lines:
        index = lines.index(following)
        lines[index:index] = [*core, ""]
        return True
    preceding = next((line for line in reversed(before[:at]) if line.strip()), None)
    if preceding is not None and preceding in lines:
        index = lines.index(preceding) + 1
        lines[index:index] = ["", *core]
        return True
    return False


def carry_over(current: str, before: str, after: str) -> str | None:
    """``current`` with the change from ``before`` to ``after`` applied; None if it cannot be.

    ``before`` is the draft as rendered before the switch, ``after`` as rendered after it.
    """
    if current == before:
        return after
    old, new = before.split("\n"), after.split("\n")
    lines = current.split("\n")
    matcher = SequenceMatcher(a=old, b=new, autojunk=False)
    # From the end backwards, so earlier positions in ``old`` stay valid.
    for tag, old_start, old_end, new_start, new_end in reversed(matcher.get_opcodes()):
        if tag in ("delete", "replace"):
            content = [line for line in old[old_start:old_end] if line.strip()]
            if content:
                start = _find_block(lines, content)
                if start is None:
                    return None
                del lines[start : start + len(content)]
        if tag in ("insert", "replace"):
            added = new[new_start:new_end]
            if any(line.strip() for line in added) and not _insert(lines, added, old, old_end):
                return None
    text = "\n".join(lines)
    # Taking a paragraph out leaves its blank lines behind; one is enough.
    return re.sub(r"\n{3,}", "\n\n", text)
