"""Where the mailbox found date phrases before they moved to :mod:`core.date_phrases`.

The parser serves the debrief's "next steps" as well as replies, so it lives beside the
other domain modules now; this name stays for code that still imports it from here.
"""

from followup_desktop.core.date_phrases import DateMention, mentioned_dates

__all__ = ["DateMention", "mentioned_dates"]
