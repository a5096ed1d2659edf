# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""GET /api/projects/:key/issues and /api/my-issues: filters, sorts, grouping, overdue in the
viewer's time zone, and cursor pagination."""

from conftest import ADA, BEN, CLEO, error_of, keys_of, new_issue, ok


def listing(client, query, project="WEB"):
    return ok(client.get(f"/api/projects/{project}/issues?{query}"))


def test_default_sort_is_priority_then_most_recently_updated(admin):
    body = listing(admin, "")
    assert body["total"] == 17
    assert keys_of(body) == [
        "WEB-13",
        "WEB-3",
        "WEB-4",
        "WEB-5",
        "WEB-1",
        "WEB-10",
        "WEB-17",
        "WEB-16",
        "WEB-9",
        "WEB-2",
        "WEB-6",
        "WEB-8",
        "WEB-15",
        "WEB-11",
        "WEB-14",
        "WEB-7",
        "WEB-12",
    ]
    assert body["next_cursor"] is None


def test_status_filter_takes_a_comma_list_or_repeated_parameters(admin):
    expected = ["WEB-3", "WEB-4", "WEB-1", "WEB-9"]
    assert keys_of(listing(admin, "status=in_progress,in_review")) == expected
    assert keys_of(listing(admin, "status=in_progress&status=in_review")) == expected
    body = error_of(admin.get("/api/projects/WEB/issues?status=doing"), 400)
    assert body["field"] == "status"


def test_assignee_filter_understands_me_none_and_ids(api):
    api.login(CLEO)
    assert keys_of(listing(api, "assignee=me")) == ["WEB-13", "WEB-2", "WEB-6", "WEB-8"]
    assert keys_of(listing(api, "assignee=none")) == ["WEB-15", "WEB-7", "WEB-12"]
    assert keys_of(listing(api, "assignee=7,none")) == [
        "WEB-4",
        "WEB-15",
        "WEB-11",
        "WEB-7",
        "WEB-12",
    ]


def test_label_filter_matches_any_of_the_labels(admin):
    assert keys_of(listing(admin, "label=6,7")) == ["WEB-5", "WEB-11", "WEB-14"]
    assert listing(admin, "label=1")["total"] == 5


def test_overdue_filter_lists_open_issues_due_before_today(admin):
    assert keys_of(listing(admin, "overdue=true")) == ["WEB-13", "WEB-3", "WEB-4"]
    summaries = {i["key"]: i for i in listing(admin, "limit=200")["items"]}
    assert summaries["WEB-5"]["overdue"] is False  # due today
    assert summaries["WEB-13"]["overdue"] is True


def test_overdue_uses_the_viewers_time_zone(api):
    api.login(BEN)
    # 10:00 UTC is still 2025-01-15 in New York; in Kiritimati (UTC+14) it is already the 16th
    assert "WEB-5" not in keys_of(listing(api, "overdue=true"))
    ok(api.patch("/api/me", {"time_zone": "Pacific/Kiritimati"}))
    assert keys_of(listing(api, "overdue=true")) == ["WEB-13", "WEB-3", "WEB-4", "WEB-5"]


def test_closing_an_issue_takes_it_off_the_overdue_list(admin):
    ok(admin.patch("/api/issues/WEB-13", {"status": "canceled"}))
    assert keys_of(listing(admin, "overdue=true")) == ["WEB-3", "WEB-4"]
    assert ok(admin.get("/api/issues/WEB-13"))["overdue"] is False


def test_cycle_filter_takes_an_id_active_or_none(admin):
    assert keys_of(listing(admin, "cycle=1")) == ["WEB-8", "WEB-15", "WEB-14"]
    assert listing(admin, "cycle=active")["total"] == 8
    assert keys_of(listing(admin, "cycle=none")) == ["WEB-13", "WEB-11", "WEB-7", "WEB-12"]


def test_sort_by_due_date_puts_issues_without_one_last(admin):
    keys = keys_of(listing(admin, "sort=due"))
    assert keys[:8] == ["WEB-3", "WEB-13", "WEB-4", "WEB-5", "WEB-2", "WEB-1", "WEB-17", "WEB-10"]
    assert keys[-1] == "WEB-12"


def test_sort_by_estimate_puts_the_largest_first_and_none_last(admin):
    keys = keys_of(listing(admin, "sort=estimate"))
    assert keys[:3] == ["WEB-1", "WEB-17", "WEB-7"]
    assert keys[-1] == "WEB-12"


def test_sort_by_created_is_newest_first(admin):
    assert keys_of(listing(admin, "sort=created&limit=3")) == ["WEB-17", "WEB-16", "WEB-13"]


def test_grouping_by_assignee_orders_groups_by_name_with_unassigned_last(admin):
    keys = keys_of(listing(admin, "group=assignee"))
    names = [
        i["assignee"]["name"] if i["assignee"] else None
        for i in listing(admin, "group=assignee")["items"]
    ]
    assert names == sorted(names, key=lambda n: (n is None, n or ""))
    assert keys[:2] == ["WEB-14", "WEB-5"]  # Ada's, then Ben's most urgent
    assert keys[-3:] == ["WEB-15", "WEB-7", "WEB-12"]


def test_pages_of_50_with_an_opaque_cursor_cover_every_issue_once(admin):
    for n in range(40):
        new_issue(admin, title=f"Bulk issue {n:02d}")
    first = listing(admin, "sort=created")
    assert (len(first["items"]), first["total"]) == (50, 57)
    assert first["next_cursor"]
    second = listing(admin, f"sort=created&cursor={first['next_cursor']}")
    assert (len(second["items"]), second["total"], second["next_cursor"]) == (7, 57, None)
    keys = keys_of(first) + keys_of(second)
    assert len(set(keys)) == 57
    assert keys[0] == "WEB-57"


def test_limit_is_capped_and_a_bad_cursor_is_a_400(admin):
    assert len(listing(admin, "limit=5")["items"]) == 5
    error_of(admin.get("/api/projects/WEB/issues?limit=201"), 400)
    body = error_of(admin.get("/api/projects/WEB/issues?cursor=garbage"), 400)
    assert (body["error"], body["field"]) == ("Invalid cursor", "cursor")


def test_my_issues_lists_the_viewers_issues_across_projects_by_last_update(api):
    api.login(ADA)
    body = ok(api.get("/api/my-issues"))
    assert keys_of(body) == ["INF-10", "WEB-14"]
    api.login(CLEO)
    keys = keys_of(ok(api.get("/api/my-issues?status=todo")))
    assert keys == ["WEB-13", "WEB-2", "WEB-6", "MOB-4", "MOB-11"]
