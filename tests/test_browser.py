"""The web page in headless Chromium (Debian's) driven by Playwright, against a real server on loopback.

Screenshots at desktop and phone widths go to tests/artifacts/ (one is shown in the README).
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, live_server, service_settings

pytestmark = pytest.mark.model
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = Path(os.environ.get("AXE_CORE", ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, real_index_dir, real_retriever):
    with live_server(service_settings(tmp_path_factory.mktemp("web"), real_index_dir), real_retriever.embedder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: `make test` installs it (Debian package 'chromium').")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:  # Playwright gives each launch a new empty profile
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url)
    page.get_by_text("briefs indexed").wait_for()
    yield page
    context.close()


def ask(page, question):
    page.get_by_label("Your question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    turn = page.locator("article.turn").last
    # the whole answer, not its first streamed sentence: the copy tools or the not-covered notice come with it
    turn.locator(".answer .tools, .answer .notice").first.wait_for(timeout=30_000)
    return turn


def test_ask_open_a_citation_and_follow_up(page):
    ARTIFACTS.mkdir(exist_ok=True)
    turn = ask(page, "Which SSR entry points address weak or absent state protection?")
    assert turn.locator(".marker").count() >= 2
    turn.locator("details.entry-block summary").click()
    assert turn.locator(".entry-points .entry-title").first.inner_text()

    turn.get_by_role("button", name="Source 1", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.locator("#source-title").inner_text().startswith("[1] ")
    quote = dialog.locator("blockquote mark").inner_text()  # the quoted sentence, highlighted in its passage
    assert len(quote) > 20 and "characters" not in dialog.locator("#source-meta").inner_text()
    assert quote in dialog.locator("blockquote").inner_text()
    original = dialog.locator("#source-file").get_attribute("href")
    assert original.startswith("/documents/") and "/file" in original
    with page.context.expect_page() as opened:  # the brief, in a new tab, the quote highlighted
        dialog.get_by_role("link", name="Read it in the brief").click()
    brief = opened.value
    brief.wait_for_load_state()
    assert brief.locator("mark#cited").inner_text().strip() == quote.strip()
    brief.close()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()

    follow_up = ask(page, "And in authoritarian regimes?")
    assert "Which SSR entry points address authoritarian regimes" in follow_up.locator(".effective").inner_text()
    assert "mediated dialogue" in follow_up.text_content().lower()  # in the answer or its folded entry points
    page.screenshot(path=str(ARTIFACTS / "desktop.png"), full_page=True)

    page.get_by_role("button", name="New conversation").click()
    assert page.locator("article.turn").count() == 0
    fresh = ask(page, "And in authoritarian regimes?")
    assert not fresh.locator(".effective").is_visible()  # a new conversation has no earlier turns


def test_not_covered_looks_different_and_shows_the_closest_material(page):
    turn = ask(page, "How many Rohingya refugees live in Bangladesh?")
    assert "not-covered" in turn.get_attribute("class")
    assert "Not covered by the briefs" in turn.inner_text() and "Rohingya" in turn.inner_text()
    assert turn.locator(".closest li").count() >= 1
    assert turn.locator(".marker").count() == 0
    assert "Try the words the briefs use" in turn.locator(".hint").inner_text()  # how to rephrase
    first = turn.locator(".closest li").first
    assert first.locator("a").get_attribute("href").startswith("/documents/")
    first.locator("summary").click()  # the closest passage in full, not cut at 200 characters
    shown = first.locator("details .summary").inner_text().strip()
    assert len(shown) > 220 and not shown.endswith("…")
    page.emulate_media(media="print")  # the print style keeps the conversation and drops the controls
    assert not page.locator("#ask-form").is_visible() and turn.is_visible()
    page.emulate_media(media="screen")


def test_entry_points_view_filters(page):
    page.get_by_role("button", name="Entry points").click()
    page.locator(".factor").first.wait_for()
    assert page.locator(".factor").count() >= 5
    page.get_by_label("Filter by push factor or words").fill("authoritarian")
    page.wait_for_function("document.querySelectorAll('.factor').length === 1")
    assert "Support defence reform and promote IHL" in page.locator("#catalogue").inner_text()


def test_keyboard_only_and_phone_width(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url)
    page.get_by_text("briefs indexed").wait_for()
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "question"
    page.keyboard.type("Why are young men leaving Eritrea?")
    page.keyboard.press("Enter")
    page.locator("article.turn .answer .tools, article.turn .answer .notice").first.wait_for(timeout=30_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
    context.close()


def test_the_api_docs_render_with_every_outside_request_blocked(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto(f"{base_url}/docs")
    page.get_by_text("/ask").first.wait_for(timeout=30_000)  # Swagger UI has read /openapi.json and drawn the operations
    assert page.locator(".swagger-ui .opblock").count() >= 10
    page.screenshot(path=str(ARTIFACTS / "docs-offline.png"))
    redoc = page.request.get(f"{base_url}/redoc").status  # not offered: ReDoc's page loads a logo from a CDN
    context.close()
    assert outside == [], f"the docs asked outside hosts: {outside}"
    assert redoc == 404


def test_the_briefs_searched_can_be_chosen(page):
    page.locator("#brief-summary").click()
    boxes = page.locator("#brief-list input[type=checkbox]")
    boxes.nth(4).wait_for(state="attached")  # the list is filled from GET /documents after the page loads
    assert boxes.count() == 5 and "all 5" in page.locator("#brief-summary").inner_text()
    keep = page.locator("#brief-list label").filter(has_text="Strengthening Security Sector Reform")
    for index in range(boxes.count()):
        if boxes.nth(index).get_attribute("value") != "strengthening-un-support-to-ssr":
            boxes.nth(index).uncheck()
    assert "1 of 5" in page.locator("#brief-summary").inner_text() and keep.count() == 1
    with page.expect_request("**/messages?stream=true") as sent:
        turn = ask(page, "What does the UN review say about support to SSR?")
    assert json.loads(sent.value.post_data)["documents"] == ["strengthening-un-support-to-ssr"]
    turn.locator(".marker").first.click()
    assert "Strengthening Security Sector Reform" in page.locator("#source-title").inner_text()
    page.keyboard.press("Escape")
    boxes.first.check()
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    assert page.get_by_role("button", name="Ask", exact=True).is_disabled()  # no brief chosen, nothing to search


def test_an_answer_is_copied_with_numbered_sources_and_its_support_level_shown(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url)
    page.get_by_text("briefs indexed").wait_for()
    turn = ask(page, "Which SSR entry points address weak or absent state protection?")
    assert turn.get_attribute("data-support") in ("answered", "partial")
    assert turn.locator(".support").inner_text().startswith(("Answered from the briefs", "Partly covered"))
    entry_points = turn.locator("details.entry-block")
    assert entry_points.count() == 1 and not entry_points.locator(".entry-points").is_visible()  # folded until asked for
    entry_points.locator("summary").click()
    assert entry_points.locator(".sources a").first.get_attribute("href").startswith("/documents/")
    turn.get_by_role("button", name="Copy with sources").click()
    turn.get_by_role("button", name="Copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[1]" in copied and "\n\nSources:\n[1] [" in copied and f"]({base_url}/documents/" in copied  # Markdown links
    turn.get_by_role("button", name="Copy with sources").wait_for()  # its label comes back after 2.5 s
    turn.get_by_role("button", name="Copy as plain text").click()
    turn.get_by_role("button", name="Copied").wait_for()
    plain = page.evaluate("navigator.clipboard.readText()")
    assert "\n\nSources:\n[1] " in plain and "](" not in plain and f" {base_url}/documents/" in plain
    context.close()


def test_the_keyboard_reaches_ask_citation_copy_and_picker(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base_url)
    page.get_by_text("briefs indexed").wait_for()
    page.get_by_label("Your question").focus()
    page.keyboard.type("Which SSR entry points address weak or absent state protection?")
    page.keyboard.press("Enter")
    page.locator("article.turn .answer .tools").first.wait_for(timeout=30_000)  # the whole answer

    def tab_to(selector: str, limit: int = 60) -> None:  # press Tab until the focus is on `selector`
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    page.evaluate("document.activeElement.blur()")
    tab_to(".marker")
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog").is_visible()
    page.keyboard.press("Escape")
    assert not page.get_by_role("dialog").is_visible()
    tab_to("button.copy")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Copied").wait_for()
    tab_to("#brief-summary")
    page.keyboard.press("Enter")
    tab_to("#brief-list input")
    page.keyboard.press("Space")
    assert "4 of 5" in page.locator("#brief-summary").inner_text()
    context.close()


def axe_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => `${v.id}: ${v.help} (${v.nodes.length})`)"
    )
    return list(found)


def test_no_serious_or_critical_accessibility_violations_on_any_view(browser, base_url):
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: `make test` installs it from npm.")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe only
    page = context.new_page()
    page.goto(base_url)
    page.get_by_text("briefs indexed").wait_for()
    turn = ask(page, "Which SSR entry points address weak or absent state protection?")
    turn.locator("details.entry-block summary").click()
    views = {"conversation": axe_violations(page)}
    turn.locator(".marker").first.click()
    views["citation"] = axe_violations(page)
    page.keyboard.press("Escape")
    page.locator("#brief-summary").click()
    views["picker"] = axe_violations(page)
    page.get_by_role("button", name="Entry points").click()
    page.locator(".factor").first.wait_for()
    views["entry points"] = axe_violations(page)
    ask_not_covered = page.get_by_role("button", name="Conversation")
    ask_not_covered.click()
    ask(page, "How many Rohingya refugees live in Bangladesh?")
    views["not covered"] = axe_violations(page)
    context.close()
    assert views == {name: [] for name in views}
