"""The playbook settings in the words people use, grouped, as Settings shows them.

The core names each setting for code (``thank_you_hours``); people read "Thank-you note
due within" and a box that says "24 hours". Each setting has a label, the unit its box
shows, one line saying what it does, and a place in a group. A setting without an entry
here falls back to its name made readable (and its own help line), in "Other", so a new
setting still shows, only less well put.
"""

from __future__ import annotations

LABELS = {
    "debrief_due_minutes": "Debrief due within",
    "debrief_prompt_minutes": "Ask for the debrief after",
    "thank_you_hours": "Thank-you note due within",
    "thank_you_channel": "Send the thank-you by",
    "paper_note": "Paper note after the email",
    "paper_note_days": "Paper note",
    "linkedin_connect": "Connect with each interviewer on LinkedIn",
    "send_material_days": "Send promised material within",
    "send_material_with_thank_you": "Send promised material with the thank-you",
    "tell_references_days": "Brief your references",
    "check_in_referrer_days": "Update the person who referred you",
    "still_interested_note": "Send a still-interested note when their date passes",
    "double_timeline": "When they name a timeline",
    "timeline_multiplier": "Wait this many times their timeline",
    "no_timeline_follow_up_days": "Ask for news, if they named no date, after",
    "follow_up_spacing_days": "Gap between the first two follow-ups",
    "follow_up_spacing_growth": "Each later gap is longer by",
    "status_follow_ups": "Written follow-ups before a call",
    "phone_call": "Call when written follow-ups go unanswered",
    "phone_call_after_days": "Call",
    "closing_note": "Suggest a polite closing note when nothing comes back",
    "closing_after_days": "Closing note",
    "status_channel": "Ask about the status by",
    "status_to_hr": "Status questions go to",
    "reply_to_rejection_days": "Reply to a rejection within",
    "review_offer_days": "Review an offer within",
    "pipeline_nudge": "Remind me to keep other options open",
    "pipeline_min_active": "Remind me when I have fewer active applications than",
    "pipeline_recent_days": "or have added none for",
    "second_call": "Call a second time if the first goes unanswered",
    "value_add": "Share something useful now and then once shortlisted",
    "value_add_days": "Time between useful notes",
    "prepare_days_before": "Start preparing for a next round",
    "missed_thank_you_days": "Count a thank-you as missed",
    "missed_after_days": "Count any other step as missed",
    "holiday_country": "Public holidays of (country code)",
    "timezone": "Time zone",
    "working_days": "Working days",
    "working_hours_start": "Working hours start",
    "working_hours_end": "Working hours end",
}

#: What a number box says after its value ("24 hours"), singular and plural.
UNITS = {
    "debrief_due_minutes": ("minute", "minutes after the interview"),
    "debrief_prompt_minutes": ("minute", "minutes after the interview"),
    "thank_you_hours": ("hour", "hours after the interview"),
    "paper_note_days": ("day", "days after the interview"),
    "send_material_days": ("day", "days after the interview"),
    "tell_references_days": ("day", "days after reaching a final round"),
    "check_in_referrer_days": ("day", "days after an interview"),
    "timeline_multiplier": ("", "times"),
    "no_timeline_follow_up_days": ("day", "days"),
    "follow_up_spacing_days": ("day", "days"),
    "follow_up_spacing_growth": ("", "times"),
    "status_follow_ups": ("", "follow-ups"),
    "phone_call_after_days": ("day", "days after the last written follow-up"),
    "closing_after_days": ("day", "days after the last unanswered follow-up"),
    "reply_to_rejection_days": ("day", "days (0: the same day)"),
    "review_offer_days": ("day", "days"),
    "pipeline_min_active": ("", "applications"),
    "pipeline_recent_days": ("day", "days"),
    "value_add_days": ("day", "days"),
    "prepare_days_before": ("day", "days before it"),
    "missed_thank_you_days": ("day", "days after it was due"),
    "missed_after_days": ("day", "days after it was due"),
}

#: One line each: what the setting changes, for someone who has never read a playbook.
EXPLANATIONS = {
    "debrief_due_minutes": "Write it down while you still remember the questions.",
    "debrief_prompt_minutes": "A first reminder, soon after you walk out.",
    "thank_you_hours": "A short thank-you the same or the next day is the usual courtesy.",
    "thank_you_channel": "Email suits most companies; a letter or LinkedIn where it fits.",
    "paper_note_days": "Only when a paper note is chosen above.",
    "linkedin_connect": "With a line of thanks, so they remember who you are.",
    "send_material_days": "Work samples or links you promised in the interview.",
    "send_material_with_thank_you": "Instead of sending it on its own a little later.",
    "tell_references_days": "So they expect the call and know what the role is about.",
    "check_in_referrer_days": "They helped you in; tell them how it went.",
    "still_interested_note": "A light note, not a chase, once the date they gave is past.",
    "timeline_multiplier": "Hiring often runs late; Your search can suggest this from your data.",
    "no_timeline_follow_up_days": "Counted from the interview or their last reply.",
    "follow_up_spacing_days": "If the first follow-up gets no answer.",
    "follow_up_spacing_growth": "So you do not ask again too often.",
    "status_follow_ups": "After these, a phone call is suggested (if switched on).",
    "phone_call": "Sometimes a short call gets the answer an email did not.",
    "phone_call_after_days": "Counted from the last written follow-up.",
    "second_call": "Once more, a few days later.",
    "closing_note": "Thank them and leave the door open, then let it rest.",
    "closing_after_days": "Counted from the last follow-up that got no answer.",
    "status_channel": "The way they asked for, or always email, or always phone.",
    "reply_to_rejection_days": "A gracious reply keeps you in mind for other roles.",
    "review_offer_days": "Check it against what matters to you before answering.",
    "pipeline_nudge": "Waiting on one company is risky; keep a few going.",
    "pipeline_min_active": "Counts the opportunities still in play.",
    "pipeline_recent_days": "Days since you last added an opportunity.",
    "value_add": "An article or idea that helps them, not a request.",
    "value_add_days": "How long between those notes.",
    "prepare_days_before": "Time to read up and practise before the next interview.",
    "missed_thank_you_days": "Missed steps stop being reminded and wait in Today's list.",
    "missed_after_days": "The same for every other step that is long overdue.",
    "holiday_country": "Its public holidays are days off (two letters, e.g. DE; empty: none).",
    "timezone": "Where you are, e.g. Europe/Berlin.",
    "working_days": "Reminders fall only on these days.",
    "working_hours_start": "No reminder before this time.",
    "working_hours_end": "No reminder after this time.",
}

#: The words for a list's values (the stored values are for code).
CHOICE_WORDS = {
    "thank_you_channel": {"email": "Email", "letter": "A letter", "linkedin": "LinkedIn"},
    "status_channel": {
        "preferred": "The way they asked (else email)",
        "email": "Always email",
        "phone": "Always phone",
    },
}

#: The Playbook page's groups, in order, each with its settings in order.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Right after the interview",
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
        "While you wait to hear",
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
        "When they go quiet",
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
        "Later rounds, offers and rejections",
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
        "Keeping your search going",
        ("pipeline_nudge", "pipeline_min_active", "pipeline_recent_days"),
    ),
    ("Steps left undone", ("missed_thank_you_days", "missed_after_days")),
    ("Days off", ("holiday_country",)),
)
OTHER_GROUP = "Other"


def setting_label(name: str) -> str:
    """The words that label the setting ``name``."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def setting_unit(name: str, value: float = 0) -> str:
    """What the number box of ``name`` says after ``value`` ("1 day", "2 days")."""
    unit = UNITS.get(name)
    if not unit:
        return ""
    singular, words = unit
    if singular and value == 1:
        words = words.replace(singular + "s", singular, 1)
    return f" {words}"


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
