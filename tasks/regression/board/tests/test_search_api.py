# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""GET /api/search: keys, titles, descriptions and comments; case and accent folding, literal
%, _ and quotes, ranking, snippets with match ranges, and visibility per role."""

from conftest import ADA, EVE, error_of, ok


def results(client, q):
    from urllib.parse import quote

    return ok(client.get(f"/api/search?q={quote(q)}"))["results"]


def keys(client, q):
    return [r["issue"]["key"] for r in results(client, q)]


def test_search_ignores_accents_and_case_and_ranges_point_at_the_original_text(admin):
    found = results(admin, "CAFE")
    assert [r["issue"]["key"] for r in found] == ["WEB-13"]
    title = next(h for h in found[0]["hits"] if h["field"] == "title")
    assert title["snippet"] == "Café menu crashes on Résumé upload"
    assert title["ranges"] == [[0, 4]]
    assert keys(admin, "resume") == ["WEB-13"]


def test_percent_and_underscore_match_literally(admin):
    assert keys(admin, "100%") == ["WEB-5", "WEB-4"]
    assert keys(admin, "30_days") == ["INF-6"]
    assert keys(admin, "user_id") == ["WEB-11"]
    assert keys(admin, "%") == ["WEB-5", "INF-4", "WEB-4", "INF-2"]  # title matches first
    assert keys(admin, "_") == ["INF-6", "WEB-11"]


def test_quotes_match_literally(admin):
    assert keys(admin, '"smart quotes"') == ["WEB-12"]
    assert keys(admin, "Lovelace's") == []


def test_an_exact_key_comes_first_then_title_matches_then_by_last_update(admin):
    assert keys(admin, "web-1")[0] == "WEB-1"
    # title matches, the most recently updated first
    assert keys(admin, "checkout") == ["WEB-9", "WEB-2", "WEB-1", "WEB-10", "WEB-8"]
    assert keys(admin, "web-13") == ["WEB-13"]


def test_comment_hits_carry_the_comment_id_and_a_snippet(admin):
    found = results(admin, "sendmail")
    assert [r["issue"]["key"] for r in found] == ["WEB-3"]
    hit = found[0]["hits"][0]
    assert (hit["field"], hit["comment_id"]) == ("comment", 4)
    start, end = hit["ranges"][0]
    assert hit["snippet"][start:end] == "sendmail"


def test_a_guest_finds_only_issues_of_their_projects(api):
    api.login(EVE)
    assert keys(api, "%") == ["WEB-5", "WEB-4"]
    assert keys(api, "keys") == []


def test_an_empty_query_finds_nothing_and_long_queries_are_cut_to_200(admin):
    assert ok(admin.get("/api/search?q=%20%20")) == {"query": "", "results": []}
    body = ok(admin.get("/api/search?q=" + "a" * 250))
    assert len(body["query"]) == 200 and body["results"] == []


def test_search_needs_a_session(api):
    error_of(api.get("/api/search?q=checkout"), 401)


def test_search_finds_a_new_issue_by_its_description(api):
    api.login(ADA)
    ok(
        api.post(
            "/api/projects/INF/issues",
            {"title": "Quota", "description": "Raise the naïve quota to 5%"},
        ),
        201,
    )
    found = results(api, "naive quota")
    assert [r["issue"]["key"] for r in found] == ["INF-12"]
    hit = found[0]["hits"][0]
    assert hit["field"] == "description"
    start, end = hit["ranges"][0]
    assert hit["snippet"][start:end] == "naïve quota"
