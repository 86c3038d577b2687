"""Every page type, as each persona, checked by axe-core (WCAG 2.1 AA) on a phone and a desktop.

The demo school is crawled in Chromium as a guardian, a divorced guardian, a teacher, the
principal and an application administrator (through the real two-factor steps), and the pages
of a visitor who is not logged in are opened one by one. On every page, at 390x844 and 1280x800:

- axe-core, with the WCAG 2.0/2.1 A and AA rules plus `target-size` (WCAG 2.2) and
  `label-content-name-mismatch` (WCAG 2.5.3, still "experimental" in axe), reports nothing
  serious or critical;
- on the phone, the page itself does not scroll sideways (a wide table scrolls inside its own
  focusable wrapper), and every interactive element outside running text is at least 24x24 px.

axe-core comes from the pinned `axe-playwright-python` dev dependency, which ships `axe.min.js`
(see docs/decisions); nothing is loaded from the network. Screenshots of each page go to
var/screenshots/a11y/. The crawl takes one page per URL pattern, so its cost follows the number
of page types, not the amount of demo data.
"""

from __future__ import annotations

import collections
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from schoolbrug.accounts.activation import activation_token_issue
from schoolbrug.accounts.models import Account
from schoolbrug.accounts.two_factor.testing import give_device
from schoolbrug.sis.demo import DEMO_PASSWORD
from schoolbrug.sis.demo.schools import (
    ADMIN_EMAIL,
    PARENT_B_EMAIL,
    PARENT_EMAIL,
    PRINCIPAL_EMAIL,
    TEACHER_EMAIL,
    WEGWIJZER_ADMIN_EMAIL,
)

from .conftest import SCREENSHOT_DIR

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
VIEWPORTS: dict[str, ViewportSize] = {"phone": PHONE, "desktop": DESKTOP}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    # Named rules run whatever their tags: the 24x24 px target size (WCAG 2.2 AA) and the
    # visible label being part of the accessible name (WCAG 2.5.3).
    "rules": {"target-size": {"enabled": True}, "label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}
# Leaving these would end the session, switch the language, open Django's own admin or a file.
SKIPPED_PREFIXES = ("/accounts/logout/", "/i18n/", "/operator/", "/static/", "/healthz")
MAX_PAGES_PER_PERSONA = 120

# Controls a finger must hit: every button, field, disclosure and link that is not a word in
# running text (a pencil, a pill, a menu item) is at least 24x24 CSS pixels. Text links inside a
# line (display: inline, with letters or digits) are left to axe's `target-size`, which applies
# WCAG 2.5.8's inline and spacing exceptions.
SMALL_TARGETS_JS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], '
    + '[tabindex]:not([tabindex="-1"])';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden') continue;
    if (el.tagName === 'A' && style.display === 'inline' && /[\\p{L}\\p{N}]/u.test(el.textContent)) continue;
    if (rect.width < 24 || rect.height < 24) {
      small.push(`${el.outerHTML.slice(0, 120)} is ${Math.round(rect.width)}x${Math.round(rect.height)} px`);
    }
  }
  return small;
}
"""

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


@dataclass
class Findings:
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        return f"{len(self.problems)} problems on {len(self.pages)} pages:\n" + "\n".join(self.problems)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "home"


def check_page(page: Page, persona: str, findings: Findings, label: str | None = None) -> None:
    """axe at both viewports, page width and target sizes on the phone, a screenshot of each."""
    path = urlsplit(page.url).path
    name = f"{label} ({path})" if label else path
    findings.pages.append(f"{persona} {name}")
    page.evaluate(AXE_SCRIPT)  # once per page: a new viewport does not reload it
    for viewport_name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        for violation in results["violations"]:
            if violation["impact"] not in BLOCKING_IMPACTS:
                continue
            nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
            findings.problems.append(
                f"{persona} {viewport_name} {name}: {violation['id']} ({violation['impact']}) on {nodes}"
            )
        if viewport_name == "phone":
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                findings.problems.append(f"{persona} phone {name}: the page scrolls sideways by {overflow} px")
            for small in page.evaluate(SMALL_TARGETS_JS):
                findings.problems.append(f"{persona} phone {name}: target under 24x24: {small}")
        else:
            # A menu row may scroll sideways on a phone only; on a desktop screen it wraps.
            cut = page.evaluate(
                "() => Array.from(document.querySelectorAll('.scroll-row'))"
                ".filter(row => row.scrollWidth > row.clientWidth + 1).map(row => row.className)"
            )
            if cut:
                findings.problems.append(f"{persona} desktop {name}: menu rows cut off: {cut}")
        # Named by page type, so the next run replaces them.
        shot = SCREENSHOT_DIR / "a11y" / f"{persona}--{_slug(label or path)}--{viewport_name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))


def _route(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def crawl(page: Page, persona: str, base_url: str, findings: Findings, start: str = "/") -> None:
    """Breadth-first over the links a user is shown; one page per URL pattern."""
    queue: collections.deque[str] = collections.deque([start])
    routes_seen: set[str] = {_route(urlsplit(start).path)}
    while queue and len(findings.pages) < MAX_PAGES_PER_PERSONA:
        url = queue.popleft()
        try:
            response = page.goto(base_url + url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a PDF or a spreadsheet, not a page
            raise
        assert response is not None
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if response.status >= 400:
            findings.problems.append(f"{persona}: {url} answers {response.status}")
            continue
        check_page(page, persona, findings, label=_route(urlsplit(page.url).path))
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if not href.startswith(base_url) or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            route = _route(parts.path)
            if route in routes_seen:
                continue
            routes_seen.add(route)
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("demo", verbosity=0)


@pytest.fixture
def persona_context(browser: Browser, live_server: LiveServer) -> Any:
    """One context (cookies, session) per persona in the one browser of the test session."""
    contexts: list[BrowserContext] = []

    def new(**extra: Any) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=PHONE, **extra
        )
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


PERSONAS = {
    "guardian": PARENT_EMAIL,
    "divorced-guardian": PARENT_B_EMAIL,
    "teacher": TEACHER_EMAIL,
    "principal": PRINCIPAL_EMAIL,
}


@pytest.mark.browser
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_of_a_persona_passes_axe(persona: str, demo: None, persona_context: Any, live_server: Any) -> None:
    started = time.monotonic()
    page = persona_context()
    findings = Findings()
    log_in(page, PERSONAS[persona])
    crawl(page, persona, live_server.url, findings)
    print(f"\n{persona}: {len(findings.pages)} pages in {time.monotonic() - started:.0f} s")
    assert len(findings.pages) > 5, findings.report()
    assert not findings.problems, findings.report()


@pytest.mark.browser
def test_every_page_of_an_administrator_passes_axe(demo: None, persona_context: Any, live_server: Any) -> None:
    """The two-factor pages on the way in (setup with recovery codes, and verify), then every page."""
    started = time.monotonic()
    findings = Findings()

    # A second administrator with an app already set up meets the verify page.
    other = persona_context()
    give_device(Account.objects.get(email=WEGWIJZER_ADMIN_EMAIL, kind=Account.Kind.STAFF))
    log_in(other, WEGWIJZER_ADMIN_EMAIL)
    assert "/accounts/two-factor/verify/" in other.url
    check_page(other, "administrator", findings, label="two-factor-verify")

    page = persona_context()
    log_in(page, ADMIN_EMAIL)
    page.goto("/staff/")
    assert "/accounts/two-factor/setup/" in page.url
    check_page(page, "administrator", findings, label="two-factor-setup")
    device_secret = page.get_by_test_id("totp-secret").inner_text()
    page.locator("input[name=code]").fill(_code_for(device_secret))
    page.locator("#two-factor-setup-submit").click()
    page.get_by_test_id("recovery-codes").wait_for()
    check_page(page, "administrator", findings, label="two-factor-recovery-codes")
    page.locator("#recovery-codes-continue").click()
    page.wait_for_load_state()
    crawl(page, "administrator", live_server.url, findings)
    print(f"\nadministrator: {len(findings.pages)} pages in {time.monotonic() - started:.0f} s")
    assert len(findings.pages) > 20, findings.report()
    assert not findings.problems, findings.report()


def _code_for(secret: str) -> str:
    import base64

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.browser
def test_pages_without_login_pass_axe(demo: None, persona_context: Any, live_server: Any) -> None:
    findings = Findings()
    page = persona_context()
    guardian = Account.objects.get(email=PARENT_EMAIL, kind=Account.Kind.GUARDIAN)
    reset = f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(guardian.pk))}/"
    reset += f"{default_token_generator.make_token(guardian)}/"
    invited = Account.objects.get(email=PARENT_B_EMAIL, kind=Account.Kind.GUARDIAN)
    activation = f"/accounts/activate/{activation_token_issue(account=invited)}/"
    pages = [
        ("/accounts/login/", "login"),
        ("/accounts/password/forgot/", "password-forgot"),
        ("/accounts/password/forgot/sent/", "password-forgot-sent"),
        ("/accounts/username/forgot/", "username-forgot"),
        ("/accounts/username/forgot/sent/", "username-forgot-sent"),
        ("/accounts/password/reset/done/", "password-reset-done"),
        (reset, "password-reset-confirm"),
        (activation, "activation"),
        ("/accounts/activate/not-a-real-token/", "activation-invalid"),
        ("/no-such-page/", "not-found"),
    ]
    for url, label in pages:
        page.goto(url)
        check_page(page, "visitor", findings, label=label)
    # A login with a wrong password shows the form with its error.
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(PARENT_EMAIL)
    page.locator("input[name=password]").fill("wrong password")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    check_page(page, "visitor", findings, label="login-error")
    assert not findings.problems, findings.report()


@pytest.mark.browser
def test_the_checks_see_what_they_claim(persona_context: Any, live_server: Any) -> None:
    """The checks above fail on the faults they look for: a small icon link, a sideways scroll,
    an unreachable scrolling table and a button whose name hides its visible text."""
    page = persona_context()
    page.goto("/accounts/login/")
    # Built through the DOM: the content security policy refuses inline style attributes.
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const add = (tag, text, style, attrs = {}) => {
          const el = document.createElement(tag);
          el.textContent = text;
          Object.assign(el.style, style);
          for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
          main.append(el);
          return el;
        };
        add('a', 'x', {display: 'inline-block', width: '13px', fontSize: '12px'}, {href: '/x', 'aria-label': 'Edit'});
        add('div', 'wide', {width: '2000px'});
        const scroller = add('div', '', {overflowX: 'auto', width: '100px'});
        add('p', 'a very long line that does not fit in a hundred pixels', {whiteSpace: 'nowrap', margin: '0'});
        scroller.append(main.lastElementChild);
        add('button', 'NL', {}, {'aria-label': 'English'});
      }"""
    )
    findings = Findings()
    check_page(page, "probe", findings, label="probe")
    text = "\n".join(findings.problems)
    assert "target under 24x24" in text
    assert "scrolls sideways" in text
    assert "scrollable-region-focusable" in text
    assert "label-content-name-mismatch" in text


@pytest.mark.browser
def test_a_guardians_first_phone_screen_shows_what_is_new(demo: None, persona_context: Any) -> None:
    """One thin top bar and the children's chips; the feed starts on the first screen, above the
    bottom menu, and the school's welcome comes after it."""
    page = persona_context()
    log_in(page, PARENT_EMAIL)
    header = page.locator(".site-header").bounding_box()
    first_item = page.locator(".feed-item").first.bounding_box()
    bottom_menu = page.get_by_role("navigation", name="Hoofdmenu").bounding_box()
    welcome = page.get_by_test_id("welcome").bounding_box()
    assert header and first_item and bottom_menu and welcome
    assert header["height"] <= 120, header  # today's bar and chips: 110 px; before: 280 px
    assert bottom_menu["y"] + bottom_menu["height"] == PHONE["height"]
    assert first_item["y"] + first_item["height"] <= bottom_menu["y"], (first_item, bottom_menu)
    assert welcome["y"] > first_item["y"]
    page.screenshot(path=str(SCREENSHOT_DIR / "a11y" / "guardian--first-screen--phone.png"))
    # Tabbing down the page, every focused item in the content is scrolled clear of the bottom menu.
    page.locator("body").focus()
    checked_below_the_fold = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
            " return {inMain: !!el.closest('main'), bottom: r.bottom, scrolled: window.scrollY > 0}; }"
        )
        if where["inMain"]:
            assert where["bottom"] <= bottom_menu["y"], f"a focused item is hidden behind the bottom menu: {where}"
            checked_below_the_fold += where["scrolled"]
        if checked_below_the_fold >= 3:
            break
    assert checked_below_the_fold >= 3, "the keyboard never left the first screen"


@pytest.mark.browser
def test_the_staff_menu_fits_a_phone_and_every_item_is_reached_by_tab(demo: None, persona_context: Any) -> None:
    """The menu is one row under the top bar that scrolls sideways, with a fade at the edge that
    has more; Tab walks through every item and each one is scrolled fully into view."""
    page = persona_context()
    log_in(page, TEACHER_EMAIL)
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] <= 120, header
    menu = page.get_by_role("navigation", name="Leerlingadministratie")
    row = menu.locator("ul")
    assert row.evaluate("el => el.scrollWidth > el.clientWidth"), "the menu fits anyway: nothing to test at 390 px"
    assert "gradient" in row.evaluate("el => getComputedStyle(el).backgroundImage")
    links = menu.get_by_role("link")
    names = links.all_inner_texts()
    page.locator("body").focus()
    # The first Tab shows the skip link, which leads past the menus to the main landmark.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] >= 24, box
    for _ in range(10):  # the top bar's buttons, then the menu
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == names[0]:
            break
    for index, name in enumerate(names):
        if index:
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == name
        # The row scrolls the focused item into view (in the next frame).
        page.wait_for_function(
            "width => { const r = document.activeElement.getBoundingClientRect();"
            " return r.left >= 0 && r.right <= width; }",
            arg=PHONE["width"],
            timeout=2000,
        )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def _submit_without_browser_checks(page: Page, form: str) -> None:
    # The server's own error messages are what this looks at, not the browser's bubbles.
    with page.expect_navigation():
        page.locator(form).evaluate("f => { f.noValidate = true; f.requestSubmit(); }")


@pytest.mark.browser
def test_form_errors_and_confirmations_pass_axe(demo: None, persona_context: Any) -> None:
    """Pages that only a form post reaches: a form showing its errors, and what follows a send."""
    findings = Findings()
    guardian = persona_context()
    log_in(guardian, PARENT_EMAIL)
    guardian.goto("/portal/account/")
    guardian.locator("a.pencil[data-testid$='-last_name']").first.click()
    guardian.wait_for_load_state()
    form = "form[data-testid=correction-form]"
    guardian.locator(f"{form} textarea").fill("")
    _submit_without_browser_checks(guardian, form)
    check_page(guardian, "guardian", findings, label="correction-with-errors")
    guardian.locator(f"{form} textarea").fill("de Vries-Bakker")
    _submit_without_browser_checks(guardian, form)
    check_page(guardian, "guardian", findings, label="correction-sent")

    teacher = persona_context()
    log_in(teacher, TEACHER_EMAIL)
    teacher.goto("/staff/groups/")
    teacher.locator("main table a").first.click()
    teacher.locator("main table a[href*='/staff/pupils/']").first.click()
    teacher.goto(teacher.url.replace("/staff/pupils/", "/staff/file/pupils/") + "absences/new/")
    _submit_without_browser_checks(teacher, "#absence-form")
    check_page(teacher, "teacher", findings, label="absence-with-errors")
    assert len(findings.pages) == 3
    assert not findings.problems, findings.report()


@pytest.mark.browser
def test_the_skip_link_moves_focus_to_the_main_content(demo: None, persona_context: Any) -> None:
    page = persona_context()
    log_in(page, TEACHER_EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, past every menu
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
