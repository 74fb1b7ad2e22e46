"""The composer's words about templates and mail in German and French: labels and options
(built when the module loads, so in a process of that language) and the errors a template
or a mail server produces (at the time they happen)."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import Iterator

import pytest

from followup_desktop.core import i18n
from followup_desktop.core.messages.context import sample_context
from followup_desktop.core.messages.mailerror import MailErrorKind, transport_failure
from followup_desktop.core.messages.templates import TemplateError, render_source

NNBSP = "\u202f"


@pytest.fixture
def speaking() -> Iterator[None]:
    yield
    i18n.set_language("en")


def _labels(language: str) -> list[str]:
    code = (
        "from followup_desktop.core.messages import TEMPLATES, TEMPLATE_OPTIONS\n"
        "print(TEMPLATES[0].label)\n"
        "print(TEMPLATE_OPTIONS['rejection_reply'][0].label)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "FOLLOWUP_LANGUAGE": language},
    )
    return result.stdout.splitlines()


def test_template_labels_follow_the_language() -> None:
    assert _labels("en") == ["Thank-you note to one interviewer", "Ask for feedback"]
    assert _labels("de") == ["Dankesnachricht an eine Gesprächsperson", "Um Rückmeldung bitten"]
    assert _labels("fr") == ["Message de remerciement à un recruteur", "Demander un retour"]


def test_a_template_error_in_german(speaking: None) -> None:
    i18n.set_language("de")
    with pytest.raises(TemplateError) as caught:
        render_source("Subject: x\nGuten Tag {{ recipient.frist_name }},", sample_context())
    assert str(caught.value) == (
        "Zeile 2: Dort gibt es kein Feld 'frist_name'. Vergleichen Sie die Schreibweise mit "
        "der Liste der Felder."
    )


def test_a_mail_timeout_in_french(speaking: None) -> None:
    i18n.set_language("fr")
    found = transport_failure(TimeoutError(), "imap.example.com", 993, 2.5, reading=True)
    assert found is not None
    kind, text = found
    assert kind is MailErrorKind.TIMEOUT
    # The seconds are written the French way, with a decimal comma.
    assert text.startswith(
        "Le serveur de messagerie imap.example.com:993 n\u2019a pas répondu en 2,5 "
    )
    certificate = ssl.SSLCertVerificationError()
    certificate.verify_message, certificate.reason = "expired", "CERTIFICATE_VERIFY_FAILED"
    sent = transport_failure(certificate, "smtp.example.com", 465, 30, reading=False)
    assert sent is not None
    assert sent[1].endswith(f"fournisseur{NNBSP}; rien n\u2019a été envoyé.")


def test_a_mailbox_check_summary_in_german_counts_properly(speaking: None) -> None:
    from followup_desktop.core.mailbox.check import ScanResult

    i18n.set_language("de")
    assert ScanResult().summary() == "0 neue Nachrichten zum Durchsehen."
    one = ScanResult(new_proposals=[object()])  # type: ignore[list-item]
    assert one.summary() == "1 neue Nachricht zum Durchsehen."
    i18n.set_language("en")
    assert one.summary() == "1 new message to review."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guten Tag ,\n\nvielen Dank.", "Guten Tag [Name],\n\nvielen Dank."),
        ("Sehr geehrte Frau ,", "Sehr geehrte Frau [Name],"),
        ("Bonjour ,", "Bonjour [Name],"),
        ("Madame, Monsieur,", "Madame, Monsieur,"),
        ("Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,"),
        ("Liebe Grüße", "Liebe Grüße"),
    ],
)
def test_a_german_or_french_greeting_without_a_name_gets_a_prompt(
    speaking: None, text: str, expected: str
) -> None:
    from followup_desktop.core.messages.placeholders import prompt_for_missing_name

    i18n.set_language("de")
    assert prompt_for_missing_name(text) == expected
