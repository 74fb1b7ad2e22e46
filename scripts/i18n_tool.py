"""Keep Followup's translation catalogues in step with the code.

    scripts/i18n update AREA PATH...   add the sentences of PATH (files or folders under
                                       src/) that no catalogue has yet to AREA.po of every
                                       language, with an empty translation to fill in
    scripts/i18n compile               merge each language's .po files into its .mo
    scripts/i18n check                 what CI checks (see :func:`problems`)
    scripts/i18n todo [AREA]           the sentences still without a translation

A language's catalogue is split by part of the app (``locale/de/gui-board.po``, …) so that
the parts can be translated apart; a sentence lives in exactly one part.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "followup_desktop"
LOCALE = PACKAGE / "locale"
TRANSLATED = ("de", "fr")
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
TRANSLATION_FUNCTIONS = frozenset(KEYWORDS)
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")

_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
Key = tuple[str, str | None]  # (msgid, context)


@dataclass(frozen=True)
class Found:
    """A sentence found in the code: its id (and plural), context and where it is."""

    msgid: str
    plural: str | None
    context: str | None
    where: str


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def source_files(paths: Iterable[Path] = (PACKAGE,)) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
        elif path.suffix == ".py":
            yield path


def extract(paths: Iterable[Path] = (PACKAGE,)) -> dict[Key, Found]:
    """Every sentence passed to a translation function in ``paths``."""
    found: dict[Key, Found] = {}
    for path in source_files(paths):
        for lineno, message, context in _extract(path):
            if isinstance(message, tuple):
                msgid, plural = message[0], message[1]
            else:
                msgid, plural = message, None
            if not msgid:
                continue
            key = (msgid, context)
            if key not in found:
                found[key] = Found(msgid, plural, context, f"{_rel(path)}:{lineno}")
    return found


def _extract(path: Path) -> Iterator[tuple[int, str | tuple[str, ...], str | None]]:
    for lineno, message, _comments, context in extract_from_file(
        "python",
        str(path),
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        yield lineno, message, context


def non_literal_calls(paths: Iterable[Path] = (PACKAGE,)) -> list[str]:
    """Calls of ``_()`` and friends whose sentence is not a plain literal (an f-string, a
    variable, a concatenation), which can never be in a catalogue, and assignments to
    ``_`` in a module that imports the translation function under that name."""
    bad: list[str] = []
    for path in source_files(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_underscore = any(
            isinstance(node, ast.ImportFrom)
            and any(alias.name == "_" and alias.asname is None for alias in node.names)
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if (
                imports_underscore
                and isinstance(node, ast.Name)
                and node.id == "_"
                and isinstance(node.ctx, ast.Store)
            ):
                # "for _ in …" or "a, _ = …" would hide the translation function.
                bad.append(
                    f"{_rel(path)}:{node.lineno}: assigns to _, "
                    "which names the translation function here"
                )
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in TRANSLATION_FUNCTIONS:
                continue
            wanted = {"_": 1, "N_": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}[node.func.id]
            for arg in node.args[:wanted]:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    bad.append(f"{_rel(path)}:{node.lineno}: {node.func.id}() of a non-literal")
    return bad


def language_files(language: str) -> list[Path]:
    return sorted((LOCALE / language).glob("*.po"))


def read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parent.name)


def merged(language: str) -> tuple[Catalog, list[str]]:
    """The language's whole catalogue, and the sentences found in two of its files."""
    catalog = _plural_rules(
        Catalog(
            locale=language,
            domain="followup",
            project="Followup",
            version="1",
            creation_date=_FIXED_DATE,
            revision_date=_FIXED_DATE,
            fuzzy=False,
        ),
        language,
    )
    seen: dict[Key, str] = {}
    twice: list[str] = []
    for path in language_files(language):
        for message in read(path):
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            key = (msgid, message.context)
            if key in seen:
                twice.append(f"{language}: {msgid!r} is in both {seen[key]} and {path.name}")
                continue
            seen[key] = path.name
            catalog.add(message.id, message.string, context=message.context, flags=message.flags)
    return catalog, twice


def _is_translated(message: Message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(s for s in strings)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def problems() -> list[str]:
    """Everything that would leave a person reading English or a broken sentence:

    a translation call of a non-literal; a sentence of the code without a translation in
    German or French; a sentence in two parts of a catalogue; a translation whose
    ``{placeholders}`` differ from the English; a translation of a sentence the code no
    longer has; a compiled catalogue older than its .po files.
    """
    out = non_literal_calls()
    found = extract()
    for language in TRANSLATED:
        catalog, twice = merged(language)
        out.extend(twice)
        keys: set[Key] = set()
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            key = (msgid, message.context)
            keys.add(key)
            if key not in found:
                out.append(f"{language}: {msgid!r} is translated but no longer in the code")
                continue
            if not _is_translated(message):
                continue
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strings = (
                message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            )
            wanted = set().union(*(placeholders(i) for i in ids))
            for string in strings:
                if placeholders(string) != wanted:
                    out.append(
                        f"{language}: {msgid!r} → {string!r}: placeholders "
                        f"{sorted(placeholders(string))} instead of {sorted(wanted)}"
                    )
        for key, where in sorted(found.items(), key=lambda kv: kv[1].where):
            message = catalog.get(key[0], key[1])
            if message is None or not _is_translated(message):
                out.append(f"{language}: {where.where}: no translation for {key[0]!r}")
        mo = LOCALE / language / "LC_MESSAGES" / "followup.mo"
        if mo.exists() and mo.read_bytes() != compiled_bytes(language):
            out.append(f"{language}: {_rel(mo)} is stale: run scripts/i18n compile")
        elif not mo.exists():
            out.append(f"{language}: {_rel(mo)} is missing: run scripts/i18n compile")
    return out


def compiled_bytes(language: str) -> bytes:
    catalog, _twice = merged(language)
    buffer = io.BytesIO()
    # Only finished translations go in: a half-done one must fall back to English, never
    # show an empty line.
    for message in list(catalog):
        if message.id and not _is_translated(message):
            catalog.delete(message.id, message.context)
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for language in TRANSLATED:
        mo = LOCALE / language / "LC_MESSAGES" / "followup.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(compiled_bytes(language))


def update(area: str, paths: list[Path]) -> int:
    """Add the sentences of ``paths`` that no catalogue file has to ``area``.po."""
    found = extract(paths)
    added = 0
    for language in TRANSLATED:
        catalog, _ = merged(language)
        target = LOCALE / language / f"{area}.po"
        part = (
            _plural_rules(read(target), language) if target.exists() else _new_part(language, area)
        )
        for key, item in found.items():
            if catalog.get(key[0], key[1]) is not None:
                continue
            msgid: str | tuple[str, str] = (item.msgid, item.plural) if item.plural else item.msgid
            string: str | tuple[str, str] = ("", "") if item.plural else ""
            part.add(
                msgid,
                string,
                locations=[(item.where.rsplit(":", 1)[0], int(item.where.rsplit(":", 1)[1]))],
                context=item.context,
            )
            added += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_po(fh, part, width=100, omit_header=False, sort_output=False)
    return added


_NAMES = {"de": "German", "fr": "French"}


# The usual gettext rules: French has one plural form, as its translators write it (the
# CLDR's third form, for round millions, never arises in Followup).
_PLURALS = {"de": (2, "(n != 1)"), "fr": (2, "(n > 1)")}


def _plural_rules(catalog: Catalog, language: str) -> Catalog:
    catalog._num_plurals, catalog._plural_expr = _PLURALS[language]
    return catalog


def _new_part(language: str, area: str) -> Catalog:
    # Fixed dates and names: a header that changes on every update would only make
    # merges of two parts' work collide.
    return _plural_rules(
        Catalog(
            locale=language,
            domain="followup",
            project="Followup",
            version="1",
            header_comment=f"# {_NAMES[language]} sentences of Followup: {area}.",
            creation_date=_FIXED_DATE,
            revision_date=_FIXED_DATE,
            last_translator="Followup",
            language_team=_NAMES[language],
            fuzzy=False,
        ),
        language,
    )


def todo(area: str | None) -> list[str]:
    out = []
    for language in TRANSLATED:
        for path in language_files(language):
            if area and path.stem != area:
                continue
            for message in read(path):
                if message.id and not _is_translated(message):
                    out.append(f"{language}/{path.name}: {message.id!r}")
    return out


def _say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def main(argv: list[str]) -> int:
    if not argv:
        _say(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "check":
        found = problems()
        for line in found:
            _say(line)
        _say(f"{len(found)} problem(s)")
        return 1 if found else 0
    if command == "compile":
        compile_all()
        return 0
    if command == "update" and len(args) >= 2:
        _say(f"{update(args[0], [Path(a).resolve() for a in args[1:]])} sentence(s) added")
        return 0
    if command == "todo":
        lines = todo(args[0] if args else None)
        _say("\n".join(lines))
        _say(f"{len(lines)} left")
        return 0
    _say(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
