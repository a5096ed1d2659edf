# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Agents, customers and settings: who may read and change them, and their validation."""

from datetime import UTC, datetime


def hours_between(start, end):
    parse = lambda s: datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)  # noqa: E731
    return (parse(end) - parse(start)).total_seconds() / 3600


def test_agents_lists_staff_by_name(api_as):
    status, body = api_as("sam@desk.test").get("/api/agents")
    assert status == 200, body
    assert [(a["id"], a["name"], a["role"]) for a in body["agents"]] == [
        (1, "Ada Admin", "admin"),
        (3, "Priya Patel", "agent"),
        (2, "Sam Sato", "agent"),
    ], "GET /api/agents must list the admin and the agents, by name"
    assert set(body["agents"][0]) == {"id", "name", "email", "role"}


def test_customers_lists_customers_by_name(api_as):
    status, body = api_as("priya@desk.test").get("/api/customers")
    assert status == 200, body
    assert [c["id"] for c in body["customers"]] == [4, 5, 6, 7]
    assert body["customers"][0] == {
        "id": 4,
        "name": "Carla Gómez",
        "email": "carla@desk.test",
        "organization": "Brightside Bakery",
    }


def test_customers_cannot_list_people_or_read_settings(api_as):
    client = api_as("carla@desk.test")
    for path in ("/api/agents", "/api/customers", "/api/settings"):
        status, body = client.get(path)
        assert status == 403, f"a customer got {status} for GET {path}: {body}"


def test_agents_read_settings_but_cannot_change_them(api_as):
    client = api_as("sam@desk.test")
    status, body = client.get("/api/settings")
    assert status == 200, body
    assert body == {
        "company_name": "Northwind Support",
        "sla_hours": {"low": 72, "normal": 24, "high": 8, "urgent": 4},
        "default_assignee_id": None,
    }
    status, body = client.patch("/api/settings", {"company_name": "Sam's desk"})
    assert status == 403, f"an agent changed the settings: {status} {body}"
    status, customer = api_as("carla@desk.test").patch("/api/settings", {"company_name": "X"})
    assert status == 403, f"a customer changed the settings: {status} {customer}"
    assert client.get("/api/settings")[1]["company_name"] == "Northwind Support"


def test_admin_changes_settings_and_me_shows_the_new_name(api_as):
    admin = api_as("ada@desk.test")
    status, body = admin.patch(
        "/api/settings", {"company_name": "  Acme Help  ", "default_assignee_id": 3}
    )
    assert status == 200, body
    assert body["company_name"] == "Acme Help", "the company name is not trimmed"
    assert body["default_assignee_id"] == 3
    assert body["sla_hours"]["urgent"] == 4, "fields not sent must keep their values"
    assert api_as("carla@desk.test").get("/api/me")[1]["company_name"] == "Acme Help"


def test_settings_reject_bad_sla_targets(api_as):
    admin = api_as("ada@desk.test")
    cases = [
        ({"sla_hours": {"urgent": 0}}, "sla_hours.urgent"),
        ({"sla_hours": {"low": 721}}, "sla_hours.low"),
        ({"sla_hours": {"high": "8"}}, "sla_hours.high"),
        ({"sla_hours": {"normal": True}}, "sla_hours.normal"),
        ({"sla_hours": {"urgent": 10}}, "sla_hours"),  # longer than high's 8
        ({"sla_hours": [4, 8]}, "sla_hours"),
        ({"company_name": "   "}, "company_name"),
        ({"company_name": "x" * 61}, "company_name"),
        ({"default_assignee_id": 4}, "default_assignee_id"),  # a customer
        ({"default_assignee_id": 99}, "default_assignee_id"),
    ]
    for body, field in cases:
        status, answer = admin.patch("/api/settings", body)
        assert (status, answer.get("field")) == (400, field), (
            f"PATCH {body} answered {status} {answer}"
        )
    assert admin.get("/api/settings")[1]["sla_hours"] == {
        "low": 72,
        "normal": 24,
        "high": 8,
        "urgent": 4,
    }


def test_equal_sla_targets_are_allowed(api_as):
    status, body = api_as("ada@desk.test").patch(
        "/api/settings", {"sla_hours": {"urgent": 8, "high": 8, "normal": 8, "low": 8}}
    )
    assert status == 200, f"equal targets were refused: {body}"


def test_new_tickets_use_the_current_sla_and_default_assignee(api_as):
    admin = api_as("ada@desk.test")
    status, body = admin.patch(
        "/api/settings", {"sla_hours": {"normal": 12}, "default_assignee_id": 2}
    )
    assert status == 200, body
    status, ticket = api_as("erin@desk.test").post(
        "/api/tickets", {"subject": "Help", "body": "Please"}
    )
    assert status == 201, ticket
    assert hours_between(ticket["created_at"], ticket["due_at"]) == 12
    assert ticket["assignee"] == {"id": 2, "name": "Sam Sato"}
