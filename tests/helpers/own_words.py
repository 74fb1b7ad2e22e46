"""Finding shared runs of words between what Followup ships and a set of source articles.

The product's advice comes from a handful of articles kept beside the repository (in
``../shared/seeds``). Every sentence the product ships must be its own; this module finds
any run of :data:`RUN_LENGTH` or more consecutive words that a shipped text has in common
with an article, after normalising case, punctuation and whitespace.

Shipped text is collected from the source tree: every string literal in the package's
Python modules (an f-string's literal parts; an interpolated value breaks a run, since it
is never the same words twice), every message template (its literal text between the
Jinja tags, the quoted fallbacks inside them, and the template rendered on sample data),
every data file, the example text of the screenshot scripts, and the user documentation
except ``docs/playbook.md``, which cites its sources on purpose.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

RUN_LENGTH = 6

# Curly quotes and apostrophes are the same words as straight ones; an apostrophe joins
# ("don't" is one word), every other non-letter, non-digit separates ("thank-you").
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# A Jinja tag or expression is not words of ours; it ends the run before it.
_JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
_QUOTED = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, apostrophes removed, punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return [match.group(0).replace("'", "") for match in _WORD.finditer(folded)]


def runs(sequence: Sequence[str], length: int = RUN_LENGTH) -> Iterator[tuple[str, ...]]:
    """Every run of ``length`` consecutive words."""
    for start in range(len(sequence) - length + 1):
        yield tuple(sequence[start : start + length])


@dataclass(frozen=True)
class Overlap:
    """A run of words one shipped text shares with one article."""

    where: str
    article: str
    run: str

    def __str__(self) -> str:
        return f"{self.where}: “{self.run}” is also in {self.article}"


class ArticleIndex:
    """The runs of words of a set of articles, for fast look-ups."""

    def __init__(self, articles: dict[str, str], length: int = RUN_LENGTH) -> None:
        self.length = length
        self._runs: dict[tuple[str, ...], str] = {}
        for name, text in sorted(articles.items()):
            for run in runs(words(text), length):
                self._runs.setdefault(run, name)

    @classmethod
    def from_folder(cls, folder: Path, length: int = RUN_LENGTH) -> ArticleIndex:
        """Every ``*.txt`` article in ``folder``."""
        return cls(
            {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.txt")},
            length,
        )

    def __len__(self) -> int:
        return len(self._runs)

    def overlaps(self, where: str, segments: Iterable[str]) -> list[Overlap]:
        """The shared runs in ``segments``; a run never crosses from one segment to the next.

        Overlapping hits are merged, so a copied sentence is reported once, as the longest
        stretch it shares.
        """
        found: list[Overlap] = []
        for segment in segments:
            sequence = words(segment)
            start = 0
            while start + self.length <= len(sequence):
                article = self._runs.get(tuple(sequence[start : start + self.length]))
                if article is None:
                    start += 1
                    continue
                end = start + self.length
                while end < len(sequence) and (
                    tuple(sequence[end - self.length + 1 : end + 1]) in self._runs
                ):
                    end += 1
                found.append(Overlap(where, article, " ".join(sequence[start:end])))
                start = end
        return found


# -- collecting what ships -----------------------------------------------------------------


def python_strings(source: str) -> list[str]:
    """Every string literal of a module, an f-string split where a value is interpolated."""
    segments: list[str] = []
    tree = ast.parse(source)
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            current: list[str] = []
            for part in node.values:
                inside_fstrings.add(id(part))
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    current.append(part.value)
                else:
                    segments.append("".join(current))
                    current = []
            segments.append("".join(current))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings
        ):
            segments.append(node.value)
    return [segment for segment in segments if segment.strip()]


def template_segments(source: str) -> list[str]:
    """A template's own words: the text between tags, and quoted text inside the tags."""
    segments = _JINJA.split(source)
    for tag in _JINJA.findall(source):
        segments += [first or second for first, second in _QUOTED.findall(tag)]
    return [segment for segment in segments if segment.strip()]


def shipped_texts(repo: Path) -> Iterator[tuple[str, list[str]]]:
    """(where, segments) for every text the project ships, found from the source tree."""
    package = repo / "src" / "followup_desktop"
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        where = str(path.relative_to(repo))
        if path.suffix == ".py":
            yield where, python_strings(path.read_text(encoding="utf-8"))
        elif path.suffix == ".txt" and path.parent.name == "templates":
            yield where, template_segments(path.read_text(encoding="utf-8"))
        elif path.suffix in {".txt", ".json", ".md", ".desktop", ".mako", ".toml", ".ini"}:
            yield where, [path.read_text(encoding="utf-8")]
    # The scripts that draw the documentation's screenshots type their own example text.
    for path in sorted((repo / "scripts").glob("*")):
        if path.is_file() and path.read_text(encoding="utf-8").startswith("#!/usr/bin/env python"):
            yield str(path.relative_to(repo)), python_strings(path.read_text(encoding="utf-8"))
    for path in [repo / "README.md", *sorted((repo / "docs").glob("*.md"))]:
        if path.name == "playbook.md" and path.parent.name == "docs":
            continue  # states each rule with its source, and may quote one
        if path.is_file():
            yield str(path.relative_to(repo)), [path.read_text(encoding="utf-8")]
