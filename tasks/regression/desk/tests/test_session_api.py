# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Health, reset, login, logout, /api/me, and what the server answers outside the API."""

SAM = "sam@desk.test"


def test_health_answers_ok(api):
    assert api.get("/api/health") == (200, {"ok": True})


def test_unknown_api_route_is_404_and_wrong_method_is_405(api_as):
    client = api_as(SAM)
    status, body = client.get("/api/nothing-here")
    assert status == 404, f"unknown API path answered {status}: {body}"
    status, body = client.get("/api/login")
    assert status == 405, f"GET on the login route answered {status}: {body}"
    status, body = client.post("/api/tickets/1", {})
    assert status == 405, f"POST on a ticket answered {status}: {body}"
    assert isinstance(body, dict) and body.get("error"), f"errors must be JSON with 'error': {body}"


def test_login_returns_token_and_user(api):
    status, body = api.post("/api/login", {"email": SAM, "password": "password"})
    assert status == 200, body
    assert isinstance(body["token"], str) and body["token"]
    assert body["user"] == {
        "id": 2,
        "name": "Sam Sato",
        "email": SAM,
        "role": "agent",
        "organization": "Northwind",
    }, "the login answer's user changed shape"


def test_login_with_wrong_password_is_401(api):
    status, body = api.post("/api/login", {"email": SAM, "password": "nope"})
    assert status == 401, f"a wrong password answered {status}: {body}"
    assert "token" not in body
    status, body = api.post("/api/login", {"email": "nobody@desk.test", "password": "password"})
    assert status == 401, f"an unknown email answered {status}: {body}"


def test_login_without_email_or_password_is_400_naming_the_field(api):
    status, body = api.post("/api/login", {"email": "  ", "password": "password"})
    assert (status, body.get("field")) == (400, "email"), body
    status, body = api.post("/api/login", {"email": SAM})
    assert (status, body.get("field")) == (400, "password"), body


def test_api_routes_need_a_token(api):
    for path in ("/api/me", "/api/views", "/api/tickets", "/api/tickets/1", "/api/settings"):
        status, body = api.get(path)
        assert status == 401, f"GET {path} without a token answered {status}: {body}"
    api.token = "not-a-real-token"
    status, body = api.get("/api/me")
    assert status == 401, f"a made-up token answered {status}: {body}"


def test_me_returns_the_user_and_company_name(api_as):
    client = api_as("carla@desk.test")
    status, body = client.get("/api/me")
    assert status == 200, body
    assert body["company_name"] == "Northwind Support"
    assert body["user"]["id"] == 4 and body["user"]["role"] == "customer"
    assert body["user"]["organization"] == "Brightside Bakery"


def test_logout_ends_the_session(api_as):
    client = api_as(SAM)
    status, _ = client.post("/api/logout")
    assert status == 200
    status, body = client.get("/api/me")
    assert status == 401, f"the token still works after logout: {status} {body}"


def test_reset_restores_the_demo_data(api_as, api):
    client = api_as("carla@desk.test")
    status, created = client.post("/api/tickets", {"subject": "Temp", "body": "Temp"})
    assert status == 201, created
    assert api.post("/api/dev/reset") == (200, {"ok": True})
    client.login("carla@desk.test")  # sessions are wiped with the data
    status, _ = client.get(f"/api/tickets/{created['id']}")
    assert status == 404, "a ticket created before the reset survived it"
    status, views = client.get("/api/views")
    assert {v["id"]: v["count"] for v in views["views"]}["requests"] == 3


def test_client_routes_serve_the_app_page(api):
    for path in ("/", "/tickets/1", "/views/all", "/search", "/settings", "/no/such/page"):
        status, body = api.get(path)
        assert status == 200, f"GET {path} answered {status}"
        assert isinstance(body, str) and "<html" in body.lower(), (
            f"GET {path} is not the app's page"
        )
    status, _ = api.get("/dist/app.js")
    assert status == 200, "the bundled script is not served"
    status, _ = api.get("/dist/missing.js")
    assert status == 404
    status, _ = api.post("/tickets/1")
    assert status == 405
