"""Outgoing e-mail: the one rule for links (schoolbrug.core.outgoing.email_link) and bodies that
go out as readable UTF-8 text, checked on the raw bytes a mail server or the console gets."""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory, TestCase, override_settings

from schoolbrug.core.mail import OutgoingMail
from schoolbrug.core.outgoing import FALLBACK_BASE_URL, EmailMessage, email_link, site_base_url

LINK = "http://localhost:8123/accounts/activate/" + "Ab9_" * 12 + "/"
DUTCH = "Beste ouder van Zoë, welkom bij Schoolbrug. Klik binnen zeven dagen op deze link om uw wachtwoord te kiezen:"


def raw(message: EmailMessage, policy: email.policy.Policy = email.policy.SMTP) -> bytes:
    return bytes(message.message(policy=policy).as_bytes())


class LinkRuleTests(TestCase):
    factory = RequestFactory()

    @override_settings(SCHOOLBRUG_BASE_URL="")
    def test_without_a_configured_address_links_follow_the_request(self) -> None:
        request = self.factory.get("/", headers={"host": "localhost:8123"})
        self.assertEqual(site_base_url(request), "http://localhost:8123")
        self.assertEqual(email_link("/accounts/login/", request=request), "http://localhost:8123/accounts/login/")
        secure = self.factory.get("/", secure=True, headers={"host": "localhost"})
        self.assertEqual(site_base_url(secure), "https://localhost")

    @override_settings(SCHOOLBRUG_BASE_URL="")
    def test_mail_sent_later_uses_the_address_captured_from_the_request(self) -> None:
        captured = site_base_url(self.factory.get("/", headers={"host": "localhost:8123"}))
        self.assertEqual(email_link("/x/", base_url=captured), "http://localhost:8123/x/")

    @override_settings(SCHOOLBRUG_BASE_URL="")
    def test_without_request_or_captured_address_the_local_default(self) -> None:
        self.assertEqual(email_link("/x/"), f"{FALLBACK_BASE_URL}/x/")

    @override_settings(SCHOOLBRUG_BASE_URL="https://schoolbrug.example.nl/")
    def test_a_configured_address_wins_over_request_and_captured_address(self) -> None:
        request = self.factory.get("/", headers={"host": "localhost:8123"})
        self.assertEqual(email_link("/x/", request=request), "https://schoolbrug.example.nl/x/")
        self.assertEqual(email_link("/x/", base_url="http://localhost:8123"), "https://schoolbrug.example.nl/x/")

    def test_a_relative_path_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            email_link("accounts/login/")


def test_a_long_dutch_body_goes_out_as_8bit_utf8_with_the_link_whole() -> None:
    body = f"{DUTCH}\n\n{LINK}\n\nMet vriendelijke groet,\nJuf Anneloes\n"
    message = EmailMessage(
        subject="Welkom bij Schoolbrug", body=body, to=["ouder@test.nl"], headers={"Content-Language": "nl"}
    )
    for policy in (email.policy.SMTP, email.policy.default):
        data = raw(message, policy)
        assert b"Content-Transfer-Encoding: 8bit" in data
        assert b'Content-Type: text/plain; charset="utf-8"' in data
        assert LINK.encode() in data
        assert "Zoë".encode() in data
        assert b"quoted-printable" not in data and b"=C3" not in data and b"=\r\n" not in data
        assert b"Content-Language: nl" in data
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        assert parsed.get_content().replace("\r\n", "\n") == body  # type: ignore[attr-defined]
        assert all(len(line) <= 998 for line in data.split(b"\r\n"))


def test_a_long_ascii_line_stays_whole_as_7bit() -> None:
    data = raw(EmailMessage(subject="Link", body=f"Open {LINK} now, it is valid for seven days.\n", to=["a@b.nl"]))
    assert b"Content-Transfer-Encoding: 7bit" in data
    assert LINK.encode() in data


def test_a_line_longer_than_mail_allows_stays_quoted_printable() -> None:
    data = raw(EmailMessage(subject="Lang", body="é" + "x" * 1200 + "\n", to=["a@b.nl"]))
    assert b"Content-Transfer-Encoding: quoted-printable" in data
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))


def test_with_an_attachment_the_body_is_readable_and_the_attachment_left_alone() -> None:
    message = EmailMessage(subject="Link", body=f"{DUTCH}\n{LINK}\n", to=["a@b.nl"])
    message.attach("rooster.csv", "é;" * 100 + "\n", "text/csv")
    data = raw(message)
    assert data.count(b"Content-Transfer-Encoding: 8bit") == 1
    assert LINK.encode() in data
    assert b'Content-Disposition: attachment; filename="rooster.csv"' in data


class ConsoleTests(TestCase):
    def test_the_console_of_the_embedded_default_shows_the_link_whole(self) -> None:
        stream = io.StringIO()
        mailers = {
            "default": {
                "BACKEND": "schoolbrug.core.mail.RecordingBackend",
                "OPTIONS": {
                    "delivery_backend": "django.core.mail.backends.console.EmailBackend",
                    "delivery_options": {"stream": stream},
                },
            }
        }
        with override_settings(MAILERS=mailers):
            EmailMessage(subject="Welkom", body=f"{DUTCH}\n\n{LINK}\n", to=["ouder@test.nl"]).send()
        output = stream.getvalue()
        self.assertIn(LINK, output)
        self.assertIn("Zoë", output)
        self.assertNotIn("quoted-printable", output)
        self.assertEqual(OutgoingMail.objects.get().body, f"{DUTCH}\n\n{LINK}\n")


SOURCE = Path(settings.BASE_DIR) / "schoolbrug"
DIRECT_MAIL = re.compile(r"from django\.core\.mail import[^\n]*\b(EmailMessage|EmailMultiAlternatives|send_mail)\b")


def test_product_code_sends_mail_only_through_schoolbrugs_message() -> None:
    """Django's own classes would send a long link quoted-printable again (and a link made
    elsewhere could follow another rule): only the mail modules of core touch them."""
    allowed = {SOURCE / "core" / "outgoing.py", SOURCE / "core" / "mail.py"}
    offenders = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "tests" not in path.parts and path not in allowed and DIRECT_MAIL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
