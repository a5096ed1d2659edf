# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A cycle's progress: done points over the points of its issues (canceled ones left out),
rounded to the nearest whole percent, on the cycle page, the cycles list and in the API."""

from playwright.sync_api import expect


def _progress_everywhere(api, cycle_id, project_key):
    status, detail = api.get(f"/api/cycles/{cycle_id}")
    assert status == 200, detail
    status, cycles = api.get(f"/api/projects/{project_key}/cycles")
    assert status == 200, cycles
    listed = next(cycle for cycle in cycles if cycle["id"] == cycle_id)
    return detail, listed


def _expect_progress(api, cycle_id, done, total, percent, why):
    detail, listed = _progress_everywhere(api, cycle_id, "INF")
    assert (detail["done_points"], detail["total_points"]) == (done, total), (
        f"setup: expected {done}/{total} points, the cycle reports {detail['done_points']}/{detail['total_points']}"
    )
    assert detail["progress"] == percent, (
        f"GET /api/cycles/{cycle_id}: {done} of {total} points done ({why}) should be {percent}%, got {detail['progress']}%"
    )
    assert listed["progress"] == percent, (
        f"GET /api/projects/INF/cycles: {done} of {total} points done ({why}) should be {percent}%, got {listed['progress']}%"
    )


def _issue(api, title, cycle_id, estimate, status="todo"):
    code, body = api.post(
        "/api/projects/INF/issues", {"title": title, "cycle_id": cycle_id, "estimate": estimate, "status": status}
    )
    assert code == 201, body
    return body["key"]


def _estimate(api, key, estimate):
    code, body = api.patch(f"/api/issues/{key}", {"estimate": estimate})
    assert code == 200, body


def test_cycle_page_shows_rounded_progress(login, api):
    api.login("ada@board.test")
    detail, _ = _progress_everywhere(api, 4, "MOB")
    assert (detail["done_points"], detail["total_points"]) == (4, 27), "setup: MOB Cycle 1 should have 4 of 27 points done"
    page = login("ada@board.test", path="/cycles/4")
    expect(page.get_by_test_id("cycle-name")).to_have_text("Cycle 1")
    # 4 of 27 points is 14.8%
    expect(page.get_by_test_id("cycle-progress-4")).to_have_text("15%")
    expect(page.get_by_test_id("cycle-progress-bar-4")).to_have_attribute("aria-valuenow", "15")
    assert detail["progress"] == 15, f"GET /api/cycles/4: 4 of 27 points done should be 15%, got {detail['progress']}%"


def test_cycles_list_shows_rounded_progress(login):
    page = login("cleo@board.test", path="/projects/MOB/cycles")
    expect(page.get_by_test_id("cycle-row-4")).to_be_visible()
    expect(page.get_by_test_id("cycle-progress-4")).to_have_text("15%")
    expect(page.get_by_test_id("cycle-row-5").get_by_test_id("cycle-progress-5")).to_have_text("0%")


def test_progress_rounds_to_the_nearest_percent(api, login):
    api.login("ada@board.test")
    code, cycle = api.post("/api/projects/INF/cycles", {"name": "Hardening", "starts_on": "2025-03-03", "ends_on": "2025-03-16"})
    assert code == 201, cycle
    cycle_id = cycle["id"]
    assert cycle["progress"] == 0, f"a new cycle without issues should be 0%, got {cycle['progress']}%"

    first = _issue(api, "Rotate the staging certificates", cycle_id, 1, status="done")
    second = _issue(api, "Pin the base images", cycle_id, 2)
    _expect_progress(api, cycle_id, 1, 3, 33, "33.3%, rounds down")

    _estimate(api, first, 2)
    _estimate(api, second, 1)
    _expect_progress(api, cycle_id, 2, 3, 67, "66.7%, rounds up")

    _estimate(api, first, 1)
    _estimate(api, second, 5)
    third = _issue(api, "Alert on disk usage", cycle_id, 2)
    _expect_progress(api, cycle_id, 1, 8, 13, "12.5%, a half rounds up")

    _estimate(api, second, 8)
    _estimate(api, third, None)
    _issue(api, "Drop the old VPN", cycle_id, 13, status="canceled")
    _expect_progress(api, cycle_id, 1, 9, 11, "11.1%, the canceled issue left out")

    _estimate(api, second, 0)
    _expect_progress(api, cycle_id, 1, 1, 100, "all points done")

    _estimate(api, second, 2)
    _estimate(api, first, 1)
    page = login("ada@board.test", path=f"/cycles/{cycle_id}")
    expect(page.get_by_test_id("cycle-name")).to_have_text("Hardening")
    expect(page.get_by_test_id(f"cycle-progress-{cycle_id}")).to_have_text("33%")
    _estimate(api, second, 1)
    _estimate(api, first, 2)
    page.reload()
    expect(page.get_by_test_id(f"cycle-progress-{cycle_id}")).to_have_text("67%")
