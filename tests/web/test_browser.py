"""The three personas' jobs in a real browser: Debian's chromium (/usr/bin/chromium) driven by Playwright against
the real server on 127.0.0.1. Each screen is saved under out/screens/ for a person to look at.

Playwright is launched with the system chromium's path; its own browser download is never used.
"""

from __future__ import annotations

import http.server
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from riskengine.register.store import Register
from tests.conftest import SAMPLES, FillFactory
from tests.web.conftest import PASSWORD, SCREENS, Server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def backend() -> str:
    """The browser's scenarios run on SQLite; test_http.py runs the same pages on both backends."""
    return "sqlite"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "the browser tests need Debian's chromium: apt-get install -y chromium"
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def _signed_in(browser: Browser, server: Server, user: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, base_url=server.url)
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/login")
    page.fill("input[name=name]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def _shot(page: Page, name: str, full: bool = True) -> None:
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full)


@pytest.fixture(scope="module")
def assessment_id(browser: Browser, server: Server) -> str:
    """Northwind uploaded and assessed in the browser by IT (the good questionnaire)."""
    page = _signed_in(browser, server, "ada")
    page.click("text=New assessment")
    page.set_input_files("input[name=questionnaire]", str(SAMPLES / "northwind-mail.xlsx"))
    _shot(page, "new-assessment")
    page.click("button:has-text('Upload and assess')")
    page.wait_for_url(re.compile(r".*/assessments/RA-"))
    expect(page.locator(".decision-banner .badge")).to_have_text("APPROVE WITH CONDITIONS")
    found = re.search(r"(RA-\d{8}-[0-9A-F]+)", page.url)
    assert found
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()
    return found.group(1)


@pytest.mark.parametrize(("user", "role"), [("ada", "IT"), ("mia", "Marketing"), ("dana", "Compliance")])
def test_each_role_signs_in_and_sees_the_portfolio(browser: Browser, server: Server, assessment_id: str, user: str,
                                                   role: str) -> None:
    page = _signed_in(browser, server, user)
    expect(page.locator(".who .role")).to_have_text(role)
    expect(page.locator("table.portfolio")).to_contain_text("Northwind Mailworks B.V.")
    expect(page.locator("table.portfolio")).to_contain_text("Approve with conditions")
    expect(page.locator("nav a:has-text('Audit log')")).to_have_count(1 if role == "Compliance" else 0)
    _shot(page, f"portfolio-{user}")
    page.click("text=Northwind Mailworks B.V.")
    audience = {"IT": "IT report", "Marketing": "Marketing summary", "Compliance": "Compliance report"}[role]
    expect(page.locator(".tabs a[aria-selected]")).to_have_text(audience)
    _shot(page, f"assessment-{user}")
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()


def test_a_bad_questionnaire_shows_its_cells_and_a_fixed_one_is_assessed(browser: Browser, server: Server,
                                                                         filled: FillFactory) -> None:
    page = _signed_in(browser, server, "mia")
    page.goto("/assessments/new")
    page.set_input_files("input[name=questionnaire]", str(filled("bad.xlsx", base="glowup-loyalty", SEC_04="yep",
                                                                  RES_01=150)))
    page.click("button:has-text('Upload and assess')")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("bad.xlsx: 2 problems, nothing recorded")
    expect(problems.locator("td.place")).to_have_text(["Security!D8", "Resilience and support!D5"])
    expect(problems).to_contain_text('expected one of Yes, No, Partial, N/A; got "yep"')
    _shot(page, "new-assessment-problems")
    page.set_input_files("input[name=questionnaire]", str(filled("fixed.xlsx", base="glowup-loyalty")))
    page.click("button:has-text('Upload and assess')")
    page.wait_for_url(re.compile(r".*/assessments/RA-"))
    expect(page.locator("h1")).to_contain_text("GlowUp")
    page.close()


def test_the_tabs_figures_and_explain_trail(browser: Browser, server: Server, assessment_id: str) -> None:
    page = _signed_in(browser, server, "dana")
    page.goto(f"/assessments/{assessment_id}?tab=full")
    for figure in ("effectiveness", "dependencies", "cumulative", "sensitivity", "losses"):
        image = page.locator(f"img[src$='/figures/{figure}.svg']")
        expect(image).to_have_count(1)
        assert image.evaluate("element => element.complete && element.naturalWidth > 0"), figure
    page.click(".section-scores >> text=Explain every point")
    expect(page.locator("#explain-scores pre.explain")).to_contain_text("residual = inherent")
    _shot(page, "assessment-full")
    page.click(".tabs >> text=Marketing summary")
    expect(page.locator(".tabs a[aria-selected]")).to_have_text("Marketing summary")
    expect(page.locator("img[src$='/figures/cost.svg']")).to_have_count(1)
    expect(page.locator(".section-findings")).to_have_count(0)
    _shot(page, "assessment-marketing-tab")
    with page.expect_download() as download:
        page.click("text=Download the PDF (Marketing summary)")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert "Marketing summary" in pypdf.PdfReader(io.BytesIO(pdf)).metadata["/Subject"]
    page.goto(f"/assessments/{assessment_id}/history")
    _shot(page, "history")
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()


def _sign(browser: Browser, server: Server, user: str, assessment_id: str, note: str) -> str:
    page = _signed_in(browser, server, user)
    page.goto(f"/assessments/{assessment_id}")
    page.click(".section-signoff a.button:has-text('Sign as')")
    sha256 = page.locator("#report-sha256").inner_text()
    _shot(page, f"sign-{user}")
    page.check("input[value=approve]")
    page.fill("textarea[name=note]", note)
    page.click("button:has-text('Sign as')")
    page.wait_for_url(re.compile(r".*#signoff"))
    page.close()
    return sha256


def test_the_three_roles_sign_in_any_order_and_the_pdf_shows_it(browser: Browser, server: Server,
                                                                assessment_id: str) -> None:
    signed = {}
    for user, note in (("mia", "Budget agreed"), ("dana", "DPA signed first"), ("ada", "")):
        signed[user] = _sign(browser, server, user, assessment_id, note)
        with Register(server.db) as register:
            status = [s.role for s in register.signoffs(assessment_id)]
        assert status[-1] == {"mia": "marketing", "dana": "compliance", "ada": "it"}[user]
    with Register(server.db) as register:
        signoffs = register.signoffs(assessment_id)
    assert [(s.role, s.signed_by, s.report_sha256, s.report_audience) for s in signoffs] == [
        ("marketing", "Mia Marketer", signed["mia"], "marketing"),
        ("compliance", "Dana Ruiz", signed["dana"], "compliance"),
        ("it", "Ada Admin", signed["ada"], "it")]
    page = _signed_in(browser, server, "dana")
    page.goto(f"/assessments/{assessment_id}?tab=compliance")
    expect(page.locator(".section-signoff .status")).to_have_text("Approved")
    expect(page.locator("#signoff-marketing")).to_contain_text("Mia Marketer")
    _shot(page, "signed-off")
    with page.expect_download() as download:
        page.click("text=Download the PDF (Compliance report)")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(download.value.path()).pages).split())
    assert "Status in the register: approved, final since IT approved on 24 November 2026." in text
    assert f"Its sha256 {signed['mia']}" in text
    page.goto("/")
    row = page.locator("table.portfolio tr", has_text="Northwind")
    expect(row.locator(".sig-approve")).to_have_count(3)
    page.close()


def test_a_condition_is_closed_with_evidence(browser: Browser, server: Server, assessment_id: str,
                                             tmp_path: Path) -> None:
    evidence = tmp_path / "architecture-review.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% the review's minutes\n")
    page = _signed_in(browser, server, "ada")
    page.goto(f"/assessments/{assessment_id}?tab=it#conditions")
    row = page.locator("table.conditions tr", has_text="IT architecture reviews")
    expect(row.locator(".state")).to_have_text("Open")
    row.locator("summary:has-text('Done')").click()
    row.locator("input[name=evidence]").set_input_files(str(evidence))
    row.locator("input[name=note]").fill("Reviewed by the architecture board on 20 November")
    _shot(page, "condition-closing")
    row.locator("button:has-text('Mark done')").click()
    page.wait_for_url(re.compile(r".*#conditions"))
    row = page.locator("table.conditions tr", has_text="IT architecture reviews")
    expect(row.locator(".state")).to_have_text("Done")
    expect(row).to_contain_text("architecture-review.pdf")
    _shot(page, "condition-done")
    with page.expect_download() as download:
        row.locator("a:has-text('architecture-review.pdf')").click()
    assert Path(download.value.path()).read_bytes() == evidence.read_bytes()
    page.goto("/due?within=400")
    _shot(page, "due")
    page.close()


def test_marketing_cannot_sign_for_it(browser: Browser, server: Server, filled: FillFactory) -> None:
    page = _signed_in(browser, server, "mia")
    page.goto("/assessments/new")
    page.set_input_files("input[name=questionnaire]", str(SAMPLES / "pixelpath-analytics.xlsx"))
    page.click("button:has-text('Upload and assess')")
    page.wait_for_url(re.compile(r".*/assessments/RA-"))
    assessment_id = re.search(r"(RA-\d{8}-[0-9A-F]+)", page.url).group(1)  # type: ignore[union-attr]
    page.goto(f"/assessments/{assessment_id}?tab=full#signoff")
    expect(page.locator("#signoff-it a.button")).to_have_count(0)
    expect(page.locator("#signoff-marketing a.button")).to_have_text("Sign as Marketing")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    page.goto(f"/assessments/{assessment_id}/sign")
    sha256 = page.locator("#report-sha256").inner_text()
    answer = page.request.post(f"/assessments/{assessment_id}/sign", headers={"Origin": server.url}, form={
        "csrf_token": token or "", "role": "it", "decision": "approve", "report_sha256": sha256})
    assert answer.status == 403
    assert "You sign for your own role only (marketing), not for it." in answer.text()
    page.set_content(answer.text())
    with Register(server.db) as register:
        assert register.signoffs(assessment_id) == []
    page.close()


class _Attacker(http.server.BaseHTTPRequestHandler):
    """Another site: a page whose form posts a sign-off to riskengine (cross-site request forgery)."""

    target = ""

    def do_GET(self) -> None:
        body = (f'<form method="post" action="{self.target}"><input name="decision" value="reject">'
                '<input name="role" value="compliance"><button id="go">Win a prize</button></form>').encode()
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_a_cross_site_form_and_another_roles_session_are_refused(browser: Browser, server: Server,
                                                                 assessment_id: str) -> None:
    page = _signed_in(browser, server, "dana")
    _Attacker.target = f"{server.url}/assessments/{assessment_id}/conditions/C1"
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        page.click("#go")
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("This request came from another site")
        _shot(page, "csrf-refused")
    finally:
        attacker.shutdown()
        attacker.server_close()
    marketing = _signed_in(browser, server, "mia")
    marketing.goto("/audit")
    expect(marketing.locator("main")).to_contain_text("This needs the role compliance or admin")
    _shot(marketing, "audit-refused-for-marketing")
    marketing.close()
    page.goto("/audit")
    expect(page.locator("table.audit")).to_contain_text("sign-off")
    _shot(page, "audit-log")
    page.goto("/compare")
    for box in page.locator("input[name=vendor]").all():
        box.check()
    page.click("button:has-text('Compare')")
    expect(page.locator(".recommendation")).to_have_count(1)
    _shot(page, "compare")
    page.close()


def test_an_administrator_adds_a_user_on_the_users_page(browser: Browser, server: Server) -> None:
    page = _signed_in(browser, server, "root")
    page.click("nav a:has-text('Users')")
    expect(page.locator("table.users")).to_contain_text("Dana Ruiz")
    form = page.locator("form.grid-form")
    form.locator("input[name=name]").fill("lee")
    form.locator("input[name=display_name]").fill("Lee Park")
    form.locator("select[name=role]").select_option("marketing")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=password_again]").fill(PASSWORD)
    form.locator("button:has-text('Add user')").click()
    expect(page.locator(".notice")).to_have_text("added lee as marketing")
    expect(page.locator("table.users tr:has-text('Lee Park')")).to_contain_text("Marketing")
    _shot(page, "users")
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()
    lee = _signed_in(browser, server, "lee")
    expect(lee.locator(".who .role")).to_have_text("Marketing")
    expect(lee.locator("nav a:has-text('Users')")).to_have_count(0)
    lee.click(".who a.user")
    expect(lee.locator("h1")).to_have_text("Your account")
    _shot(lee, "account")
    lee.close()
