# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Reports through the API: who sees them, the status workflow, totals."""

from conftest import ACME, ALICE, BOB, CAROL, DAN, EURO, HENRI, expense_body, ok


def test_report_list_shape_and_totals(as_user):
    api = as_user(ALICE)
    reports = ok(api.get(f"/api/workspaces/{ACME}/reports"))["reports"]
    by_id = {r["id"]: r for r in reports}
    assert set(by_id) == {1, 2, 3, 4, 5}, "the admin sees every report of the workspace"
    first = by_id[1]
    assert first["total"] == 83050 and first["currency"] == "USD" and first["expense_count"] == 4
    assert first["owner"] == {"id": 1, "name": "Alice Admin", "email": ALICE}
    assert first["status"] == "open" and first["title"] == "NYC client visit"
    assert by_id[3]["total"] == 113300, "EUR expenses must add up converted into USD"


def test_member_lists_only_their_own_reports(fresh_api):
    bob = ok(fresh_api(BOB).get(f"/api/workspaces/{ACME}/reports"))["reports"]
    assert sorted(r["id"] for r in bob) == [2, 3, 5], bob
    dan = ok(fresh_api(DAN).get(f"/api/workspaces/{ACME}/reports"))["reports"]
    assert dan == [], dan


def test_auditor_lists_every_report(as_user):
    reports = ok(as_user(CAROL).get(f"/api/workspaces/{ACME}/reports"))["reports"]
    assert sorted(r["id"] for r in reports) == [1, 2, 3, 4, 5]


def test_report_list_filters_by_status(as_user):
    api = as_user(ALICE)
    submitted = ok(api.get(f"/api/workspaces/{ACME}/reports?status=submitted"))["reports"]
    assert [r["id"] for r in submitted] == [3]
    status, body = api.get(f"/api/workspaces/{ACME}/reports?status=lost")
    assert status == 400 and body.get("field") == "status", (status, body)


def test_report_detail_shape(as_user):
    report = ok(as_user(ALICE).get("/api/reports/1"))
    assert report["room_id"] == 4 and report["violation_count"] == 1
    assert report["workspace"] == {
        "id": 1,
        "name": "Acme Travel",
        "currency": "USD",
        "receipt_required_over": 7500,
    }
    assert set(report["permissions"]) == {"edit", "submit"}, report["permissions"]
    expenses = {e["id"]: e for e in report["expenses"]}
    assert expenses[3]["violations"] == ["receipt_required"]
    assert expenses[4]["violations"] == [], "exactly the threshold needs no receipt"
    assert expenses[1]["receipt"] and expenses[1]["category"] == {"id": 1, "name": "Travel"}


def test_foreign_currency_expense_is_converted_to_workspace_currency(as_user):
    report = ok(as_user(HENRI).get("/api/reports/6"))
    muji = next(e for e in report["expenses"] if e["id"] == 15)
    assert (muji["amount"], muji["currency"], muji["converted_amount"]) == (5000, "JPY", 3182)
    assert report["total"] == 20582 and report["currency"] == "EUR"


def test_member_gets_404_for_someone_elses_report(fresh_api):
    dan = fresh_api(DAN)
    for path in ("/api/reports/1", "/api/rooms/4", "/api/rooms/4/messages"):
        status, _ = dan.get(path)
        assert status == 404, f"Dan (member) reached {path}: {status}"
    status, _ = fresh_api(HENRI).get("/api/reports/2")
    assert status == 404, "an outsider reached another workspace's report"


def test_create_report_opens_it_with_its_own_room(as_user):
    api = as_user(BOB)
    report = ok(api.post(f"/api/workspaces/{ACME}/reports", {"title": "  June travel "}), 201)
    assert report["title"] == "June travel" and report["status"] == "open"
    assert report["total"] == 0 and report["expenses"] == [] and report["owner"]["id"] == 2
    room = ok(api.get(f"/api/rooms/{report['room_id']}"))
    assert room["kind"] == "report" and room["report_id"] == report["id"]


def test_create_report_validates_title_and_role(fresh_api):
    bob = fresh_api(BOB)
    status, body = bob.post(f"/api/workspaces/{ACME}/reports", {"title": "   "})
    assert status == 400 and body.get("field") == "title", (status, body)
    status, body = bob.post(f"/api/workspaces/{ACME}/reports", {"title": "x" * 101})
    assert status == 400 and body.get("field") == "title", (status, body)
    status, _ = fresh_api(CAROL).post(f"/api/workspaces/{ACME}/reports", {"title": "Audit"})
    assert status == 403, f"an auditor created a report ({status})"


def test_owner_renames_open_report_only(as_user):
    api = as_user(BOB)
    assert ok(api.patch("/api/reports/2", {"title": "Q2 office"}))["title"] == "Q2 office"
    status, _ = api.patch("/api/reports/3", {"title": "Changed"})
    assert status == 403, f"a submitted report was renamed ({status})"


def test_submit_is_refused_while_a_receipt_is_missing(as_user):
    api = as_user(ALICE)
    status, body = api.post("/api/reports/1/submit")
    assert status == 400 and "The Standard Hotel" in body["error"], (status, body)
    assert "$75.00" in body["error"], f"the threshold is not shown as money: {body}"
    ok(api.post("/api/expenses/3/receipt", {"filename": "standard.pdf"}))
    report = ok(api.post("/api/reports/1/submit"))
    assert report["status"] == "submitted" and report["submitted_at"]
    assert report["permissions"] == ["approve", "reject"] or set(report["permissions"]) == {
        "approve",
        "reject",
    }


def test_empty_report_cannot_be_submitted(as_user):
    api = as_user(BOB)
    report = ok(api.post(f"/api/workspaces/{ACME}/reports", {"title": "Empty"}), 201)
    status, body = api.post(f"/api/reports/{report['id']}/submit")
    assert status == 400, (status, body)


def test_admin_approves_a_submitted_report(as_user):
    report = ok(as_user(ALICE).post("/api/reports/3/approve"))
    assert report["status"] == "approved"
    assert report["decided_by"]["id"] == 1 and report["permissions"] == []


def test_auditor_and_member_cannot_approve_or_reject(fresh_api):
    for email in (CAROL, BOB):
        client = fresh_api(email)
        for action in ("approve", "reject"):
            status, _ = client.post(f"/api/reports/3/{action}", {"reason": "no"})
            assert status == 403, f"{email} could {action} report 3 ({status})"
    report = ok(fresh_api(CAROL).get("/api/reports/3"))
    assert report["status"] == "submitted" and report["permissions"] == []


def test_reject_posts_the_reason_in_the_reports_chat(as_user):
    api = as_user(ALICE)
    report = ok(api.post("/api/reports/3/reject", {"reason": "  Missing boarding passes "}))
    assert report["status"] == "rejected"
    bodies = [m["body"] for m in ok(api.get("/api/rooms/6/messages"))["messages"]]
    assert bodies[-1] == "Rejected: Missing boarding passes", bodies
    for room in (1, 2, 4):
        assert not any(
            "boarding" in m["body"] for m in ok(api.get(f"/api/rooms/{room}/messages"))["messages"]
        )


def test_owner_reopens_a_rejected_report_and_decision_is_cleared(as_user):
    api = as_user(BOB)
    report = ok(api.post("/api/reports/5/reopen"))
    assert report["status"] == "open" and report["decided_by"] is None
    assert report["submitted_at"] is None and report["decided_at"] is None
    assert "edit" in report["permissions"]


def test_status_rules_refuse_wrong_transitions(as_user):
    api = as_user(ALICE)
    for path, why in (
        ("/api/reports/4/reopen", "an approved report reopened"),
        ("/api/reports/1/approve", "an open report approved"),
        ("/api/reports/4/submit", "an approved report submitted again"),
    ):
        status, _ = api.post(path)
        assert status == 403, f"{why} ({status})"


def test_locked_report_expenses_cannot_change(as_user):
    api = as_user(BOB)
    for method, path, body in (
        ("POST", "/api/reports/3/expenses", expense_body()),
        ("PATCH", "/api/expenses/8", {"amount": 100}),
        ("DELETE", "/api/expenses/8", None),
        ("DELETE", "/api/expenses/9/receipt", None),
    ):
        status, _ = api.request(method, path, body)
        assert status == 403, f"{method} {path} on a submitted report answered {status}"


def test_euro_ops_admin_sees_only_euro_reports(as_user):
    api = as_user(HENRI)
    reports = ok(api.get(f"/api/workspaces/{EURO}/reports"))["reports"]
    assert sorted(r["id"] for r in reports) == [6, 7] and {r["currency"] for r in reports} == {
        "EUR"
    }
