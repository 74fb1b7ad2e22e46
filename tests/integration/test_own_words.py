"""Everything Followup ships is in its own words: no run of six words from the source articles.

The articles the playbook was distilled from live outside the repository, in a ``shared``
folder beside the clone (``<repo>/../shared/seeds``; found by looking upwards from the
repository). Locally a missing folder skips the comparison; in CI (``CI`` set, or the
project's own ``FOLLOWUP_REQUIRE_DESKTOP=1`` full run) it fails, so the check cannot be
quietly lost. The matcher itself is tested on invented articles and always runs.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from own_words import (
    RUN_LENGTH,
    ArticleIndex,
    python_strings,
    shipped_texts,
    template_segments,
    words,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = dict(shipped_texts(REPO))


def _seeds_folder() -> Path | None:
    for folder in (REPO.parent, *REPO.parent.parents):
        candidate = folder / "shared" / "seeds"
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


def _must_run() -> bool:
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in {"", "0", "false", "no"} or os.environ.get("FOLLOWUP_REQUIRE_DESKTOP") == "1"


def load_articles() -> ArticleIndex:
    """The source articles' runs of words; fails in CI, skips elsewhere, when absent."""
    folder = _seeds_folder()
    if folder is None:
        message = f"the source articles are not in {REPO.parent / 'shared' / 'seeds'}"
        if _must_run():
            pytest.fail(f"{message}, and CI must compare against them")
        pytest.skip(message)
    index = ArticleIndex.from_folder(folder)
    assert len(index) > 1000, f"{folder} holds too little text to be the articles"
    return index


@pytest.fixture(scope="module")
def articles() -> ArticleIndex:
    """The articles, once per module."""
    return load_articles()


@pytest.mark.parametrize("setting", [{"CI": "true"}, {"FOLLOWUP_REQUIRE_DESKTOP": "1"}])
def test_missing_articles_fail_in_ci(
    setting: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FOLLOWUP_REQUIRE_DESKTOP", raising=False)
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(f"{__name__}._seeds_folder", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="CI must compare"):
        load_articles()
    monkeypatch.setenv("CI", "false")
    monkeypatch.delenv("FOLLOWUP_REQUIRE_DESKTOP", raising=False)
    with pytest.raises(pytest.skip.Exception):
        load_articles()


# -- the matcher ---------------------------------------------------------------------------

INVENTED = {
    "a.txt": "The quick brown fox jumps over the lazy dog, and then it naps in the sun.",
    "b.txt": "You\u2019re welcome to write back whenever the mood strikes you, dear reader.",
}


def test_words_ignore_case_punctuation_whitespace_and_curly_quotes() -> None:
    assert words("  You\u2019re   WELCOME,\n to—write back! ") == [
        "youre",
        "welcome",
        "to",
        "write",
        "back",
    ]
    assert words("thank-you") == ["thank", "you"]


def test_a_planted_six_word_run_is_caught_however_it_is_dressed() -> None:
    index = ArticleIndex(INVENTED)
    module = 'NOTE = "Look: the QUICK brown fox --\\n  jumps over everything."\n'
    found = index.overlaps("module.py", python_strings(module))
    assert [(o.article, o.run) for o in found] == [("a.txt", "the quick brown fox jumps over")]
    curly = index.overlaps("t.txt", ["You're welcome to write back whenever you like."])
    assert [o.run for o in curly] == ["youre welcome to write back whenever"]


def test_five_shared_words_are_not_a_copy() -> None:
    index = ArticleIndex(INVENTED)
    assert index.overlaps("x", ["the quick brown fox jumps high"]) == []
    assert RUN_LENGTH == 6


def test_a_long_copied_stretch_is_reported_once_in_full() -> None:
    index = ArticleIndex(INVENTED)
    found = index.overlaps("x", ["So: the quick brown fox jumps over the lazy dog, twice."])
    assert [o.run for o in found] == ["the quick brown fox jumps over the lazy dog"]


def test_a_run_never_crosses_an_interpolated_value() -> None:
    index = ArticleIndex(INVENTED)
    module = 'text = f"the quick brown {animal} jumps over the lazy dog"\n'
    segments = python_strings(module)
    assert segments == ["the quick brown ", " jumps over the lazy dog"]
    assert index.overlaps("m.py", segments) == []
    joined = 'text = f"{who}: the quick brown fox jumps over"\n'
    assert len(index.overlaps("m.py", python_strings(joined))) == 1


def test_template_text_is_read_between_the_tags_and_inside_quoted_fallbacks() -> None:
    source = (
        'Dear {{ name or "the quick brown fox jumps over" }},\n'
        "{% if x %}then it naps in the sun{% endif %}"
    )
    segments = template_segments(source)
    assert "the quick brown fox jumps over" in segments
    assert "then it naps in the sun" in segments
    found = ArticleIndex(INVENTED).overlaps("t.txt", segments)
    assert sorted(o.run for o in found) == [
        "the quick brown fox jumps over",
        "then it naps in the sun",
    ]


def test_a_sentence_copied_from_each_article_would_be_caught(articles: ArticleIndex) -> None:
    folder = _seeds_folder()
    assert folder is not None
    rng = random.Random(13)  # noqa: S311 - picks test windows, not secrets
    for path in sorted(folder.glob("*.txt")):
        article = words(path.read_text(encoding="utf-8"))
        start = rng.randrange(0, len(article) - 12)
        sentence = " ".join(article[start : start + 8]).upper() + "!"
        planted = f"MESSAGE = {sentence!r}\n"
        found = articles.overlaps("planted.py", python_strings(planted))
        assert found, f"a run from {path.name} went unnoticed: {sentence}"


# -- what ships ----------------------------------------------------------------------------


def test_the_scan_covers_every_kind_of_shipped_text() -> None:
    expected = [
        "src/followup_desktop/core/messages/templates/rejection_reply.txt",
        "src/followup_desktop/core/messages/context.py",
        "src/followup_desktop/core/demo.py",
        "src/followup_desktop/core/playbook/engine.py",
        "src/followup_desktop/core/agenda.py",
        "src/followup_desktop/gui/debrief/dialog.py",
        "src/followup_desktop/gui/editor.py",
        "README.md",
        "docs/messages.md",
        "scripts/screenshot-debrief",
    ]
    for where in expected:
        assert SHIPPED.get(where), f"{where} is not scanned"
    assert "docs/playbook.md" not in SHIPPED  # it cites the sources on purpose
    templates = [where for where in SHIPPED if "/templates/" in where]
    assert len(templates) >= 11


@pytest.mark.parametrize("where", sorted(SHIPPED))
def test_shipped_text_shares_no_six_words_with_the_articles(
    where: str, articles: ArticleIndex
) -> None:
    found = articles.overlaps(where, SHIPPED[where])
    assert not found, "\n".join(str(overlap) for overlap in found)


def test_rendered_templates_share_no_six_words_with_the_articles(
    articles: ArticleIndex,
) -> None:
    from followup_desktop.core.messages import TEMPLATES, render_source
    from followup_desktop.core.messages.context import sample_context
    from followup_desktop.core.messages.templates import default_source

    found = []
    for info in TEMPLATES:
        rendered = render_source(default_source(info.key), sample_context(), info.key)
        found += articles.overlaps(info.key, [rendered.subject, rendered.body])
    assert not found, "\n".join(str(overlap) for overlap in found)


def test_planned_reasons_and_drafts_share_no_six_words_with_the_articles(
    articles: ArticleIndex, db_path: Path
) -> None:
    """The engine's reasons and the drafts as a person sees them, over a demo search."""
    from sqlalchemy import select

    from followup_desktop.core.db import open_database
    from followup_desktop.core.demo import populate_demo
    from followup_desktop.core.messages import TEMPLATE_OPTIONS, draft_for_action
    from followup_desktop.core.models import Action
    from followup_desktop.core.services import FollowupService

    now = datetime(2026, 11, 24, 9, tzinfo=UTC)
    db = open_database(db_path)
    try:
        populate_demo(db, opportunities=60, seed=7, now=now)
        service = FollowupService(db, clock=lambda: now)
        with db.session() as session:
            rows = session.execute(select(Action.id, Action.kind, Action.reason)).all()
        assert len({row.kind for row in rows}) >= 5, "the demo plans too few kinds to judge"
        found = []
        for row in rows:
            found += articles.overlaps(f"reason of a {row.kind} step", [row.reason])
        every_option = {o.name: True for group in TEMPLATE_OPTIONS.values() for o in group}
        first_of_kind = {row.kind: row.id for row in reversed(rows)}
        for kind, action_id in sorted(first_of_kind.items()):
            draft = draft_for_action(service, action_id, every_option)
            texts = [draft.subject, draft.body, *draft.notes]
            texts += [f"{h.label}: {h.text}" for h in draft.highlights]
            found += articles.overlaps(f"draft for a {kind} step", texts)
    finally:
        db.close()
    assert not found, "\n".join(str(overlap) for overlap in found)
