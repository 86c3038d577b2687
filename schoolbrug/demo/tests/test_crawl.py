"""Crawl the demo as each demo account: every link a user is shown leads somewhere that works.

Breadth-first from "/" over same-site `<a href>` links of HTML pages (GET only, redirects followed
by hand so the page that linked to a redirect is blamed for where it ends). A link that answers
4xx/5xx is a menu item or button shown to someone who may not use it, or a broken URL.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.test import Client, TestCase
from django.urls import Resolver404, resolve

from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import verified_login
from schoolbrug.media.testing import response_body
from schoolbrug.sis.demo.schools import (
    ADMIN_EMAIL,
    GUARDIAN_EMAILS,
    PARENT_A_EMAIL,
    PARENT_B_EMAIL,
    PARENT_EMAIL,
    PRINCIPAL_EMAIL,
    TEACHER_EMAIL,
    WEGWIJZER_ADMIN_EMAIL,
)
from schoolbrug.sis.models import Guardian, StaffMember

MAX_PAGES = 250
MAX_QUERY_VARIANTS = 3
# 200 pupil pages would eat the whole budget; a few of each kind of page find the broken links.
MAX_PER_ROUTE = 12
# Leaving these would end the session, switch the language or open Django's own admin.
SKIPPED_PREFIXES = ("/accounts/logout/", "/i18n/", "/operator/", "/static/")
# Known broken links that are not a small fix; each needs a reason.
KNOWN_EXCEPTIONS: frozenset[str] = frozenset()


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.html_lang: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        elif tag == "html":
            self.html_lang = values.get("lang")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclass
class CrawlResult:
    pages: int = 0
    failures: list[str] = field(default_factory=list)
    # url -> decoded body of every text response, for the privacy checks.
    bodies: dict[str, str] = field(default_factory=dict)


def _same_site(base: str, href: str) -> str | None:
    """The path + query of `href` when it stays on this site and should be followed."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def crawl(client: Client, *, max_per_route: int = MAX_PER_ROUTE) -> CrawlResult:
    result = CrawlResult()
    queue: collections.deque[tuple[str, str]] = collections.deque([("/", "(start)")])
    seen = {"/"}
    query_variants: dict[str, set[str]] = collections.defaultdict(set)
    per_route: collections.Counter[str] = collections.Counter()

    def enqueue(url: str, referrer: str) -> None:
        parts = urlsplit(url)
        if url in seen:
            return
        if parts.query:
            variants = query_variants[parts.path]
            if len(variants) >= MAX_QUERY_VARIANTS:
                return
            variants.add(parts.query)
        try:
            route = resolve(parts.path).route
        except Resolver404:
            route = parts.path  # always visited: it is the broken link this test looks for
        if per_route[route] >= max_per_route:
            return
        per_route[route] += 1
        seen.add(url)
        queue.append((url, referrer))

    while queue and result.pages < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        result.pages += 1
        status = response.status_code
        if status >= 400:
            if url not in KNOWN_EXCEPTIONS:
                result.failures.append(f"{status} {url} (linked from {referrer})")
            continue
        if status in (301, 302, 303, 307, 308):
            target = _same_site(url, response["Location"])
            if target is not None and urlsplit(target).path == resolve_url(settings.LOGIN_URL):
                # Logged in yet sent to log in: the link leads somewhere this user may not go.
                result.failures.append(f"{status} to login from {url} (linked from {referrer})")
            elif target is not None:
                enqueue(target, referrer)
            continue
        if response.streaming:
            # A served file: read and closed without closing the (PostgreSQL) test connection.
            response_body(response)
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(("text/", "application/json")):
            continue
        body = response.content.decode(response.charset or "utf-8", errors="replace")
        result.bodies[url] = body
        if not content_type.startswith("text/html"):
            continue
        parser = _PageParser()
        parser.feed(body)
        if not parser.title.strip():
            result.failures.append(f"no <title> on {url} (linked from {referrer})")
        if not parser.html_lang:
            result.failures.append(f"no <html lang=> on {url} (linked from {referrer})")
        for href in parser.hrefs:
            target = _same_site(url, href)
            if target is not None:
                enqueue(target, url)
    return result


class DemoCrawlTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", verbosity=0)

    def crawl_as(self, email: str, kind: str) -> CrawlResult:
        account = Account.objects.get(email=email, kind=kind)
        client = Client(raise_request_exception=False)
        if StaffMember.objects.filter(account=account, is_application_admin=True).exists():
            verified_login(client, account)
        else:
            client.force_login(account)
        result = crawl(client)
        print(f"\n{email}: {result.pages} pages crawled")
        self.assertGreater(result.pages, 5, f"{email} reaches almost nothing: is the login working?")
        if result.failures:
            self.fail(f"{email} follows {len(result.failures)} broken links:\n" + "\n".join(result.failures))
        return result

    def assert_no_other_family(self, email: str, result: CrawlResult) -> None:
        own = list(Guardian.objects.filter(account__email=email, account__kind=Account.Kind.GUARDIAN))
        self.assertTrue(own)
        others = Guardian.objects.filter(account__email__in=GUARDIAN_EMAILS, account__kind=Account.Kind.GUARDIAN)
        others = others.exclude(account__email=email)
        secrets = {value for guardian in others for value in (guardian.email, guardian.phone_mobile) if value}
        self.assertTrue(secrets)
        # The check can see contact data as it is shown: the guardian's own address and mobile are.
        for value in (own[0].email, own[0].phone_mobile):
            self.assertTrue(any(value in body for body in result.bodies.values()), value)
        leaks = [f"{secret!r} on {url}" for url, body in result.bodies.items() for secret in secrets if secret in body]
        if leaks:
            self.fail(f"{email} sees another guardian's data:\n" + "\n".join(leaks))

    def test_application_administrator(self) -> None:
        self.crawl_as(ADMIN_EMAIL, Account.Kind.STAFF)

    def test_principal(self) -> None:
        self.crawl_as(PRINCIPAL_EMAIL, Account.Kind.STAFF)

    def test_teacher(self) -> None:
        self.crawl_as(TEACHER_EMAIL, Account.Kind.STAFF)

    def test_administrator_of_the_other_school(self) -> None:
        self.crawl_as(WEGWIJZER_ADMIN_EMAIL, Account.Kind.STAFF)

    def test_guardian(self) -> None:
        self.assert_no_other_family(PARENT_EMAIL, self.crawl_as(PARENT_EMAIL, Account.Kind.GUARDIAN))

    def test_divorced_guardian_a(self) -> None:
        self.assert_no_other_family(PARENT_A_EMAIL, self.crawl_as(PARENT_A_EMAIL, Account.Kind.GUARDIAN))

    def test_divorced_guardian_b(self) -> None:
        self.assert_no_other_family(PARENT_B_EMAIL, self.crawl_as(PARENT_B_EMAIL, Account.Kind.GUARDIAN))
