"""The playbook settings in the words people use, grouped, as Settings shows them.

The core names each setting for code (``thank_you_hours``); people read "Thank-you note
due within" and a box that says "24 hours". Each setting has a label, the unit its box
shows, one line saying what it does, and a place in a group. A setting without an entry
here falls back to its name made readable (and its own help line), in "Other", so a new
setting still shows, only less well put.
"""

from __future__ import annotations

from followup_desktop.core.i18n import _, ngettext

LABELS = {
    "debrief_due_minutes": _("Debrief due within"),
    "debrief_prompt_minutes": _("Ask for the debrief after"),
    "thank_you_hours": _("Thank-you note due within"),
    "thank_you_channel": _("Send the thank-you by"),
    "paper_note": _("Paper note after the email"),
    "paper_note_days": _("Paper note"),
    "linkedin_connect": _("Connect with each interviewer on LinkedIn"),
    "send_material_days": _("Send promised material within"),
    "send_material_with_thank_you": _("Send promised material with the thank-you"),
    "tell_references_days": _("Brief your references"),
    "check_in_referrer_days": _("Update the person who referred you"),
    "still_interested_note": _("Send a still-interested note when their date passes"),
    "double_timeline": _("When they name a timeline"),
    "timeline_multiplier": _("Wait this many times their timeline"),
    "no_timeline_follow_up_days": _("Ask for news, if they named no date, after"),
    "follow_up_spacing_days": _("Gap between the first two follow-ups"),
    "follow_up_spacing_growth": _("Each later gap is longer by"),
    "status_follow_ups": _("Written follow-ups before a call"),
    "phone_call": _("Call when written follow-ups go unanswered"),
    "phone_call_after_days": _("Call"),
    "closing_note": _("Suggest a polite closing note when nothing comes back"),
    "closing_after_days": _("Closing note"),
    "status_channel": _("Ask about the status by"),
    "status_to_hr": _("Status questions go to"),
    "reply_to_rejection_days": _("Reply to a rejection within"),
    "review_offer_days": _("Review an offer within"),
    "pipeline_nudge": _("Remind me to keep other options open"),
    "pipeline_min_active": _("Remind me when I have fewer active applications than"),
    "pipeline_recent_days": _("or have added none for"),
    "second_call": _("Call a second time if the first goes unanswered"),
    "value_add": _("Share something useful now and then once shortlisted"),
    "value_add_days": _("Time between useful notes"),
    "prepare_days_before": _("Start preparing for a next round"),
    "missed_thank_you_days": _("Count a thank-you as missed"),
    "missed_after_days": _("Count any other step as missed"),
    "holiday_country": _("Public holidays of (country code)"),
    "timezone": _("Time zone"),
    "working_days": _("Working days"),
    "working_hours_start": _("Working hours start"),
    "working_hours_end": _("Working hours end"),
}


def _units(n: int) -> dict[str, str]:
    """What a number box says after its value n ("24 hours"), in the language's plural."""
    return {
        "debrief_due_minutes": ngettext(
            "minute after the interview", "minutes after the interview", n
        ),
        "debrief_prompt_minutes": ngettext(
            "minute after the interview", "minutes after the interview", n
        ),
        "thank_you_hours": ngettext("hour after the interview", "hours after the interview", n),
        "paper_note_days": ngettext("day after the interview", "days after the interview", n),
        "send_material_days": ngettext("day after the interview", "days after the interview", n),
        "tell_references_days": ngettext(
            "day after reaching a final round", "days after reaching a final round", n
        ),
        "check_in_referrer_days": ngettext("day after an interview", "days after an interview", n),
        "timeline_multiplier": ngettext("time", "times", n),
        "no_timeline_follow_up_days": ngettext("day", "days", n),
        "follow_up_spacing_days": ngettext("day", "days", n),
        "follow_up_spacing_growth": ngettext("time", "times", n),
        "status_follow_ups": ngettext("follow-up", "follow-ups", n),
        "phone_call_after_days": ngettext(
            "day after the last written follow-up", "days after the last written follow-up", n
        ),
        "closing_after_days": ngettext(
            "day after the last unanswered follow-up", "days after the last unanswered follow-up", n
        ),
        "reply_to_rejection_days": ngettext("day (0: the same day)", "days (0: the same day)", n),
        "review_offer_days": ngettext("day", "days", n),
        "pipeline_min_active": ngettext("application", "applications", n),
        "pipeline_recent_days": ngettext("day", "days", n),
        "value_add_days": ngettext("day", "days", n),
        "prepare_days_before": ngettext("day before it", "days before it", n),
        "missed_thank_you_days": ngettext("day after it was due", "days after it was due", n),
        "missed_after_days": ngettext("day after it was due", "days after it was due", n),
    }


#: The settings whose number box says a unit after its value.
UNIT_SETTINGS = frozenset(_units(2))


#: One line each: what the setting changes, for someone who has never read a playbook.
EXPLANATIONS = {
    "debrief_due_minutes": _("Write it down while you still remember the questions."),
    "debrief_prompt_minutes": _("A first reminder, soon after you walk out."),
    "thank_you_hours": _("A short thank-you the same or the next day is the usual courtesy."),
    "thank_you_channel": _("Email suits most companies; a letter or LinkedIn where it fits."),
    "paper_note_days": _("Only when a paper note is chosen above."),
    "linkedin_connect": _("With a line of thanks, so they remember who you are."),
    "send_material_days": _("Work samples or links you promised in the interview."),
    "send_material_with_thank_you": _("Instead of sending it on its own a little later."),
    "tell_references_days": _("So they expect the call and know what the role is about."),
    "check_in_referrer_days": _("They helped you in; tell them how it went."),
    "still_interested_note": _("A light note, not a chase, once the date they gave is past."),
    "timeline_multiplier": _(
        "Hiring often runs late; Your search can suggest this from your data."
    ),
    "no_timeline_follow_up_days": _("Counted from the interview or their last reply."),
    "follow_up_spacing_days": _("If the first follow-up gets no answer."),
    "follow_up_spacing_growth": _("So you do not ask again too often."),
    "status_follow_ups": _("After these, a phone call is suggested (if switched on)."),
    "phone_call": _("Sometimes a short call gets the answer an email did not."),
    "phone_call_after_days": _("Counted from the last written follow-up."),
    "second_call": _("Once more, a few days later."),
    "closing_note": _("Thank them and leave the door open, then let it rest."),
    "closing_after_days": _("Counted from the last follow-up that got no answer."),
    "status_channel": _("The way they asked for, or always email, or always phone."),
    "reply_to_rejection_days": _("A gracious reply keeps you in mind for other roles."),
    "review_offer_days": _("Check it against what matters to you before answering."),
    "pipeline_nudge": _("Waiting on one company is risky; keep a few going."),
    "pipeline_min_active": _("Counts the opportunities still in play."),
    "pipeline_recent_days": _("Days since you last added an opportunity."),
    "value_add": _("An article or idea that helps them, not a request."),
    "value_add_days": _("How long between those notes."),
    "prepare_days_before": _("Time to read up and practise before the next interview."),
    "missed_thank_you_days": _("Missed steps stop being reminded and wait in Today's list."),
    "missed_after_days": _("The same for every other step that is long overdue."),
    "holiday_country": _("Its public holidays are days off (two letters, e.g. DE; empty: none)."),
    "timezone": _("Where you are, e.g. Europe/Berlin."),
    "working_days": _("Reminders fall only on these days."),
    "working_hours_start": _("No reminder before this time."),
    "working_hours_end": _("No reminder after this time."),
}

#: The words for a list's values (the stored values are for code).
CHOICE_WORDS = {
    "thank_you_channel": {"email": _("Email"), "letter": _("A letter"), "linkedin": _("LinkedIn")},
    "status_channel": {
        "preferred": _("The way they asked (else email)"),
        "email": _("Always email"),
        "phone": _("Always phone"),
    },
}

#: The Playbook page's groups, in order, each with its settings in order.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        _("Right after the interview"),
        (
            "debrief_prompt_minutes",
            "debrief_due_minutes",
            "thank_you_hours",
            "thank_you_channel",
            "paper_note",
            "paper_note_days",
            "linkedin_connect",
            "send_material_days",
            "send_material_with_thank_you",
            "check_in_referrer_days",
        ),
    ),
    (
        _("While you wait to hear"),
        (
            "double_timeline",
            "timeline_multiplier",
            "still_interested_note",
            "no_timeline_follow_up_days",
            "status_to_hr",
            "status_channel",
        ),
    ),
    (
        _("When they go quiet"),
        (
            "follow_up_spacing_days",
            "follow_up_spacing_growth",
            "status_follow_ups",
            "phone_call",
            "phone_call_after_days",
            "second_call",
            "closing_note",
            "closing_after_days",
        ),
    ),
    (
        _("Later rounds, offers and rejections"),
        (
            "prepare_days_before",
            "tell_references_days",
            "value_add",
            "value_add_days",
            "review_offer_days",
            "reply_to_rejection_days",
        ),
    ),
    (
        _("Keeping your search going"),
        ("pipeline_nudge", "pipeline_min_active", "pipeline_recent_days"),
    ),
    (_("Steps left undone"), ("missed_thank_you_days", "missed_after_days")),
    (_("Days off"), ("holiday_country",)),
)
OTHER_GROUP = _("Other")


def setting_label(name: str) -> str:
    """The words that label the setting ``name``."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def setting_unit(name: str, value: float = 0) -> str:
    """What the number box of ``name`` says after ``value`` ("1 day", "2 days")."""
    if name not in UNIT_SETTINGS:
        return ""
    # A fraction ("1.5 times") reads as a plural; a whole number picks its own form.
    count = int(value) if value == int(value) else 2
    return " " + _units(count)[name]


def setting_explanation(name: str, fallback: str) -> str:
    """One line on what ``name`` does (the core's help line when there is none here)."""
    return EXPLANATIONS.get(name) or fallback[:1].upper() + fallback[1:]


def choice_words(name: str, value: object) -> str:
    """The words for one value of a list setting."""
    return CHOICE_WORDS.get(name, {}).get(str(value)) or str(value).replace("_", " ")


def grouped(names: list[str]) -> list[tuple[str, list[str]]]:
    """``names`` in their groups and order; any not placed go last, under "Other"."""
    placed: set[str] = set()
    groups: list[tuple[str, list[str]]] = []
    for title, members in GROUPS:
        present = [name for name in members if name in names]
        placed.update(present)
        if present:
            groups.append((title, present))
    rest = [name for name in names if name not in placed]
    if rest:
        groups.append((OTHER_GROUP, rest))
    return groups


__all__ = [
    "LABELS",
    "choice_words",
    "grouped",
    "setting_explanation",
    "setting_label",
    "setting_unit",
]
