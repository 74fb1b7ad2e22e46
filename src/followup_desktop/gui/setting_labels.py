"""The playbook settings' labels in words, as the Settings dialog shows them.

The core names each setting for code (``thank_you_hours``); people read "Thank-you due
after (hours)". A setting without an entry here falls back to its name made readable,
so a new setting still shows, only less well put.
"""

from __future__ import annotations

LABELS = {
    "debrief_due_minutes": "Debrief due after (minutes)",
    "debrief_prompt_minutes": "Ask for the debrief after (minutes)",
    "thank_you_hours": "Thank-you due after (hours)",
    "thank_you_channel": "Send the thank-you by",
    "paper_note": "Paper note after the thank-you",
    "paper_note_days": "Paper note after (days)",
    "linkedin_connect": "Connect on LinkedIn",
    "send_material_days": "Send promised material after (days)",
    "send_material_with_thank_you": "Promised material with the thank-you",
    "tell_references_days": "Brief references after a final round (days)",
    "check_in_referrer_days": "Update the referrer after (days)",
    "still_interested_note": "Still-interested note",
    "double_timeline": "Wait twice their timeline",
    "timeline_multiplier": "Times their timeline to wait before asking",
    "no_timeline_follow_up_days": "Ask for news, with no timeline, after (days)",
    "follow_up_spacing_days": "Days between follow-ups",
    "follow_up_spacing_growth": "Each later gap grows by (times)",
    "status_follow_ups": "Written follow-ups before calling",
    "phone_call": "Call when follow-ups go unanswered",
    "phone_call_after_days": "Call after the last follow-up (days)",
    "closing_note": "Suggest a closing note",
    "closing_after_days": "Closing note after (days)",
    "status_channel": "Send status questions by",
    "status_to_hr": "Ask HR or the recruiter, not the interviewer",
    "reply_to_rejection_days": "Reply to a rejection after (days)",
    "review_offer_days": "Review an offer after (days)",
    "pipeline_nudge": "Remind me to keep other options open",
    "pipeline_min_active": "Fewest active opportunities",
    "pipeline_recent_days": "Days without a new opportunity",
    "second_call": "Call a second time",
    "value_add": "Share something useful once shortlisted",
    "value_add_days": "Days between useful notes",
    "prepare_days_before": "Start preparing before a next round (days)",
    "missed_thank_you_days": "A thank-you is missed after (days)",
    "missed_after_days": "Any other step is missed after (days)",
    "holiday_country": "Public holidays of (country code)",
    "timezone": "Time zone",
    "working_days": "Working days",
    "working_hours_start": "Working hours start",
    "working_hours_end": "Working hours end",
}


def setting_label(name: str) -> str:
    """The words that label the setting ``name``."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


__all__ = ["LABELS", "setting_label"]
