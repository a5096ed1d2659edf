"""Job posts of generated tasks: written from what a user sees, never from the patch or the
values the tests assert."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from swelancer_env.factory.mutations import Candidate, Mutation
from swelancer_env.factory.post import (
    category_of,
    observed,
    price_of,
    read_test,
    rewrite,
    write_post,
)
from swelancer_env.factory.probe import Proof
from swelancer_env.llm.scripted_server import ScriptedOpenAIServer

SUITE_TEST = '''\
"""The ticket page: the conversation and the composer."""

from urllib.parse import quote

from playwright.sync_api import expect

NEXT = 14


def open_ticket(login, email, ticket_id):
    page = login(email, path=f"/tickets/{ticket_id}")
    expect(page.get_by_test_id("ticket-page")).to_be_visible()
    return page


def test_reply_appears_and_clears_the_composer(login):
    page = open_ticket(login, "sam@desk.test", 1)
    text = "Could you try again?"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_role("button", name="Send reply").click()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id(f"comment-{NEXT}-author")).to_have_text("Sam Sato")
    assert page.get_by_test_id("composer-input").input_value() == ""


def test_search_finds_it(api_as):
    client = api_as("sam@desk.test")
    status, body = client.get(f"/api/search?q={quote('50% off')}")
    assert status == 200 and body["tickets"][0]["id"] == 7
'''


def _suite(tmp_path: Path) -> Path:
    tests = tmp_path / "regression" / "desk" / "tests"
    tests.mkdir(parents=True)
    (tests / "test_ticket_page.py").write_text(SUITE_TEST)
    return tests.parent


def _proof(failing: list[str], messages: list[str], path: str = "frontend/src/pages/Ticket.tsx", kind: str = "lose_state_update") -> Proof:  # fmt: skip
    patch = textwrap.dedent(f"""\
        diff --git a/{path} b/{path}
        --- a/{path}
        +++ b/{path}
        @@ -1,3 +1,2 @@
         a
        -    setDraft('');
         b
        """)
    m = Mutation(path, 0, 1, b"", kind, 2, f"{path}::Composer")
    return Proof(Candidate((m,), patch, "desk-synth-0000000000"), "validated", failing, [],
                 dict(zip(failing, messages, strict=True)))  # fmt: skip


def test_steps_are_read_from_the_test_and_its_helpers() -> None:
    r = read_test(SUITE_TEST, "test_reply_appears_and_clears_the_composer")
    assert [s.text for s in r.steps] == [
        "Sign in as sam@desk.test and open /tickets/1",
        "Type “Could you try again?” into the “composer input” element",
        "Click the “Send reply” button",
        "Press Escape",
    ]
    assert r.exact and r.emails == ["sam@desk.test"] and r.paths == ["/tickets/1"]
    assert "user.page.get_by_test_id('comment-14-author')" in r.checked


def test_api_steps_are_read_too() -> None:
    r = read_test(SUITE_TEST, "test_search_finds_it")
    assert [s.text for s in r.steps] == [
        "Sign in to the API as sam@desk.test",
        "Send GET /api/search?q=50%25%20off",
    ]
    assert r.api


def test_api_calls_inside_asserts_and_helpers_are_steps() -> None:
    source = (
        "def ok(resp):\n    status, body = resp\n    assert status == 200, body\n    return body\n\n"
        "def test_rename(api):\n"
        "    api.login('ben@board.test')\n"
        "    assert ok(api.patch('/api/projects/WEB', {'name': 'Website'}))['name'] == 'Website'\n"
        "    body = error_of(api.patch('/api/projects/WEB', {'archived': True}), 403)\n"
    )
    r = read_test(source, "test_rename")
    assert [s.text for s in r.steps] == [
        "Sign in to the API as ben@board.test",
        "Send PATCH /api/projects/WEB with {'name': 'Website'}",
        "Send PATCH /api/projects/WEB with {'archived': True}",
    ]


def test_a_post_says_what_the_user_saw_and_never_the_asserted_values(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    proof = _proof(
        ["test_ticket_page.py::test_reply_appears_and_clears_the_composer"],
        ["AssertionError: Locator expected to have text 'Sam Sato' Actual value: Priya Patel Call log:"],
    )  # fmt: skip
    post = write_post(proof, suite)
    assert post.title.startswith("The ticket page: ")
    assert "Sign in as sam@desk.test and open /tickets/1" in post.issue
    assert "**Actual:** it shows “Priya Patel”." in post.issue
    for secret in ("Sam Sato", "setDraft", "Ticket.tsx", "test_reply", "lose_state_update"):
        assert secret not in post.issue, secret
        assert secret not in post.user_tool, secret
    compile(post.user_tool, "user_tool.py", "exec")
    assert "user.login('sam@desk.test', path='/tickets/1')" in post.user_tool
    assert "_show(user, user.page.get_by_test_id('comment-14-author')" in post.user_tool
    assert post.price >= 250 and post.category == "application_logic"


def test_observed_never_repeats_the_expected_value() -> None:
    assert (
        observed("Locator expected to have text 'X' Actual value: Y Call log: ...")
        == "it shows “Y”"
    )
    assert observed("Locator expected to have count '0' Actual value: 2") == "the page shows 2 matching items"  # fmt: skip
    assert observed("Locator expected to have count '3' Actual value: 1") == "the page shows 1 matching item"  # fmt: skip
    chip = ' [waiting for get_by_test_id("tag-chip")]'
    assert observed("Locator expected to have count '0' Actual value: 2" + chip) == "the page shows 2 of the “tag chip” element"  # fmt: skip
    assert observed("Locator expected to be visible Actual value: None Error: element(s) not found") == "the element never shows up"  # fmt: skip
    assert observed("AssertionError: searching 'x' answered 500: {}") == "the server answers 500"
    # the element a failed wait looked for (the probe keeps it from Playwright's call log)
    waited = ' [waiting for get_by_test_id("tag-error")]'
    assert observed("Locator expected to be visible Actual value: None" + waited) == "the “tag error” element never shows up"  # fmt: skip
    assert observed("Locator expected to have text '15%' Actual value: 14%" + waited) == "the “tag error” element shows “14%”"  # fmt: skip
    assert observed('Locator.click: Timeout 5000ms exceeded. [waiting for get_by_role("button", name="Save")]') == "the “Save” button never becomes usable (it waits and nothing happens)"  # fmt: skip
    assert "Z" not in observed("AssertionError: assert 'Z' == 'W'")


@pytest.mark.parametrize(
    ("path", "kind", "category"),
    [
        ("server/api/tickets.py", "remove_permission_check", "security"),
        ("frontend/lib/markdown.js", "remove_escaping", "security"),
        ("server/tickets.py", "invert_condition", "server_side_logic"),
        ("frontend/src/pages/List.tsx", "drop_effect_dependency", "reliability"),
        ("frontend/src/components/Row.tsx", "invert_condition", "ui_ux"),
        ("frontend/src/lib/money.ts", "change_rounding", "application_logic"),
    ],
)
def test_category_follows_the_change(path: str, kind: str, category: str) -> None:
    assert category_of(_proof(["t.py::t"], ["m"], path, kind).candidate) == category


def test_price_grows_with_the_work() -> None:
    small = _proof(["t.py::t"], ["m"]).candidate
    assert price_of(small, 1) < price_of(small, 12)


def test_the_llm_writer_rewords_the_post_through_the_openai_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from swelancer_env.llm.client import ModelClient

    suite = _suite(tmp_path)
    proof = _proof(["test_ticket_page.py::test_reply_appears_and_clears_the_composer"],
                   ["Actual value: Priya Patel"])  # fmt: skip
    post = write_post(proof, suite)
    reworded = "# Replies show the wrong author\n\nI signed in as sam@desk.test, opened ticket 1..."
    monkeypatch.setenv("SCRIPTED_KEY", "k")
    with ScriptedOpenAIServer([{"replies": [{"content": reworded}]}]) as server:
        client = ModelClient("scripted", base_url=server.base_url, api_key_env="SCRIPTED_KEY")
        out = rewrite(post, client)
        sent = server.requests[0]["body"]["messages"]
    assert out.title == "Replies show the wrong author"
    assert out.issue.startswith(reworded)
    assert out.user_tool == post.user_tool and out.price == post.price
    assert sent[1]["content"] == post.issue  # the model sees the post, never the patch
    assert "setDraft" not in str(sent)


def test_a_helpers_default_arguments_are_used() -> None:
    """``open_issue(login, "WEB-2")`` with ``email=ADA`` left to its default: the sign-in and
    the page are read (a board task's user tool once started on the wrong page without them)."""
    source = (
        "def open_issue(login, key, email=ADA):\n"
        "    page = login(email, path=f'/issues/{key}')\n"
        "    return page\n\n"
        "def test_relation(login):\n"
        "    email = 'not-this@board.test'\n"
        "    page = open_issue(login, 'WEB-2')\n"
        "    page.get_by_test_id('relation-issue').fill('nonsense')\n"
        "    other = open_issue(login, 'WEB-3', email='eve@board.test')\n"
        "    row = page.get_by_test_id('relations').locator('li').filter(has_text='WEB-10')\n"
        "    row.get_by_role('button').click()\n"
    )
    r = read_test(source, "test_relation", "ADA = 'ada@board.test'\n")
    assert [s.text for s in r.steps] == [
        "Sign in as ada@board.test and open /issues/WEB-2",
        "Type “nonsense” into the “relation issue” element",
        "Sign in as eve@board.test and open /issues/WEB-3",
        "Click the button",
    ]
    # a locator kept in a name keeps its keyword arguments (the row with WEB-10, not any row)
    assert "filter(has_text='WEB-10')" in r.steps[-1].code
    assert r.exact
