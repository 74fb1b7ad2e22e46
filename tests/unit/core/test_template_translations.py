"""The German and French letters: one file per English template, each rendering in the
same sandbox with the same fields and options, and written the way letters are written in
those languages."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jinja2 import nodes

from followup_desktop.core.messages.context import sample_context
from followup_desktop.core.messages.placeholders import unfilled_placeholders
from followup_desktop.core.messages.templates import (
    TEMPLATES,
    _environment,
    default_source,
    render_source,
)

LANGUAGES = ("de", "fr")
FOLDER = Path(str(resources.files("followup_desktop.core.messages") / "templates"))
KEYS = [info.key for info in TEMPLATES]
# German and French letters greet by the full name ("Guten Tag Ana Silva,") where the
# English greets by the first name; the letters to one's own references and referrer keep
# the first name. So only this field may be missing from a translation.
MAY_BE_LEFT_OUT = frozenset({"recipient.first_name"})
NNBSP = "\u202f"


def _source(language: str, key: str) -> str:
    return (FOLDER / language / f"{key}.txt").read_text(encoding="utf-8")


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        parent = _dotted(node.node)
        return f"{parent}.{node.attr}" if parent else None
    return None


def fields(source: str) -> set[str]:
    """Every field path a template reads ("recipient.name", "options.ask_feedback")."""
    tree = _environment().parse(source)
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Name)):
        path = _dotted(node)
        if path and not path.startswith("person"):  # the loop's own variable
            found.add(path)
    # A parent of a path read ("recipient" of "recipient.name") is not a field of its own.
    return {path for path in found if not any(o.startswith(path + ".") for o in found)}


def _context(**changes: Any) -> dict[str, Any]:
    context = sample_context()
    context.update(changes)
    return context


def _quiet_context() -> dict[str, Any]:
    """The sample with every optional part empty or switched off."""
    context = sample_context()
    context["debrief"] = dict.fromkeys(context["debrief"], "")
    for person in (context["interviewer"], context["recipient"]):
        person["mention"] = ""
    context["follow_up"]["date"] = ""
    context["interview"]["date"] = ""
    context["interview"]["next_steps"] = ""
    context["options"] = dict.fromkeys(context["options"], False)
    return context


def test_every_english_template_has_a_german_and_a_french_one() -> None:
    english = {path.stem for path in FOLDER.glob("*.txt")}
    assert english == set(KEYS)
    for language in LANGUAGES:
        assert {path.stem for path in (FOLDER / language).glob("*.txt")} == english


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_a_translation_reads_the_same_fields_and_options(language: str, key: str) -> None:
    english, translated = fields(default_source(key)), fields(_source(language, key))
    assert translated <= english, f"fields the English does not use: {translated - english}"
    assert english - translated <= MAY_BE_LEFT_OUT, f"left out: {english - translated}"
    options = {path for path in english if path.startswith("options.")}
    assert {path for path in translated if path.startswith("options.")} == options


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("info", TEMPLATES, ids=lambda info: info.key)
def test_a_translation_renders_with_every_field(language: str, info: Any) -> None:
    source = _source(language, info.key)
    english = render_source(default_source(info.key), sample_context(), info.key)
    rendered = render_source(source, sample_context(), info.key)
    assert bool(rendered.subject) == info.is_email == bool(english.subject)
    assert source.startswith("Subject: ") == info.is_email
    assert "Sam Lee" in rendered.body
    assert "Data Analyst" in rendered.subject + rendered.body
    assert "{{" not in rendered.body and "{%" not in rendered.body
    assert "\n\n\n" not in rendered.body
    # The prompts left for the person are in their language, not the English ones.
    english_prompts = set(unfilled_placeholders(english.subject, english.body))
    assert not english_prompts & set(unfilled_placeholders(rendered.subject, rendered.body))
    # Every optional paragraph the English shows, the translation shows too.
    assert rendered.body.count("\n\n") >= english.body.count("\n\n") - 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_a_translation_renders_with_the_optional_parts_off(language: str, key: str) -> None:
    rendered = render_source(_source(language, key), _quiet_context(), key)
    assert "\n\n\n" not in rendered.body
    assert "  " not in rendered.body.replace("\n   ", "\n")  # no gap where a part was left out
    for prompt in ("[Ihr Name]", "[votre nom]"):
        assert prompt not in rendered.body


@pytest.mark.parametrize("key", [info.key for info in TEMPLATES if info.is_email])
def test_german_letters_follow_german_conventions(key: str) -> None:
    body = render_source(_source("de", key), sample_context(), key).body
    lines = body.splitlines()
    assert lines[0].startswith("Guten Tag ") and lines[0].endswith(",")
    # After the greeting's comma the letter goes on in lower case ("vielen Dank …").
    assert lines[2][0].islower(), lines[2]
    # The closing stands without a comma, the name under it.
    assert lines[-1] == "Sam Lee"
    assert not lines[-2].endswith(","), lines[-2]
    assert "Sie" in body and " du " not in body and " dich " not in body


@pytest.mark.parametrize("key", [info.key for info in TEMPLATES if info.is_email])
def test_french_letters_follow_french_conventions(key: str) -> None:
    source = _source("fr", key)
    body = render_source(source, sample_context(), key).body
    lines = body.splitlines()
    assert lines[0].startswith("Bonjour ") and lines[0].endswith(",")
    assert lines[2][0].isupper(), lines[2]
    assert lines[-1] == "Sam Lee"
    assert "vous" in body and " tu " not in body and " te " not in body
    # French spacing: a narrow no-break space before : ; ? !, and typographic apostrophes.
    text = source.replace("Subject:", "")
    for mark in ":;?!":
        assert f" {mark}" not in text
    assert "'" not in text


def test_the_german_thank_you_drops_what_is_not_there() -> None:
    context = _quiet_context()
    body = render_source(_source("de", "thank_you"), context).body
    assert "gesonderten Nachricht" not in body
    assert "Sollte ich bis" not in body
    assert "Arbeitsweise Ihres Teams" in body
    full = render_source(_source("de", "thank_you"), sample_context()).body
    assert "Sollte ich bis Monday 30 November nichts von Ihnen hören" in full
    assert "über how your team moved reporting" in full


def test_the_french_rejection_reply_asks_for_feedback_only_when_asked() -> None:
    source = _source("fr", "rejection_reply")
    asked = render_source(source, sample_context()).body
    context = sample_context()
    context["options"] = dict.fromkeys(context["options"], False)
    not_asked = render_source(source, context).body
    assert "votre retour sur mes entretiens" in asked
    assert "votre retour" not in not_asked
    assert (
        asked.splitlines()[-2]
        == "Je vous prie d\u2019agréer l\u2019expression de mes salutations distinguées."
    )
