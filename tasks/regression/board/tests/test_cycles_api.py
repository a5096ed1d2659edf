# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""/api/projects/:key/cycles and /api/cycles/:id: status from the dates, progress in points,
scope changes, overlaps, editing rules and completing a cycle."""

from conftest import BEN, EVE, HANA, error_of, keys_of, new_issue, ok


def test_cycles_have_status_progress_and_scope_from_the_seeded_dates(admin):
    cycles = ok(admin.get("/api/projects/WEB/cycles"))
    got = [
        (
            c["id"],
            c["name"],
            c["status"],
            c["done_points"],
            c["total_points"],
            c["progress"],
            c["scope_changes"],
        )
        for c in cycles
    ]
    assert got == [
        (1, "Sprint 1", "completed", 4, 4, 100, 1),
        (2, "Sprint 2", "active", 0, 31, 0, 2),
        (3, "Sprint 3", "upcoming", 0, 13, 0, 0),
    ]
    mob = ok(admin.get("/api/projects/MOB/cycles"))[0]
    assert (
        mob["done_points"],
        mob["total_points"],
        mob["progress"],
        mob["done_count"],
        mob["issue_count"],
    ) == (4, 27, 15, 2, 8)


def test_canceled_issues_count_for_neither_side_of_the_progress(admin):
    ok(admin.patch("/api/issues/WEB-2", {"status": "done"}))
    cycle = ok(admin.get("/api/cycles/2"))
    assert (cycle["done_points"], cycle["total_points"], cycle["progress"]) == (2, 31, 6)
    ok(admin.patch("/api/issues/WEB-10", {"status": "canceled"}))
    cycle = ok(admin.get("/api/cycles/2"))
    assert (cycle["done_points"], cycle["total_points"], cycle["progress"]) == (2, 28, 7)


def test_cycle_detail_lists_its_issues_in_card_order(admin):
    cycle = ok(admin.get("/api/cycles/1"))
    assert cycle["project_key"] == "WEB"
    assert [i["key"] for i in cycle["issues"]] == ["WEB-8", "WEB-15", "WEB-14"]


def test_adding_to_and_removing_from_an_active_cycle_counts_scope_changes(admin):
    ok(admin.patch("/api/issues/WEB-11", {"cycle_id": 2}))
    assert ok(admin.get("/api/cycles/2"))["scope_changes"] == 3
    ok(admin.patch("/api/issues/WEB-11", {"cycle_id": None}))
    assert ok(admin.get("/api/cycles/2"))["scope_changes"] == 4
    ok(admin.patch("/api/issues/WEB-11", {"cycle_id": 3}))  # upcoming: no scope change
    assert ok(admin.get("/api/cycles/3"))["scope_changes"] == 0
    new_issue(admin, title="In the sprint", cycle_id=2)
    assert ok(admin.get("/api/cycles/2"))["scope_changes"] == 5


def test_a_completed_cycle_cannot_receive_issues_or_be_edited(admin):
    body = error_of(admin.patch("/api/issues/WEB-11", {"cycle_id": 1}), 409)
    assert (body["error"], body["field"]) == ("Sprint 1 is completed", "cycle_id")
    body = error_of(admin.patch("/api/cycles/1", {"name": "Old sprint"}), 409)
    assert body["error"] == "Sprint 1 is completed and can no longer change"
    body = error_of(admin.patch("/api/issues/WEB-11", {"cycle_id": 4}), 400)
    assert (body["error"], body["field"]) == ("No such cycle in this project", "cycle_id")


def test_a_new_cycle_is_named_after_its_number_and_may_not_overlap(admin):
    cycle = ok(
        admin.post(
            "/api/projects/WEB/cycles", {"starts_on": "2025-02-03", "ends_on": "2025-02-16"}
        ),
        201,
    )
    assert (cycle["name"], cycle["number"], cycle["status"], cycle["progress"]) == (
        "Cycle 4",
        4,
        "upcoming",
        0,
    )
    body = error_of(
        admin.post(
            "/api/projects/WEB/cycles", {"starts_on": "2025-02-16", "ends_on": "2025-02-20"}
        ),
        409,
    )
    assert (body["error"], body["field"]) == (
        "The dates overlap Cycle 4 (2025-02-03 to 2025-02-16)",
        "starts_on",
    )
    body = error_of(
        admin.post(
            "/api/projects/WEB/cycles", {"starts_on": "2025-03-10", "ends_on": "2025-03-01"}
        ),
        400,
    )
    assert (body["error"], body["field"]) == (
        "The cycle must end on or after its start date",
        "ends_on",
    )


def test_an_active_cycle_keeps_its_start_date_but_may_be_renamed_and_extended(admin):
    body = error_of(admin.patch("/api/cycles/2", {"starts_on": "2025-01-07"}), 409)
    assert (body["error"], body["field"]) == ("An active cycle keeps its start date", "starts_on")
    body = error_of(
        admin.patch("/api/cycles/2", {"ends_on": "2025-01-21"}), 409
    )  # overlaps Sprint 3
    assert body["field"] == "starts_on"
    cycle = ok(admin.patch("/api/cycles/2", {"name": " Sprint  2b ", "ends_on": "2025-01-18"}))
    assert (cycle["name"], cycle["starts_on"], cycle["ends_on"]) == (
        "Sprint 2b",
        "2025-01-06",
        "2025-01-18",
    )


def test_completing_a_cycle_moves_unfinished_issues_to_the_next_one(admin):
    result = ok(admin.post("/api/cycles/2/complete"))
    assert result["cycle"]["status"] == "completed"
    assert result["next_cycle"]["id"] == 3
    assert result["moved_count"] == 8
    sprint3 = ok(admin.get("/api/cycles/3"))
    assert len(sprint3["issues"]) == 10
    assert ok(admin.get("/api/issues/WEB-1"))["cycle"]["name"] == "Sprint 3"
    last = ok(admin.get("/api/issues/WEB-1/activity"))[-1]
    assert (last["field"], last["from"], last["to"]) == ("cycle", "Sprint 2", "Sprint 3")
    assert ok(admin.get("/api/projects/WEB"))["active_cycle_id"] is None


def test_completing_the_last_cycle_takes_issues_out_of_any_cycle(admin):
    result = ok(admin.post("/api/cycles/7/complete"))
    assert (result["next_cycle"], result["moved_count"]) == (None, 5)
    out = set(keys_of(ok(admin.get("/api/projects/INF/issues?cycle=none"))))
    assert {"INF-2", "INF-3", "INF-4", "INF-7", "INF-9"} <= out
    assert ok(admin.get("/api/issues/INF-2"))["cycle"] is None


def test_only_a_started_unfinished_cycle_can_be_completed(admin):
    body = error_of(admin.post("/api/cycles/3/complete"), 409)
    assert body["error"] == "Sprint 3 has not started yet"
    body = error_of(admin.post("/api/cycles/1/complete"), 409)
    assert body["error"] == "Sprint 1 is already completed"


def test_guests_and_non_members_cannot_plan_cycles(api_as):
    eve = api_as(EVE)
    error_of(
        eve.post("/api/projects/WEB/cycles", {"starts_on": "2025-03-01", "ends_on": "2025-03-05"}),
        403,
    )
    error_of(eve.get("/api/cycles/4"), 404)
    hana = api_as(HANA)
    error_of(hana.post("/api/cycles/2/complete"), 403)
    ben = api_as(BEN)
    assert ok(ben.patch("/api/cycles/3", {"name": "Sprint three"}))["name"] == "Sprint three"
