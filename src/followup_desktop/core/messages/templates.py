"""Message templates: shipped defaults, user edits, and rendering in a sandbox.

A template is plain text with Jinja2 placeholders. Its first line may be
``Subject: ...``; the rest is the body. Templates render from a plain dict of strings,
numbers and lists (see :data:`FIELDS`), never from database objects, inside Jinja2's
immutable sandbox: a template cannot reach Python internals, call mutating methods, or
blow up the process with huge repetitions. A user's edit is checked before it is stored,
so the version in use is always one that rendered; if it still fails on real data, the
shipped default is used and the draft says why.

Each language has its own set: English at ``templates/<key>.txt``, German and French at
``templates/de/<key>.txt`` and ``templates/fr/<key>.txt``. A language without its own file
for a template uses the English one (a log line says so; a person sees a letter, not a
warning). A person's edit belongs to one language: English keeps the key it always had
(``template.<key>``), so edits made before there were languages are still used; German
and French edits live under ``template.<language>.<key>``. A call without a language
means the letter language of :func:`core.i18n.letter_language` (the app's own).
"""

from __future__ import annotations

import functools
import logging
import operator
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from followup_desktop.core import i18n
from followup_desktop.core.errors import FollowupError
from followup_desktop.core.i18n import _
from followup_desktop.core.localformat import number

if TYPE_CHECKING:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

log = logging.getLogger(__name__)

SETTING_PREFIX = "template."
MAX_TEMPLATE_CHARS = 50_000
MAX_OUTPUT_CHARS = 200_000
_TEMPLATE_FILENAME = "<template>"


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """One template the product ships: its key, a label, and whether it is an email."""

    key: str
    label: str
    is_email: bool = True


TEMPLATES: tuple[TemplateInfo, ...] = (
    TemplateInfo("thank_you", _("Thank-you note to one interviewer")),
    TemplateInfo("thank_you_organizer", _("Thank-you note through the organizer")),
    TemplateInfo("still_interested", _("Still-interested note")),
    TemplateInfo("status_follow_up", _("Status follow-up")),
    TemplateInfo("value_add", _("Sharing a useful article")),
    TemplateInfo("promised_material", _("Sending promised material")),
    TemplateInfo("reference_heads_up", _("Heads-up to a reference")),
    TemplateInfo("referrer_check_in", _("Check-in with your referrer")),
    TemplateInfo("phone_script", _("Phone call script"), is_email=False),
    TemplateInfo("closing_note", _("Courteous closing note")),
    TemplateInfo("rejection_reply", _("Reply to a rejection")),
    TemplateInfo("new_evidence_note", _("A brief note with new evidence")),
)
TEMPLATE_KEYS = frozenset(info.key for info in TEMPLATES)


@dataclass(frozen=True, slots=True)
class TemplateOption:
    """An optional paragraph of a template that the person switches on in the composer.

    The template reads it as ``options.<name>`` (true or false).
    """

    name: str
    label: str
    explanation: str


TEMPLATE_OPTIONS: dict[str, tuple[TemplateOption, ...]] = {
    "thank_you": (
        TemplateOption(
            "forgot_to_say",
            _("Add something I forgot to say"),
            _(
                "A short paragraph for a point you meant to make and did not. A better answer "
                "to a question you stumbled on is best saved for your next interview."
            ),
        ),
    ),
    "rejection_reply": (
        TemplateOption(
            "ask_feedback",
            _("Ask for feedback"),
            _("A paragraph asking, politely, what made the difference and what to improve."),
        ),
    ),
}
OPTION_NAMES = frozenset(option.name for group in TEMPLATE_OPTIONS.values() for option in group)


def options_context(chosen: Mapping[str, bool] | None = None) -> dict[str, bool]:
    """Every optional paragraph's switch, off unless ``chosen`` turns it on.

    All names are present for every template, so an edited template may test any of them.
    """
    values = dict.fromkeys(sorted(OPTION_NAMES), False)
    for name, enabled in (chosen or {}).items():
        if name in values:
            values[name] = bool(enabled)
    return values


# The fields a template can use, with a word on each; the editor lists them.
FIELDS: tuple[tuple[str, str], ...] = (
    ("me.name / me.email", _("you, from the email account settings")),
    ("company / role", _("the opportunity")),
    ("recipient.name / first_name / title / email / phone", _("who the message goes to")),
    ("interviewer.name / first_name / title / mention", _("the interviewer a thank-you is for")),
    ("interviewers", _("everyone on the panel: a list with name, first_name, title, mention")),
    ("interview.date / day / kind / round", _("the interview; day reads 'today', 'yesterday'")),
    ("interview.next_steps / decide_by / check_back_on", _("what they said about next steps")),
    ("debrief.went_well / went_badly / learned_job", _("from your debrief")),
    ("debrief.learned_organization / skills_to_build / promised_material", _("from your debrief")),
    ("follow_up.date", _("when you plan to check in next, if known")),
    ("article.title / article.url", _("the article you share (value-add note)")),
    (
        "options.forgot_to_say / options.ask_feedback",
        _("optional paragraphs you switch on in the composer (true or false)"),
    ),
)


class TemplateError(FollowupError):
    """A template that cannot be used, with the line it went wrong on (if known)."""

    def __init__(self, message: str, line: int | None = None, key: str | None = None) -> None:
        self.line = line
        self.key = key
        super().__init__(
            _("Line {line}: {problem}").format(line=line, problem=message)
            if line is not None
            else message
        )
        self.detail = message


# Jinja2 is imported on the first render or check, not with this module: the tray and the
# window import the messages package at start-up, and loading Jinja2 there held the GUI
# thread while a person was waiting for the window to answer.
@functools.cache
def _environment() -> ImmutableSandboxedEnvironment:
    """The immutable sandbox, with ``*`` and ``**`` capped so a typo cannot hang the app."""
    import jinja2
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class GuardedEnvironment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
            if operator_name == "**":
                if isinstance(right, int | float) and abs(right) > 64:
                    raise SecurityError("the power is too large")
                return operator.pow(left, right)
            for sized, count in ((left, right), (right, left)):
                if (
                    isinstance(sized, str | list | tuple)
                    and isinstance(count, int)
                    and len(sized) * count > MAX_OUTPUT_CHARS
                ):
                    raise SecurityError("the repeated text would be too long")
            return operator.mul(left, right)

    env = GuardedEnvironment(
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # plain-text email, not HTML
    )
    # Nothing from outside the context: no range() loops, no lipsum, no namespace().
    env.globals.clear()
    return env


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A template's output split into a subject (may be empty) and a body."""

    subject: str
    body: str


def warm_up() -> None:
    """Load Jinja2 and build the sandbox now (the window calls this on its worker once
    it has settled), so the first letter, preview or Settings page does not wait for it
    on the GUI thread. The shipped templates are compiled too: Settings previews one as
    it opens."""
    _environment()
    for info in TEMPLATES:
        compile_template(default_source(info.key), info.key)


def template_folder() -> Path:
    """The shipped templates: English here, each other language in a subfolder."""
    return Path(str(resources.files("followup_desktop.core.messages") / "templates"))


def template_language(language: str | None) -> str:
    """The language a template set is looked up in: ``language``, else the app's."""
    return i18n.letter_language(language)


def default_source(key: str, language: str | None = None) -> str:
    """The shipped text of a template in ``language`` (English where it has none)."""
    if key not in TEMPLATE_KEYS:
        raise TemplateError(_("There is no template called {key}.").format(key=repr(key)), key=key)
    folder = template_folder()
    language = template_language(language)
    if language != "en":
        translated = folder / language / f"{key}.txt"
        if translated.is_file():
            return translated.read_text(encoding="utf-8")
        _log_missing(key, language)
    return (folder / f"{key}.txt").read_text(encoding="utf-8")


@functools.cache
def _log_missing(key: str, language: str) -> None:
    # Once per template and language: a draft is re-rendered at every option switched.
    log.info("no %s text of the template %s; the English one is used", language, key)


def _line_from_traceback(error: BaseException) -> int | None:
    # Jinja rewrites tracebacks so frames of template code carry the template's line.
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == _TEMPLATE_FILENAME:
            line = frame.lineno
    return line


def _explain(error: Exception) -> str:
    import jinja2  # already loaded: the error came from rendering
    from jinja2.exceptions import SecurityError

    if isinstance(error, jinja2.UndefinedError):
        text = str(error)
        match = re.match(r"'([^']+)' is undefined", text)
        if match:
            return _(
                "{field} is not a field you can use. Check the spelling against the list of fields."
            ).format(field=repr(match.group(1)))
        match = re.search(r"has no attribute '([^']+)'", text)
        if match:
            return _(
                "There is no field {field} there. Check the spelling against the list of fields."
            ).format(field=repr(match.group(1)))
        return _("{problem}. Check the field names against the list of fields.").format(
            problem=text
        )
    if isinstance(error, SecurityError):
        return _(
            "This template tries something not allowed in a message ({problem}). "
            "Use only the listed fields."
        ).format(problem=error)
    if isinstance(error, TypeError | ValueError | ArithmeticError | LookupError):
        return _(
            "A value cannot be used this way ({problem}). Simplify this part of the template."
        ).format(problem=error)
    return _("The template could not be filled in ({problem}).").format(
        problem=f"{type(error).__name__}: {error}"
    )


def compile_template(source: str, key: str | None = None) -> jinja2.Template:
    """Parse a template, or raise :class:`TemplateError` naming the line and the fault."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(
            _("The template is {length} characters long; keep it under {limit}.").format(
                length=number(len(source)), limit=number(MAX_TEMPLATE_CHARS)
            ),
            key=key,
        )
    return _compiled(source, key)


@functools.lru_cache(maxsize=64)
def _compiled(source: str, key: str | None) -> jinja2.Template:
    # The same text is compiled again and again (each preview in Settings, each letter
    # of a kind): a compiled template renders any number of times, from any thread.
    # A template that fails to compile raises, and nothing is kept of it.
    env = _environment()
    import jinja2  # loaded by _environment()

    try:
        code = env.compile(source, name=key, filename=_TEMPLATE_FILENAME)
        return env.template_class.from_code(env, code, env.make_globals(None))
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(
            _(
                "{problem}. Check that every {{{{ has a }}}} and every {{% if %}} or "
                "{{% for %}} is closed."
            ).format(problem=(error.message or _("Syntax error")).rstrip(".")),
            line=error.lineno,
            key=key,
        ) from None


def split_subject(text: str) -> RenderedMessage:
    """Take a leading ``Subject:`` line off rendered text; tidy blank lines in the body."""
    subject = ""
    lines = text.lstrip("\n").split("\n")
    if lines and lines[0].lower().startswith("subject:"):
        subject = lines[0][len("subject:") :].strip()
        lines = lines[1:]
    body = "\n".join(line.rstrip() for line in lines)
    # Optional paragraphs leave runs of empty lines behind; one blank line is enough.
    body = re.sub(r"\n{3,}", "\n\n", body).strip("\n")
    return RenderedMessage(subject=subject, body=body + "\n" if body else "")


def render_source(
    source: str, context: Mapping[str, Any], key: str | None = None
) -> RenderedMessage:
    """Render template text with a plain context, or raise :class:`TemplateError`."""
    template = compile_template(source, key)
    try:
        text = template.render(dict(context))
    except Exception as error:  # every template fault becomes one clear error
        raise TemplateError(_explain(error), line=_line_from_traceback(error), key=key) from None
    if len(text) > MAX_OUTPUT_CHARS:
        raise TemplateError(_("The message came out far too long; check the loops."), key=key)
    return split_subject(text)


class SettingsAccess(Protocol):
    """What the template store needs from the service (FollowupService fits)."""

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> Any: ...


class TemplateStore:
    """The templates in use: the user's edited version if there is one, else the default.

    An edit is only stored after it renders against sample data, so the stored version is
    always the last good one; :meth:`save` refuses a broken one and changes nothing.
    """

    def __init__(self, settings: SettingsAccess) -> None:
        self._settings = settings

    @staticmethod
    def setting_key(key: str, language: str | None = None) -> str:
        """The settings-table key a template's edited text lives under (English keeps the
        key of the time before languages, so older edits are still found)."""
        language = template_language(language)
        if language == "en":
            return f"{SETTING_PREFIX}{key}"
        return f"{SETTING_PREFIX}{language}.{key}"

    def source(self, key: str, language: str | None = None) -> str:
        """The text in use for ``key`` in ``language``."""
        stored = self._settings.get_setting(self.setting_key(key, language))
        if isinstance(stored, str) and stored.strip():
            return stored
        return default_source(key, language)

    def is_customized(self, key: str, language: str | None = None) -> bool:
        """True when the person has edited this template in ``language``."""
        stored = self._settings.get_setting(self.setting_key(key, language))
        return isinstance(stored, str) and bool(stored.strip())

    def check(self, key: str, source: str) -> RenderedMessage:
        """Render ``source`` against sample data; raise :class:`TemplateError` if broken."""
        from followup_desktop.core.messages.context import sample_context

        return render_source(source, sample_context(key), key)

    def save(self, key: str, source: str, language: str | None = None) -> None:
        """Store an edited template after checking it; a broken one is refused."""
        if key not in TEMPLATE_KEYS:
            raise TemplateError(
                _("There is no template called {key}.").format(key=repr(key)), key=key
            )
        self.check(key, source)
        self._settings.set_setting(self.setting_key(key, language), source)

    def reset(self, key: str, language: str | None = None) -> None:
        """Go back to the shipped default."""
        self._settings.set_setting(self.setting_key(key, language), None)

    def render(
        self, key: str, context: Mapping[str, Any], language: str | None = None
    ) -> tuple[RenderedMessage, TemplateError | None]:
        """Render the version in use; if it fails on this data, use the default instead.

        Returns the message and the problem with the edited version (None when it worked),
        so the composer can say the default was used and why.
        """
        source = self.source(key, language)
        try:
            return render_source(source, context, key), None
        except TemplateError as problem:
            if not self.is_customized(key, language):
                raise
            return render_source(default_source(key, language), context, key), problem
