# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""GET /api/search: matching, scope per role, snippets, and special characters."""

from urllib.parse import quote


def search(client, q):
    status, body = client.get(f"/api/search?q={quote(q)}")
    assert status == 200, f"searching {q!r} answered {status}: {body}"
    return body["tickets"]


def test_search_needs_two_characters(api_as):
    client = api_as("sam@desk.test")
    for q in ("", "a", "  b  "):
        status, body = client.get(f"/api/search?q={quote(q)}")
        assert (status, body.get("field")) == (400, "q"), f"q={q!r} answered {status} {body}"
    assert client.get("/api/search")[0] == 400


def test_search_is_case_insensitive_and_says_where_it_matched(api_as):
    client = api_as("sam@desk.test")
    results = {t["id"]: t for t in search(client, "EXPORT")}
    assert set(results) == {3, 10}
    assert (
        results[3]["match"] == "subject" and results[3]["snippet"] == "CSV export crashes the app"
    )
    assert results[3]["status"] == "open" and results[3]["requester"]["id"] == 6, (
        "results are summaries"
    )
    described = search(client, "hamburg")
    assert [(t["id"], t["match"]) for t in described] == [(2, "description")]
    assert "Hamburg" in described[0]["snippet"]


def test_search_finds_comments_and_internal_notes_for_agents(api_as):
    results = search(api_as("sam@desk.test"), "eng-212")
    assert [(t["id"], t["match"]) for t in results] == [(8, "comment")]
    assert "ENG-212" in results[0]["snippet"]


def test_customer_search_sees_own_tickets_and_public_comments_only(api_as):
    felix = api_as("felix@desk.test")
    assert search(felix, "ENG-212") == [], "a customer found a ticket through an internal note"
    assert [t["id"] for t in search(felix, "webhook")] == [8]
    carla = api_as("carla@desk.test")
    assert search(carla, "export") == [], "a customer found other customers' tickets"
    assert search(carla, "finance") == [], "internal note on Carla's #5 leaked through search"
    assert {t["id"] for t in search(carla, "charge")} == {5}


def test_search_treats_special_characters_literally(api_as):
    client = api_as("sam@desk.test")
    assert search(client, "%%") == [], "'%' must not act as a wildcard"
    assert search(client, "__") == [], "'_' must not act as a wildcard"
    assert [t["id"] for t in search(client, "#4471")] == [2]
    assert [t["id"] for t in search(client, "$49")] == [5]
    assert [t["id"] for t in search(client, "Export → CSV")] == [3]
