# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Search ignores accents as well as case, in keys, titles, descriptions and comments, on both
sides (an accented query finds plain text and the other way round); title matches still rank
first, and %, _ still match literally."""

from urllib.parse import quote

from playwright.sync_api import expect

WEB13_TITLE = "Café menu crashes on Résumé upload"


def _search(api, query):
    status, body = api.get("/api/search?q=" + quote(query))
    assert status == 200, body
    return body["results"]


def _keys(results):
    return [result["issue"]["key"] for result in results]


def _result(results, key, query):
    for result in results:
        if result["issue"]["key"] == key:
            return result
    raise AssertionError(f"searching {query!r} should find {key}, got {_keys(results)}")


def _hit(result, field, query):
    for hit in result["hits"]:
        if hit["field"] == field:
            return hit
    raise AssertionError(f"searching {query!r}: {result['issue']['key']} should have a {field} hit, got {result['hits']}")


def test_search_page_finds_accented_title_without_accents(login):
    page = login("ben@board.test", path="/search?q=cafe")
    expect(page.get_by_test_id("search-result-WEB-13")).to_be_visible()
    expect(page.get_by_test_id("search-result-title-WEB-13")).to_have_text(WEB13_TITLE)
    expect(page.get_by_test_id("search-result-title-WEB-13").locator("mark")).to_have_text("Café")
    page.get_by_test_id("search-page-input").fill("RESUMÉ")
    page.get_by_test_id("search-submit").click()
    expect(page.get_by_test_id("search-result-title-WEB-13").locator("mark")).to_have_text("Résumé")


def test_title_matches_ignore_accents_and_case(api):
    api.login("ada@board.test")
    start = WEB13_TITLE.index("Résumé")
    for query, expected in (
        ("cafe", [[0, 4]]),
        ("Café", [[0, 4]]),
        ("CAFÉ MENU", [[0, 9]]),
        ("resume", [[start, start + 6]]),
        ("RÉSUMÉ UPLOAD", [[start, start + 13]]),
        ("on resume", [[start - 3, start + 6]]),
    ):
        results = _search(api, query)
        result = _result(results, "WEB-13", query)
        assert _keys(results)[0] == "WEB-13", f"searching {query!r}: the title match WEB-13 should come first, got {_keys(results)}"
        assert _hit(result, "title", query)["ranges"] == expected, f"searching {query!r}: title ranges {_hit(result, 'title', query)['ranges']}, expected {expected}"


def test_seeded_comment_matches_without_accents(api):
    api.login("ada@board.test")
    result = _result(_search(api, "resume.pdf"), "WEB-13", "resume.pdf")
    hit = _hit(result, "comment", "resume.pdf")
    assert "Résumé.pdf" in hit["snippet"] and hit["ranges"], f"searching 'resume.pdf': the WEB-13 comment hit should highlight Résumé.pdf, got {hit}"


def test_descriptions_and_comments_ignore_accents(api):
    api.login("ada@board.test")
    status, issue = api.post(
        "/api/projects/WEB/issues",
        {"title": "Slow first load for EU customers", "description": "Customers near the ZÜRICH edge wait 9 s for the first paint."},
    )
    assert status == 201, issue
    key = issue["key"]
    status, comment = api.post(f"/api/issues/{key}/comments", {"body": "Ångström from the señor jalapeño team saw it too."})
    assert status == 201, comment

    for query in ("zurich", "Zürich", "edge wait"):
        result = _result(_search(api, query), key, query)
        _hit(result, "description", query)
    for query in ("angstrom", "ÅNGSTRÖM", "senor jalapeno", "jalapeño"):
        result = _result(_search(api, query), key, query)
        hit = _hit(result, "comment", query)
        assert hit["comment_id"] == comment["id"], f"searching {query!r}: the comment hit should name comment {comment['id']}, got {hit}"

    # plain text found by an accented query
    status, plain = api.post("/api/projects/WEB/issues", {"title": "Cafeteria kiosk login", "description": "The naive retry loop never stops."})
    assert status == 201, plain
    for query in ("cafétéria", "naïve"):
        _result(_search(api, query), plain["key"], query)


def test_title_matches_rank_before_other_matches(api):
    api.login("ada@board.test")
    status, newer = api.post(
        "/api/projects/WEB/issues", {"title": "Menu flickers on tablets", "description": "Seen on the café terminal at the entrance."}
    )
    assert status == 201, newer
    for query in ("cafe", "café"):
        keys = _keys(_search(api, query))
        assert newer["key"] in keys, f"searching {query!r} should find {newer['key']} (description match), got {keys}"
        assert keys.index("WEB-13") < keys.index(newer["key"]), (
            f"searching {query!r}: WEB-13 matches in its title and should rank before {newer['key']} (description only, updated later), got {keys}"
        )


def test_percent_and_underscore_stay_literal(api):
    api.login("ada@board.test")
    created = []
    for title in ("Retry 100 times before giving up", "Keep logs 30 days in staging"):
        status, body = api.post("/api/projects/INF/issues", {"title": title})
        assert status == 201, body
        created.append(body["key"])
    keys = _keys(_search(api, "100%"))
    assert {"WEB-5", "WEB-4"} <= set(keys), f"searching '100%' should find WEB-5 (title) and WEB-4 (comment), got {keys}"
    assert created[0] not in keys, f"searching '100%' matched {created[0]} 'Retry 100 times...': % must match literally, got {keys}"
    keys = _keys(_search(api, "30_days"))
    assert keys == ["INF-6"], f"searching '30_days' should find only INF-6 (_ matches literally), got {keys}"
