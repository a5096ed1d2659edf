# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""HTML typed in a chat message is shown as text everywhere (inline code, link text, plain
text) and the chat formatting keeps working."""

from playwright.sync_api import expect


def _post_and_open(page, login, api, body):
    api.login("alice@tally.test")
    status, answer = api.post("/api/rooms/2/messages", {"body": body})
    assert status in (200, 201), answer
    message_id = answer["message"]["id"]
    login("alice@tally.test", path="/rooms/2")
    rendered = page.get_by_test_id(f"body-{message_id}")
    expect(rendered).to_be_visible()
    return rendered


def test_html_in_inline_code_is_shown_as_text(page, login, api):
    body = _post_and_open(
        page, login, api,
        "Use `<b>bold</b>` in the template, not `<img src=x onerror=\"window.__pwned=1\">`",
    )
    code = body.locator("code")
    expect(code).to_have_count(2)
    expect(code.nth(0)).to_have_text("<b>bold</b>")
    expect(code.nth(1)).to_have_text('<img src=x onerror="window.__pwned=1">')
    expect(body.locator("b, img")).to_have_count(0)
    assert page.evaluate("window.__pwned === undefined")


def test_html_in_link_text_is_shown_as_text(page, login, api):
    body = _post_and_open(
        page, login, api,
        "Agenda: [<i>Q3</i> plan <img src=x onerror=window.__pwned=1>](https://example.com/plan?a=1&b=2)",
    )
    anchor = body.locator("a")
    expect(anchor).to_have_count(1)
    expect(anchor).to_have_text("<i>Q3</i> plan <img src=x onerror=window.__pwned=1>")
    expect(anchor).to_have_attribute("href", "https://example.com/plan?a=1&b=2")
    expect(body.locator("i, img")).to_have_count(0)
    assert page.evaluate("window.__pwned === undefined")


def test_plain_text_and_formatting_still_render(page, login, api):
    body = _post_and_open(
        page, login, api,
        "Fish & chips <3 *today* at `5 > 4`, see https://example.com/menu?x=1&y=2",
    )
    expect(body).to_have_text("Fish & chips <3 today at 5 > 4, see https://example.com/menu?x=1&y=2")
    expect(body.locator("strong")).to_have_text("today")
    expect(body.locator("code")).to_have_text("5 > 4")
    expect(body.locator("a")).to_have_attribute("href", "https://example.com/menu?x=1&y=2")
    seeded = page.get_by_test_id("body-7")
    expect(seeded.locator("a")).to_have_attribute("href", "https://www.lufthansa.com")
    expect(page.get_by_test_id("body-8").locator("pre code")).to_contain_text("JFK -> FRA")
