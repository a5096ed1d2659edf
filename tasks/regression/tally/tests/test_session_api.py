# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Sign in, sign out, who am I."""

from conftest import ALICE, ok


def test_health_answers_ok(api):
    assert ok(api.get("/api/health")) == {"ok": True}


def test_login_returns_token_and_public_user(api):
    body = ok(api.post("/api/login", {"email": ALICE, "password": "password"}))
    assert isinstance(body["token"], str) and body["token"], body
    user = body["user"]
    assert user["id"] == 1 and user["email"] == ALICE and user["name"] == "Alice Admin", user
    assert "password_hash" not in user and "password" not in user, f"login leaks secrets: {user}"


def test_login_with_wrong_password_is_401(api):
    status, body = api.post("/api/login", {"email": ALICE, "password": "nope"})
    assert status == 401, (status, body)
    assert body["error"], body


def test_login_without_email_is_400_on_email_field(api):
    status, body = api.post("/api/login", {"email": "  ", "password": "password"})
    assert status == 400 and body.get("field") == "email", (status, body)


def test_api_without_token_is_401(api):
    for path in ("/api/me", "/api/workspaces", "/api/reports/1", "/api/search?q=taxi"):
        status, body = api.get(path)
        assert status == 401, f"GET {path} without a token answered {status}: {body}"


def test_me_lists_the_users_workspaces_with_roles(api):
    api.login(ALICE)
    body = ok(api.get("/api/me"))
    assert body["user"]["email"] == ALICE
    roles = {w["id"]: w["role"] for w in body["workspaces"]}
    assert roles == {1: "admin", 2: "member"}, roles
    listed = ok(api.get("/api/workspaces"))["workspaces"]
    assert [(w["id"], w["name"], w["currency"], w["role"]) for w in listed] == [
        (1, "Acme Travel", "USD", "admin"),
        (2, "Euro Ops", "EUR", "member"),
    ], listed


def test_logout_ends_the_session(api):
    api.login(ALICE)
    ok(api.post("/api/logout"))
    status, _ = api.get("/api/me")
    assert status == 401, f"the token still works after logout ({status})"


def test_unknown_api_route_is_404_and_wrong_method_is_405(api):
    api.login(ALICE)
    status, body = api.get("/api/nothing-here")
    assert status == 404, (status, body)
    status, body = api.delete("/api/workspaces")
    assert status == 405, (status, body)
