"""Reading mail without a server: text from HTML, decoding, outcomes, remembered state."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from followup_desktop.core.errors import ValidationError
from followup_desktop.core.mailbox.account import IncomingAccount
from followup_desktop.core.mailbox.imap import imap_date, parse_list_line
from followup_desktop.core.mailbox.outcome import SuggestedOutcome, suggest_outcome
from followup_desktop.core.mailbox.parse import first_lines, html_to_text, read_message
from followup_desktop.core.mailbox.state import STATE_VERSION, MailboxState, load_state


def test_html_becomes_plain_text_without_scripts_or_styles() -> None:
    text = html_to_text(
        "<html><head><title>t</title><style>p{}</style></head><body><p>Hello &lt;b&gt;"
        "</p><script>evil()</script><div>Second&nbsp;line</div></body></html>"
    )
    # Markup-looking text stays text (it is shown as plain text, never rendered).
    assert text == "Hello <b>\n\nSecond line"
    assert "evil" not in text and "p{}" not in text


def test_a_message_is_decoded_whatever_its_encoding() -> None:
    message = EmailMessage()
    message["From"] = "=?iso-8859-1?q?J=FCrgen_M=FCller?= <JM@Firma.example>"
    message["To"] = "alex@mail.example, =?utf-8?b?w4lsb2R5?= <elody@firma.example>"
    message["Subject"] = "=?utf-8?q?R=C3=BCckmeldung?="
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message["Message-ID"] = "<ABC@Firma.example>"
    message.set_content("Grüße aus München\n", cte="quoted-printable", charset="latin-1")
    message.add_attachment(
        b"BEGIN:VCALENDAR", maintype="text", subtype="calendar", filename="x.ics"
    )
    parsed = read_message(message.as_bytes())
    assert parsed.headers.sender is not None
    assert parsed.headers.sender.name == "Jürgen Müller"
    assert parsed.headers.sender.email == "jm@firma.example"
    assert [r.name for r in parsed.headers.recipients] == ["", "Élody"]
    assert parsed.headers.subject == "Rückmeldung"
    assert parsed.headers.message_id == "abc@firma.example"
    assert parsed.headers.date is not None and parsed.headers.date.hour == 8  # in UTC
    assert parsed.text == "Grüße aus München"
    assert parsed.invitations == (b"BEGIN:VCALENDAR",)
    assert parsed.attachment_names == ("x.ics",)


def test_first_lines_leave_out_quoted_history() -> None:
    text = "Hi Alex,\n\nSee you Monday.\nOn Mon, Dana wrote:\n> old text\n"
    assert first_lines(text) == "Hi Alex,\nSee you Monday."


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        ("Your application", "Unfortunately we will not be moving forward.", "rejection"),
        ("Ihre Bewerbung", "Leider müssen wir Ihnen absagen.", "rejection"),
        ("Candidature", "Malheureusement, votre profil n'a pas été retenu.", "rejection"),
        ("Offer", "We are delighted to offer you the position.", "offer"),
        ("Angebot", "Anbei Ihr Vertragsangebot.", "offer"),
        ("Offre", "Veuillez trouver ci-joint votre offre d'emploi.", "offer"),
        ("Next steps", "We would like to invite you to a second interview.", "next_round"),
        ("Einladung", "Gerne möchten wir Sie zum zweiten Gespräch einladen.", "next_round"),
        ("Suite", "Nous passons à la prochaine étape.", "next_round"),
        ("Hello", "Thanks for your note, talk soon.", None),
        # A refusal that names the next round is still a refusal.
        ("Update", "Unfortunately you will not go to the next round.", "rejection"),
        # Words only in the quoted message do not count.
        ("Re: hi", "Thanks!\n> unfortunately I was late", None),
    ],
)
def test_words_suggest_an_outcome(subject: str, text: str, expected: str | None) -> None:
    found = suggest_outcome(subject, text)
    assert (None if found is None else str(found)) == expected
    assert found is None or isinstance(found, SuggestedOutcome)


def test_list_lines_and_dates_are_read_as_imap_writes_them() -> None:
    sent = parse_list_line(b'(\\HasNoChildren \\Sent) "/" "Sent Items"')
    assert sent is not None and sent.name == "Sent Items" and "\\sent" in sent.flags
    plain = parse_list_line(b'(\\HasNoChildren) "." INBOX')
    assert plain is not None and plain.name == "INBOX"
    assert parse_list_line(b"garbage") is None
    from datetime import date

    assert imap_date(date(2026, 3, 5)) == "05-Mar-2026"


def test_state_is_versioned_and_a_damaged_value_starts_afresh() -> None:
    state = MailboxState(handled={"id:x@y": "dismissed"})
    stored = state.to_json()
    assert stored["version"] == STATE_VERSION
    assert load_state(stored).handled == {"id:x@y": "dismissed"}
    assert load_state({"version": 999, "handled": {"a": "b"}}).handled == {}
    damaged = {**stored, "folders": {"INBOX": {"nonsense": 1}}}
    recovered = load_state(damaged)
    assert recovered.folders == {} and recovered.handled == {"id:x@y": "dismissed"}
    assert load_state("not a dict").proposals == []


def test_an_incoming_account_is_checked() -> None:
    account = IncomingAccount.from_json({"host": "imap.example.com", "username": "me"})
    assert (account.port, account.auto_confirm_sent) == (993, False)
    assert account.secret_key(None) == "imap:me@imap.example.com"
    with pytest.raises(ValidationError, match="host name"):
        IncomingAccount.from_json({"host": "imaps://x", "username": "me"})
    with pytest.raises(ValidationError, match="port"):
        IncomingAccount.from_json({"host": "x", "username": "me", "port": 0})
    with pytest.raises(ValidationError, match="User name"):
        IncomingAccount.from_json({"host": "x"})


def test_a_message_without_usable_headers_is_read_without_failing() -> None:
    from followup_desktop.core.mailbox.parse import read_headers

    headers = read_headers(b"\xff\xfe not a message at all")
    assert headers.sender is None and headers.date is None
    broken = read_headers(b"From: <<<\r\nDate: yesterday-ish\r\nTo: ,,,\r\n\r\n")
    assert broken.date is None and broken.recipients == ()
