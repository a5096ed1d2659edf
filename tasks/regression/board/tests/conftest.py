# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Shared fixtures and helpers of board's regression suite (the demo data is in the app's README).

Seeded ids never change. Users (password "password"): ada 1 (admin), ben 2 (member, WEB lead),
cleo 3 (member, MOB lead), dan 4 (member, INF lead), eve 5 (guest, WEB only), farah 6, gus 7,
hana 8 (members), all @board.test. Projects: WEB 17 issues, MOB 13, INF 11 (next keys WEB-18,
MOB-14, INF-12). Labels 1-8: Bug, Feature, Improvement, Design, Performance, Security, Docs,
Tech debt. Cycles: WEB 1 completed, 2 active, 3 upcoming; MOB 4 active, 5 upcoming; INF 6
completed, 7 active. 15 comments (the next is 16), 9 notifications (the next is 10).
The server's clock reads 2025-01-15T10:00:00Z when the suite starts.
"""

import pytest

ADA = "ada@board.test"
BEN = "ben@board.test"
CLEO = "cleo@board.test"
DAN = "dan@board.test"
EVE = "eve@board.test"
FARAH = "farah@board.test"
GUS = "gus@board.test"
HANA = "hana@board.test"

USER_IDS = {"ada": 1, "ben": 2, "cleo": 3, "dan": 4, "eve": 5, "farah": 6, "gus": 7, "hana": 8}
LABELS = {
    "Bug": 1,
    "Feature": 2,
    "Improvement": 3,
    "Design": 4,
    "Performance": 5,
    "Security": 6,
    "Docs": 7,
    "Tech debt": 8,
}

#: the seeded board of WEB, column by column, in card order
WEB_BOARD = {
    "backlog": ["WEB-7", "WEB-12", "WEB-16"],
    "todo": ["WEB-2", "WEB-5", "WEB-6", "WEB-10", "WEB-11", "WEB-13", "WEB-17"],
    "in_progress": ["WEB-1", "WEB-3", "WEB-9"],
    "in_review": ["WEB-4"],
    "done": ["WEB-8", "WEB-14"],
    "canceled": ["WEB-15"],
}


def ok(result, expected=200):
    """The body of an API answer, after checking its status."""
    status, body = result
    assert status == expected, f"expected HTTP {expected}, got {status}: {body}"
    return body


def error_of(result, expected):
    """The error body of an API answer, after checking its status and JSON error shape."""
    status, body = result
    assert status == expected, f"expected HTTP {expected}, got {status}: {body}"
    assert isinstance(body, dict) and isinstance(body.get("error"), str), (
        f"not a JSON error: {body}"
    )
    return body


@pytest.fixture
def api_as(api):
    """``api_as(email)``: a new API client signed in as that user (several users in one test)."""

    def make(email):
        client = type(api)(api.base)
        client.login(email)
        return client

    return make


@pytest.fixture
def admin(api_as):
    """An API client signed in as Ada (admin)."""
    return api_as(ADA)


def keys_of(page_body):
    """The issue keys of a list answer (``ListPage``), in order."""
    return [item["key"] for item in page_body["items"]]


def column_keys(page, status):
    """The card keys of a board column, top to bottom."""
    return (
        page.get_by_test_id(f"board-column-{status}")
        .locator("article.board-card")
        .evaluate_all(
            "cards => cards.map(c => c.getAttribute('data-testid').slice('board-card-'.length))"
        )
    )


def row_keys(page):
    """The issue keys of the list page's rows, top to bottom."""
    return page.locator("li.issue-row").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-testid').slice('issue-row-'.length))"
    )


def new_issue(client, project="WEB", **fields):
    """Creates an issue through the API and returns it."""
    body = {"title": "A fresh issue"}
    body.update(fields)
    return ok(client.post(f"/api/projects/{project}/issues", body), 201)
