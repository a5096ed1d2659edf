# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""/api/members, /api/workspace, /api/labels and /api/views: roles (the last admin stays),
removing members, workspace name, labels and saved views."""

from conftest import ADA, BEN, DAN, EVE, error_of, ok


def test_members_are_listed_admins_first_then_by_name_with_their_projects(admin):
    members = ok(admin.get("/api/members"))
    assert [(m["name"], m["role"]) for m in members] == [
        ("Ada Lovelace", "admin"),
        ("Ben Carter", "member"),
        ("Cleo Park", "member"),
        ("Dan Okafor", "member"),
        ("Farah Haddad", "member"),
        ("Gus Lindqvist", "member"),
        ("Hana Sato", "member"),
        ("Eve Martin", "guest"),
    ]
    assert members[0]["project_keys"] == ["INF", "MOB", "WEB"]
    assert members[-1]["project_keys"] == ["WEB"]


def test_the_last_admin_can_be_neither_demoted_nor_removed(admin):
    body = error_of(admin.patch("/api/members/1", {"role": "member"}), 409)
    assert (body["error"], body["field"]) == ("The workspace needs at least one admin", "role")
    body = error_of(admin.delete("/api/members/1"), 409)
    assert body["error"] == "The last admin cannot be removed"
    ok(admin.patch("/api/members/7", {"role": "admin"}))
    assert ok(admin.patch("/api/members/1", {"role": "member"}))["role"] == "member"
    assert ok(admin.get("/api/workspace"))["admin_count"] == 1


def test_only_admins_change_roles(api):
    api.login(BEN)
    body = error_of(api.patch("/api/members/7", {"role": "admin"}), 403)
    assert body["error"] == "Only admins can change roles"
    error_of(api.delete("/api/members/7"), 403)


def test_a_project_lead_cannot_become_a_guest(admin):
    body = error_of(admin.patch("/api/members/2", {"role": "guest"}), 409)
    assert body["error"] == "A guest cannot lead a project: choose another lead for WEB first"


def test_making_someone_a_guest_unassigns_their_open_issues(admin):
    member = ok(admin.patch("/api/members/7", {"role": "guest"}))
    assert member["role"] == "guest"
    assert ok(admin.get("/api/issues/WEB-4"))["assignee"] is None
    assert ok(admin.get("/api/issues/INF-1"))["assignee"]["name"] == "Gus Lindqvist"  # done stays
    last = ok(admin.get("/api/issues/WEB-11/activity"))[-1]
    assert (last["field"], last["from"], last["to"]) == ("assignee", "Gus Lindqvist", None)


def test_removing_a_member_ends_their_sessions_and_unassigns_them(admin, api_as):
    dan = api_as(DAN)
    assert ok(admin.delete("/api/members/4")) == {"ok": True}
    error_of(dan.get("/api/me"), 401)
    assert ok(admin.get("/api/issues/WEB-3"))["assignee"] is None
    assert ok(admin.get("/api/projects/INF"))["lead"] is None
    assert [m["id"] for m in ok(admin.get("/api/members"))].count(4) == 0
    assert ok(admin.get("/api/workspace"))["member_count"] == 7


def test_workspace_rename_is_for_admins_only(api_as):
    ada = api_as(ADA)
    workspace = ok(ada.patch("/api/workspace", {"name": "  Acme   Corp "}))
    assert workspace == {"id": 1, "name": "Acme Corp", "member_count": 8, "admin_count": 1}
    body = error_of(api_as(BEN).patch("/api/workspace", {"name": "Mine"}), 403)
    assert body["error"] == "Only admins can rename the workspace"


def test_labels_are_sorted_by_name_with_usage_counts(admin):
    labels = ok(admin.get("/api/labels"))
    assert [label["name"] for label in labels] == [
        "Bug",
        "Design",
        "Docs",
        "Feature",
        "Improvement",
        "Performance",
        "Security",
        "Tech debt",
    ]
    bug = labels[0]
    assert (bug["id"], bug["color"], bug["issue_count"]) == (1, "red", 10)


def test_label_names_are_unique_ignoring_case(admin):
    body = error_of(admin.post("/api/labels", {"name": "  bug ", "color": "green"}), 409)
    assert (body["error"], body["field"]) == ('A label named "Bug" already exists', "name")
    label = ok(admin.post("/api/labels", {"name": "Needs  QA", "color": "green"}), 201)
    assert (label["name"], label["color"], label["issue_count"]) == ("Needs QA", "green", 0)
    error_of(admin.patch(f"/api/labels/{label['id']}", {"name": "DOCS"}), 409)


def test_label_colour_must_come_from_the_palette_and_names_are_limited(admin):
    body = error_of(admin.post("/api/labels", {"name": "Black", "color": "black"}), 400)
    assert body["field"] == "color"
    body = error_of(admin.post("/api/labels", {"name": "x" * 41, "color": "red"}), 400)
    assert body["field"] == "name"


def test_only_admins_manage_labels_and_a_deleted_label_leaves_its_issues(api_as):
    body = error_of(api_as(BEN).post("/api/labels", {"name": "Mine", "color": "red"}), 403)
    assert body["error"] == "Only admins can manage labels"
    ada = api_as(ADA)
    assert ok(ada.delete("/api/labels/7")) == {"ok": True}
    assert [label["name"] for label in ok(ada.get("/api/issues/WEB-11"))["labels"]] == []
    error_of(ada.delete("/api/labels/7"), 404)


def test_saved_views_keep_only_list_parameters_and_are_private(api_as):
    ben = api_as(BEN)
    view = ok(
        ben.post(
            "/api/views",
            {"name": "Mine", "project_key": "web", "query": "?status=todo&evil=1&sort=due&q=x"},
        ),
        201,
    )
    assert (view["query"], view["project_key"]) == ("status=todo&sort=due", "WEB")
    assert [v["name"] for v in ok(ben.get("/api/views"))] == ["Mine", "Web bugs by assignee"]
    ada = api_as(ADA)
    assert [v["name"] for v in ok(ada.get("/api/views"))] == ["Overdue", "Urgent and high"]
    error_of(ada.delete(f"/api/views/{view['id']}"), 404)
    body = error_of(ben.post("/api/views", {"name": "mine", "query": ""}), 409)
    assert body["error"] == 'You already have a view named "mine"'


def test_a_guest_cannot_save_a_view_of_a_hidden_project(api):
    api.login(EVE)
    error_of(api.post("/api/views", {"name": "Infra", "query": "", "project_key": "INF"}), 404)
