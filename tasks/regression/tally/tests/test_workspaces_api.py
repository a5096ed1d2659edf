# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Workspaces, members and categories through the API, for each role."""

from conftest import ACME, ALICE, BOB, CAROL, EURO, HENRI, INES, ok


def test_workspace_detail_has_members_categories_rooms_and_permissions(as_user):
    api = as_user(ALICE)
    body = ok(api.get(f"/api/workspaces/{ACME}"))
    assert body["name"] == "Acme Travel" and body["currency"] == "USD"
    assert body["receipt_required_over"] == 7500 and body["role"] == "admin"
    assert [m["id"] for m in body["members"]] == [1, 2, 3, 4, 5, 6, 7], "members by user id"
    assert {c["name"]: c["enabled"] for c in body["categories"]}["Legacy"] is False
    assert [r["name"] for r in body["rooms"]] == ["general", "travel"], body["rooms"]
    assert "workspace.update" in body["permissions"] and "members.manage" in body["permissions"]


def test_member_and_auditor_permissions_are_limited(fresh_api):
    bob = ok(fresh_api(BOB).get(f"/api/workspaces/{ACME}"))["permissions"]
    carol = ok(fresh_api(CAROL).get(f"/api/workspaces/{ACME}"))["permissions"]
    assert set(bob) == {"reports.create", "splits.create", "messages.post"}, bob
    assert set(carol) == {"reports.view_all", "messages.post"}, carol


def test_role_is_per_workspace(fresh_api):
    alice = fresh_api(ALICE)
    assert ok(alice.get(f"/api/workspaces/{EURO}"))["role"] == "member"
    perms = ok(alice.get(f"/api/workspaces/{EURO}"))["permissions"]
    assert "workspace.update" not in perms, "Alice's Acme admin role leaked into Euro Ops"
    status, _ = alice.patch(f"/api/workspaces/{EURO}", {"name": "Mine"})
    assert status == 403, f"a member of Euro Ops renamed it ({status})"


def test_outsider_gets_404_for_a_workspace(as_user):
    api = as_user(HENRI)
    status, _ = api.get(f"/api/workspaces/{ACME}")
    assert status == 404
    status, _ = api.get(f"/api/workspaces/{ACME}/reports")
    assert status == 404


def test_admin_updates_workspace_name_and_threshold(as_user):
    api = as_user(ALICE)
    body = ok(
        api.patch(f"/api/workspaces/{ACME}", {"name": "Acme Trips", "receipt_required_over": 10000})
    )
    assert body["name"] == "Acme Trips" and body["receipt_required_over"] == 10000
    report = ok(api.get("/api/reports/1"))
    assert report["violation_count"] == 1, "The Standard ($312) still needs a receipt over $100"
    ok(api.patch(f"/api/workspaces/{ACME}", {"receipt_required_over": 50000}))
    assert ok(api.get("/api/reports/1"))["violation_count"] == 0, "threshold change not applied"


def test_workspace_update_validates_input(as_user):
    api = as_user(ALICE)
    for body, field in (
        ({"name": "   "}, "name"),
        ({"receipt_required_over": -1}, "receipt_required_over"),
        ({"receipt_required_over": 12.5}, "receipt_required_over"),
        ({}, "name"),
    ):
        status, answer = api.patch(f"/api/workspaces/{ACME}", body)
        assert status == 400 and answer.get("field") == field, (body, status, answer)


def test_member_and_auditor_cannot_change_workspace(fresh_api):
    for email in (BOB, CAROL):
        client = fresh_api(email)
        status, _ = client.patch(f"/api/workspaces/{ACME}", {"name": "Hacked"})
        assert status == 403, f"{email} renamed the workspace ({status})"
        status, _ = client.post(
            f"/api/workspaces/{ACME}/members", {"email": HENRI, "role": "admin"}
        )
        assert status == 403, f"{email} added a member ({status})"
        status, _ = client.post(f"/api/workspaces/{ACME}/categories", {"name": "Fun"})
        assert status == 403, f"{email} added a category ({status})"
        status, _ = client.patch("/api/categories/1", {"enabled": False})
        assert status == 403, f"{email} disabled a category ({status})"
        status, _ = client.delete("/api/categories/5")
        assert status == 403, f"{email} deleted a category ({status})"


def test_admin_adds_changes_and_removes_a_member(as_user):
    api = as_user(ALICE)
    members = ok(
        api.post(
            f"/api/workspaces/{ACME}/members", {"email": " Ines@Tally.test ", "role": "auditor"}
        ),
        201,
    )["members"]
    assert {"id": 9, "role": "auditor"}.items() <= next(m for m in members if m["id"] == 9).items()
    members = ok(api.patch(f"/api/workspaces/{ACME}/members/9", {"role": "member"}))["members"]
    assert next(m for m in members if m["id"] == 9)["role"] == "member"
    members = ok(api.delete(f"/api/workspaces/{ACME}/members/9"))["members"]
    assert 9 not in [m["id"] for m in members]


def test_adding_members_validates_email_and_role(as_user):
    api = as_user(ALICE)
    cases = (
        ({"email": "not-an-email", "role": "member"}, "email"),
        ({"email": "nobody@tally.test", "role": "member"}, "email"),
        ({"email": BOB, "role": "member"}, "email"),
        ({"email": INES, "role": "owner"}, "role"),
    )
    for body, field in cases:
        status, answer = api.post(f"/api/workspaces/{ACME}/members", body)
        assert status == 400 and answer.get("field") == field, (body, status, answer)


def test_last_admin_cannot_demote_or_remove_themselves(as_user):
    api = as_user(ALICE)
    status, body = api.patch(f"/api/workspaces/{ACME}/members/1", {"role": "member"})
    assert status == 400, f"the only admin was demoted: {status} {body}"
    status, body = api.delete(f"/api/workspaces/{ACME}/members/1")
    assert status == 400, f"the only admin was removed: {status} {body}"
    ok(api.patch(f"/api/workspaces/{ACME}/members/2", {"role": "admin"}))
    ok(api.patch(f"/api/workspaces/{ACME}/members/1", {"role": "member"}))


def test_categories_create_rename_toggle_delete(as_user):
    api = as_user(ALICE)
    cats = ok(api.post(f"/api/workspaces/{ACME}/categories", {"name": "  Training "}), 201)[
        "categories"
    ]
    new = next(c for c in cats if c["name"] == "Training")
    assert new["enabled"] is True
    cats = ok(api.patch(f"/api/categories/{new['id']}", {"name": "Courses", "enabled": False}))[
        "categories"
    ]
    assert {"id": new["id"], "name": "Courses", "enabled": False} in cats, cats
    cats = ok(api.delete(f"/api/categories/{new['id']}"))["categories"]
    assert new["id"] not in [c["id"] for c in cats]


def test_category_names_are_unique_ignoring_case(as_user):
    api = as_user(ALICE)
    status, body = api.post(f"/api/workspaces/{ACME}/categories", {"name": "meals"})
    assert status == 400 and body.get("field") == "name", (status, body)
    # changing only the capitals of its own name is not a clash
    cats = ok(api.patch("/api/categories/2", {"name": "MEALS"}))["categories"]
    assert {"id": 2, "name": "MEALS", "enabled": True} in cats
    status, body = api.patch("/api/categories/2", {"name": "travel"})
    assert status == 400 and body.get("field") == "name", (status, body)


def test_category_in_use_cannot_be_deleted(as_user):
    api = as_user(ALICE)
    status, body = api.delete("/api/categories/1")
    assert status == 400, f"deleting a used category answered {status}: {body}"
    assert any(c["id"] == 1 for c in ok(api.get(f"/api/workspaces/{ACME}"))["categories"])
    status, body = api.patch("/api/categories/1", {"enabled": "no"})
    assert status == 400 and body.get("field") == "enabled", (status, body)
