"""Compiled templates are kept by their text; broken ones are refused every time."""

from __future__ import annotations

import pytest

from followup_desktop.core.messages.templates import (
    TEMPLATES,
    TemplateError,
    compile_template,
    default_source,
    render_source,
    warm_up,
)


def test_the_same_text_compiles_once_and_still_renders_each_context() -> None:
    source = "Subject: Hello {{ name }}\n\nThanks, {{ name }}."
    first = compile_template(source, "thank_you")
    assert compile_template(source, "thank_you") is first
    assert render_source(source, {"name": "Dana"}, "thank_you").subject == "Hello Dana"
    assert render_source(source, {"name": "Omar"}, "thank_you").body == "Thanks, Omar.\n"
    assert compile_template(source + " ", "thank_you") is not first


def test_a_broken_template_is_refused_each_time_it_is_compiled() -> None:
    broken = "Hello {{ name "
    for _attempt in range(2):
        with pytest.raises(TemplateError):
            compile_template(broken, "thank_you")


def test_the_warm_up_compiles_every_shipped_template() -> None:
    from followup_desktop.core.messages import templates

    templates._compiled.cache_clear()
    warm_up()
    before = templates._compiled.cache_info()
    for info in TEMPLATES:
        compile_template(default_source(info.key), info.key)
    after = templates._compiled.cache_info()
    assert after.hits - before.hits == len(TEMPLATES)
    assert after.misses == before.misses
