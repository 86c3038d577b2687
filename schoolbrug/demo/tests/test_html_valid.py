"""Every kind of page is valid HTML, checked by the Nu HTML Checker (vnu.jar, as validator.w3.org/nu).

The demo is crawled as each demo account (the page discovery of test_crawl), plus the pages of a
visitor who is not logged in. Each form page is also posted empty, so the form as it shows errors
is checked too. All pages go through one run of the checker; any error fails the test, listed by
message with the pages where it occurs.

The checker is the npm package vnu-jar (pinned in package.json, installed by `make`); it needs
Java. Without `java` on PATH the test is skipped with the reason; without the jar it fails.
"""

from __future__ import annotations

import collections
import json
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.http.response import HttpResponseBase
from django.test import Client, TestCase
from django.urls import Resolver404, resolve, reverse

from schoolbrug.accounts.activation import activation_token_issue
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.sis.demo.schools import GUARDIAN_EMAILS, STAFF_EMAILS
from schoolbrug.sis.models import Guardianship, Pupil, StaffMember

from .test_crawl import crawl

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A few pages of each route are enough: pages of one route share their template.
PAGES_PER_ROUTE = 2
# Forms whose empty submission would end the session or change what the crawl relies on.
NOT_POSTED = ("/accounts/two-factor/",)
SHOWN_PER_MESSAGE = 5


class _PostForms(HTMLParser):
    """Whether the page has a form that posts back to the page itself."""

    def __init__(self) -> None:
        super().__init__()
        self.posts_to_itself = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post" and not values.get("action"):
            self.posts_to_itself = True


def _route(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return url


def _is_document(body: str) -> bool:
    # htmx answers with fragments of a page; those are checked as part of the page that has them.
    return body.lstrip()[:15].lower() == "<!doctype html>"


class HtmlValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", verbosity=0)

    def setUp(self) -> None:
        # (who, what) -> HTML of one page
        self.pages: dict[tuple[str, str], str] = {}

    def keep(self, who: str, what: str, response: HttpResponseBase) -> None:
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.streaming:
            body = response.content.decode()  # type: ignore[attr-defined]
            if _is_document(body):
                self.pages[(who, what)] = body

    def collect_persona(self, email: str, kind: str) -> None:
        account = Account.objects.get(email=email, kind=kind)
        client = Client(raise_request_exception=False)
        if StaffMember.objects.filter(account=account, is_application_admin=True).exists():
            verified_login(client, account)
        else:
            client.force_login(account)
        result = crawl(client, max_per_route=PAGES_PER_ROUTE)
        documents = {url: body for url, body in result.bodies.items() if _is_document(body)}
        self.assertGreater(len(documents), 5, f"{email} reaches almost nothing: is the login working?")
        posted: set[str] = set()
        for url, body in documents.items():
            self.pages[(email, f"GET {url}")] = body
            parser = _PostForms()
            parser.feed(body)
            route = _route(url)
            if parser.posts_to_itself and route not in posted and not url.startswith(NOT_POSTED):
                posted.add(route)
                self.keep(email, f"POST (empty) {url}", client.post(url, {}))

    def collect_visitor(self) -> None:
        client = Client(raise_request_exception=False)
        for name in ("accounts:login", "accounts:password-reset", "accounts:username-reminder"):
            url = reverse(name)
            self.keep("visitor", f"GET {url}", client.get(url))
            self.keep("visitor", f"POST (empty) {url}", client.post(url, {}))
        guardian = Account.objects.create_account(kind=Account.Kind.GUARDIAN, email="nieuw@example.nl")
        url = reverse("accounts:activate", args=[activation_token_issue(account=guardian)])
        self.keep("visitor", "GET activation page", client.get(url))
        self.keep("visitor", "POST activation page, too short", client.post(url, {"new_password1": "kort"}))
        self.keep("visitor", "GET unknown activation link", client.get(reverse("accounts:activate", args=["x" * 43])))
        self.keep("visitor", "GET a page that does not exist", client.get("/bestaat-niet/"))

    def collect_guardian_steps(self) -> None:
        """The second step of adding a guardian is reached by the lookup form, not a link: found
        by e-mail (a guardian of a brother or sister) and new, each also sent with errors."""
        admin = StaffMember.objects.filter(is_application_admin=True, account__isnull=False).first()
        assert admin is not None and admin.account is not None
        client = Client(raise_request_exception=False)
        verified_login(client, admin.account)
        link = Guardianship.objects.filter(pupil__school=admin.school, guardian__email__gt="").first()
        assert link is not None
        other = Pupil.objects.filter(school=admin.school).exclude(guardianships__guardian=link.guardian).first()
        assert other is not None
        url = reverse("staff:guardian-add", args=[other.pk])
        who = admin.account.email
        for what, email in (("found", link.guardian.email), ("new", "nieuw-adres@example.nl")):
            self.keep(who, f"POST guardian lookup, {what} {url}", client.post(url, {"email": email, "lookup": "1"}))
            self.keep(who, f"POST guardian {what}, with errors {url}", client.post(url, {"email": email}))

    def validate(self, java: str) -> list[dict[str, object]]:
        with tempfile.TemporaryDirectory() as folder:
            names = {}
            for number, (key, body) in enumerate(sorted(self.pages.items())):
                path = Path(folder) / f"page-{number:04d}.html"
                path.write_text(body, encoding="utf-8")
                names[path.name] = key
            completed = subprocess.run(
                [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always", folder],
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
        messages = json.loads(completed.stderr)["messages"]
        for message in messages:
            message["page"] = names.get(Path(urlsplit(str(message.get("url", ""))).path).name, ("?", "?"))
        return messages

    def test_every_page_is_valid_html(self) -> None:
        java = shutil.which("java")
        if java is None:
            self.skipTest("no 'java' on PATH: the Nu HTML Checker needs it (Debian: default-jre-headless)")
        self.assertTrue(
            VNU_JAR.is_file(),
            f"{VNU_JAR} is missing: run `make .venv/.installed-dev` (or `npm ci --ignore-scripts`)",
        )
        for email in STAFF_EMAILS:
            self.collect_persona(email, Account.Kind.STAFF)
        for email in GUARDIAN_EMAILS:
            self.collect_persona(email, Account.Kind.GUARDIAN)
        self.collect_visitor()
        self.collect_guardian_steps()
        print(f"\n{len(self.pages)} pages checked by the Nu HTML Checker")
        errors = [m for m in self.validate(java) if m.get("type") in ("error", "non-document-error")]
        by_message: dict[str, list[str]] = collections.defaultdict(list)
        for error in errors:
            who, what = cast(tuple[str, str], error["page"])
            by_message[str(error["message"])].append(f"{who}: {what} (line {error.get('lastLine', '?')})")
        report = []
        for message, pages in sorted(by_message.items(), key=lambda item: -len(item[1])):
            report.append(f"- {message} ({len(pages)}x)")
            report.extend(f"    {page}" for page in pages[:SHOWN_PER_MESSAGE])
        if errors:
            self.fail(f"{len(errors)} HTML errors on {len(self.pages)} pages:\n" + "\n".join(report))
