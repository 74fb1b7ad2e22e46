"""A job search and a mailbox that tell one story, for the mailbox tests.

Acme Robotics interviewed Alex two days ago (Dana Kowalski on the panel, Hélène Martin
from HR arranging it). Alex's Sent folder holds the thank-you to Dana, written in another
mail program; the inbox holds HR's invitation to a second round (HTML only, French, with
an attached .ics), a German refusal from the company's talent address, Dana's reply in
the thank-you thread, and mail that has nothing to do with the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from followup_desktop.core.models import ContactRole
from followup_desktop.core.services import ContactFields, FollowupService, PanelMember
from imap_support import USER, Dovecot

ME = f"{USER}@mail.example"


@dataclass
class Story:
    """The ids the tests check against."""

    opportunity: int
    dana: int
    helene: int
    interview: int
    interview_start: datetime


def build_search(service: FollowupService, now: datetime) -> Story:
    """The opportunity, its people and the interview, through the service layer."""
    opportunity = service.create_opportunity("Acme Robotics", "Backend Engineer").created_id
    assert opportunity is not None
    dana = service.add_contact(
        "Dana Kowalski",
        ContactFields(email="dana.kowalski@acme-robotics.example"),
        opportunity_id=opportunity,
        role=ContactRole.INTERVIEWER,
    ).created_id
    helene = service.add_contact(
        "Hélène Martin",
        ContactFields(email="Helene.Martin@acme-robotics.example"),
        opportunity_id=opportunity,
        role=ContactRole.HR,
    ).created_id
    assert dana is not None and helene is not None
    start = (now - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    interview = service.record_interview(
        opportunity, start, start + timedelta(hours=1), "Europe/Berlin"
    ).created_id
    assert interview is not None
    panel = PanelMember(
        name="Dana Kowalski", email="dana.kowalski@acme-robotics.example", contact_id=dana
    )
    service.set_panel(interview, [panel])
    return Story(opportunity, dana, helene, interview, start)


def message(
    sender: str,
    to: str,
    subject: str,
    when: datetime,
    message_id: str,
    *,
    text: str | None = None,
    html: str | None = None,
    cc: str = "",
    in_reply_to: str = "",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    if text is not None:
        message.set_content(text, cte="quoted-printable")
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html", cte="quoted-printable")
    return message


INVITATION = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Acme Robotics//Scheduling//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:second-round-4711@acme-robotics.example
SEQUENCE:0
DTSTAMP:{stamp}
DTSTART:{start}
DTEND:{end}
SUMMARY:Acme Robotics: second interview (Backend Engineer)
ORGANIZER;CN=Hélène Martin:mailto:helene.martin@acme-robotics.example
ATTENDEE;CN=Alex:mailto:{me}
LOCATION:Video call
END:VEVENT
END:VCALENDAR
"""


def fill_mailbox(server: Dovecot, story: Story, now: datetime) -> dict[str, str]:
    """Write the story's mail into the maildir; returns Message-IDs by name."""
    after = story.interview_start + timedelta(hours=4)
    ids = {
        "thanks": "<thanks-1@mail.example>",
        "friend": "<friend-1@mail.example>",
        "old": "<old-1@mail.example>",
        "invite": "<round2-77@acme-robotics.example>",
        "refusal": "<ref-5@acme-robotics.example>",
        "dana_reply": "<dana-re-1@acme-robotics.example>",
        "news": "<news-9@shop.example>",
    }
    thanks = message(
        f"Alex Doe <{ME}>",
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        "Thank you for today's conversation",
        after,
        ids["thanks"],
        text="Dear Dana,\n\nthank you for the conversation about the robotics platform "
        "today — I enjoyed the system-design part most.\n\nViele Grüße,\nAlex\n",
    )
    server.deliver("Sent", thanks.as_bytes(), when=after)
    friend = message(
        f"Alex Doe <{ME}>",
        "Sam <sam@friends.example>",
        "Dinner on Friday?",
        after + timedelta(hours=1),
        ids["friend"],
        text="Are we still on for Friday?",
    )
    server.deliver("Sent", friend.as_bytes(), when=after + timedelta(hours=1))
    old = message(
        f"Alex Doe <{ME}>",
        "dana.kowalski@acme-robotics.example",
        "An old message, long before this search",
        now - timedelta(days=90),
        ids["old"],
        text="From last year.",
    )
    server.deliver("Sent", old.as_bytes(), when=now - timedelta(days=90))

    invite_at = after + timedelta(hours=20)
    round_two = story.interview_start + timedelta(days=6)
    invite = message(
        "=?utf-8?q?H=C3=A9l=C3=A8ne_Martin?= <helene.martin@acme-robotics.example>",
        ME,
        "Acme Robotics : prochaine étape",
        invite_at,
        ids["invite"],
        html="<html><head><style>p {color: red}</style></head><body>"
        "<p>Bonjour Alex,</p><p>Nous avons le plaisir de vous inviter à un second "
        "entretien &amp; une rencontre avec l&#39;équipe.</p>"
        "<script>alert('x')</script><p>Cordialement,<br>Hélène</p></body></html>",
    )
    stamp = "%Y%m%dT%H%M%SZ"
    invite.add_attachment(
        INVITATION.format(
            stamp=now.astimezone(UTC).strftime(stamp),
            start=round_two.astimezone(UTC).strftime(stamp),
            end=(round_two + timedelta(hours=1)).astimezone(UTC).strftime(stamp),
            me=ME,
        ).encode(),
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": "REQUEST"},
    )
    server.deliver("INBOX", invite.as_bytes(), when=invite_at, seen=False)

    refusal_at = invite_at + timedelta(hours=2)
    refusal = message(
        "Acme Talent Team <talent@acme-robotics.example>",
        ME,
        "Ihre Bewerbung",
        refusal_at,
        ids["refusal"],
        text="Hallo Alex,\n\nleider haben wir uns für eine andere Kandidatin entschieden.\n",
        html="<p>Hallo Alex,</p><p>leider haben wir uns für eine andere Kandidatin "
        "entschieden.</p>",
    )
    refusal.add_attachment(
        b"%PDF-1.4 not really a pdf", maintype="application", subtype="pdf", filename="a.pdf"
    )
    server.deliver("INBOX", refusal.as_bytes(), when=refusal_at, fresh=True)

    reply_at = after + timedelta(hours=3)
    dana_reply = message(
        "Dana Kowalski <dana.kowalski@acme-robotics.example>",
        ME,
        "Re: Thank you for today's conversation",
        reply_at,
        ids["dana_reply"],
        text="Hi Alex,\n\nthanks, it was a pleasure. We will be in touch soon.\n\n"
        f"On {format_datetime(after)}, Alex Doe wrote:\n> unfortunately I forgot to ask\n",
        in_reply_to=ids["thanks"],
    )
    server.deliver("INBOX", dana_reply.as_bytes(), when=reply_at)

    news = message(
        "Shop <news@shop.example>",
        ME,
        "Our winter sale",
        reply_at,
        ids["news"],
        html="<p>Buy things</p>",
    )
    server.deliver("INBOX", news.as_bytes(), when=reply_at, fresh=True)
    return ids
