# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""GET/POST/PATCH /api/projects and project members: visibility per role, counts, leads,
archiving, and the CSV export of a project's issues."""

from conftest import ADA, BEN, CLEO, DAN, EVE, HANA, error_of, ok


def test_projects_list_has_counts_leads_and_active_cycles(admin):
    projects = ok(admin.get("/api/projects"))
    assert [p["key"] for p in projects] == ["INF", "MOB", "WEB"]
    web = next(p for p in projects if p["key"] == "WEB")
    assert (web["name"], web["issue_count"], web["open_issue_count"]) == ("Web", 17, 14)
    assert web["lead"]["name"] == "Ben Carter"
    assert web["member_count"] == 6
    assert web["active_cycle_id"] == 2
    assert web["archived"] is False
    mob = next(p for p in projects if p["key"] == "MOB")
    assert (mob["issue_count"], mob["open_issue_count"], mob["active_cycle_id"]) == (13, 10, 4)


def test_guest_sees_only_the_projects_they_belong_to(api):
    api.login(EVE)
    projects = ok(api.get("/api/projects"))
    assert [p["key"] for p in projects] == ["WEB"]
    assert projects[0]["can_edit_issues"] is False
    error_of(api.get("/api/projects/MOB"), 404)
    error_of(api.get("/api/projects/MOB/issues"), 404)
    error_of(api.get("/api/issues/MOB-1"), 404)


def test_member_reads_a_project_they_do_not_belong_to_but_cannot_edit_it(api):
    api.login(HANA)
    web = ok(api.get("/api/projects/WEB"))
    assert (web["is_member"], web["can_edit_issues"], web["can_manage"]) == (False, False, False)
    body = error_of(api.post("/api/projects/WEB/issues", {"title": "From Hana"}), 403)
    assert body["error"] == "You are not a member of WEB"


def test_admin_creates_a_project_with_an_uppercased_key(admin):
    project = ok(
        admin.post("/api/projects", {"key": "ops", "name": "  Ops   team ", "lead_id": 4}), 201
    )
    assert (project["key"], project["name"], project["issue_count"]) == ("OPS", "Ops team", 0)
    assert project["lead"]["id"] == 4
    members = ok(admin.get("/api/projects/OPS/members"))
    assert sorted(m["id"] for m in members) == [1, 4]
    issue = ok(admin.post("/api/projects/OPS/issues", {"title": "First"}), 201)
    assert issue["key"] == "OPS-1"


def test_project_keys_must_be_unique_and_two_to_five_letters(admin):
    body = error_of(admin.post("/api/projects", {"key": "web", "name": "Again"}), 409)
    assert (body["error"], body["field"]) == ("The key WEB is already used", "key")
    body = error_of(admin.post("/api/projects", {"key": "W1", "name": "Digits"}), 400)
    assert body["field"] == "key"
    body = error_of(admin.post("/api/projects", {"key": "TOOLONG", "name": "Long"}), 400)
    assert body["field"] == "key"


def test_only_admins_create_projects(api):
    api.login(BEN)
    body = error_of(api.post("/api/projects", {"key": "NEW", "name": "New"}), 403)
    assert body["error"] == "Only admins can create projects"


def test_the_lead_renames_the_project_but_cannot_archive_it(api):
    api.login(BEN)
    assert ok(api.patch("/api/projects/WEB", {"name": "Website"}))["name"] == "Website"
    body = error_of(api.patch("/api/projects/WEB", {"archived": True}), 403)
    assert body["error"] == "Only admins can change the lead or archive a project"
    body = error_of(api.patch("/api/projects/MOB", {"name": "Apps"}), 403)
    assert ok(api.get("/api/projects/MOB"))["name"] == "Mobile"


def test_an_archived_project_is_read_only(admin, api_as):
    assert ok(admin.patch("/api/projects/WEB", {"archived": True}))["archived"] is True
    ben = api_as(BEN)
    assert (
        error_of(ben.post("/api/projects/WEB/issues", {"title": "x"}), 409)["error"]
        == "WEB is archived"
    )
    assert (
        error_of(ben.patch("/api/issues/WEB-2", {"priority": "low"}), 409)["error"]
        == "WEB is archived"
    )
    assert (
        error_of(ben.post("/api/issues/WEB-2/comments", {"body": "hi"}), 409)["error"]
        == "WEB is archived"
    )
    error_of(
        admin.post(
            "/api/projects/WEB/cycles", {"starts_on": "2025-03-01", "ends_on": "2025-03-10"}
        ),
        409,
    )
    assert ok(ben.get("/api/issues/WEB-2"))["can_edit"] is False
    projects = ok(admin.get("/api/projects"))
    assert [(p["key"], p["archived"]) for p in projects] == [
        ("INF", False),
        ("MOB", False),
        ("WEB", True),
    ]


def test_project_members_list_marks_the_lead(admin):
    members = ok(admin.get("/api/projects/WEB/members"))
    assert [m["name"] for m in members] == [
        "Ada Lovelace",
        "Ben Carter",
        "Cleo Park",
        "Dan Okafor",
        "Eve Martin",
        "Gus Lindqvist",
    ]
    assert [m["name"] for m in members if m["is_lead"]] == ["Ben Carter"]
    assert next(m for m in members if m["id"] == 5)["role"] == "guest"


def test_the_lead_adds_and_removes_members_but_not_themselves(api):
    api.login(CLEO)
    members = ok(api.post("/api/projects/MOB/members", {"user_id": 4}), 201)
    assert 4 in [m["id"] for m in members]
    error_of(api.post("/api/projects/MOB/members", {"user_id": 4}), 409)
    members = ok(api.delete("/api/projects/MOB/members/4"))
    assert 4 not in [m["id"] for m in members]
    body = error_of(api.delete("/api/projects/MOB/members/3"), 409)
    assert body["error"] == "The lead cannot leave the project: choose another lead first"
    error_of(api.delete("/api/projects/MOB/members/7"), 404)


def test_a_member_who_is_not_the_lead_cannot_change_project_members(api):
    api.login(DAN)
    body = error_of(api.post("/api/projects/WEB/members", {"user_id": 8}), 403)
    assert body["error"] == "Only an admin or the project lead can add members"


def test_a_guest_cannot_be_made_a_project_lead(admin):
    body = error_of(admin.patch("/api/projects/WEB", {"lead_id": 5}), 400)
    assert (body["error"], body["field"]) == ("A guest cannot lead a project", "lead_id")


def test_csv_export_has_a_header_crlf_lines_and_quoted_fields(api, app_url):
    import urllib.request

    token = api.login(ADA) and api.token
    req = urllib.request.Request(
        app_url + "/api/projects/WEB/export.csv", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read()
        content_type = resp.headers["Content-Type"]
        disposition = resp.headers["Content-Disposition"]
    assert content_type.startswith("text/csv")
    assert "attachment" in disposition and "web-issues.csv" in disposition.lower()
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == (
        "Key,Title,Status,Priority,Assignee,Labels,Estimate,Due date,Cycle,Parent,"
        "Created by,Created at,Updated at,Completed at"
    )
    assert text.endswith("\r\n") and len(lines) == 19  # header, 17 issues, the empty end
    assert lines[1].startswith(
        "WEB-1,Redesign the checkout flow,In Progress,High,Ben Carter,"
        '"Design, Feature",8,2025-01-24,Sprint 2,,Ada Lovelace,'
    )
    assert lines[8].startswith(
        "WEB-8,Checkout: address form validation,Done,Medium,Cleo Park,Feature,3,,"
        "Sprint 1,WEB-1,Ben Carter,"
    )
    assert lines[12].startswith(
        'WEB-12,"Handle ""smart quotes"" in issue titles",Backlog,No priority,,Bug,,,,,'
    )
    assert "Café menu crashes on Résumé upload" in lines[13]


def test_csv_export_quotes_commas_line_breaks_and_edge_spaces_in_titles(admin, app_url):
    import urllib.request

    ok(admin.post("/api/projects/INF/issues", {"title": 'Disk, CPU and "RAM"'}), 201)
    req = urllib.request.Request(
        app_url + "/api/projects/INF/export.csv", headers={"Authorization": f"Bearer {admin.token}"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode("utf-8")
    last = text.split("\r\n")[-2]
    assert last.startswith('INF-12,"Disk, CPU and ""RAM""",Todo,No priority,,,,,,,Ada Lovelace,')


def test_guest_cannot_export_a_project_they_cannot_see(api):
    api.login(EVE)
    error_of(api.get("/api/projects/INF/export.csv"), 404)
