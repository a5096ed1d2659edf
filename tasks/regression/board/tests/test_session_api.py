# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""POST /api/login, /api/logout and /api/me: sessions, the profile and its validation."""

from conftest import ADA, BEN, EVE, error_of, ok


def test_health_answers_ok_without_a_session(api):
    assert ok(api.get("/api/health")) == {"ok": True}


def test_login_returns_a_token_and_the_profile(api):
    body = ok(api.post("/api/login", {"email": BEN, "password": "password"}))
    assert isinstance(body["token"], str) and len(body["token"]) >= 16
    user = body["user"]
    assert (user["id"], user["name"], user["handle"], user["email"]) == (
        2,
        "Ben Carter",
        "ben",
        BEN,
    )
    assert user["role"] == "member"
    assert user["time_zone"] == "America/New_York"
    assert user["notification_prefs"] == {
        "assigned": True,
        "mentioned": True,
        "status_changed": True,
        "commented": True,
    }


def test_login_with_a_wrong_password_is_refused_with_401(api):
    body = error_of(api.post("/api/login", {"email": ADA, "password": "nope"}), 401)
    assert body["error"] == "Wrong email or password"
    body = error_of(
        api.post("/api/login", {"email": "nobody@board.test", "password": "password"}), 401
    )
    assert body["error"] == "Wrong email or password"


def test_login_without_an_email_is_a_400_naming_the_field(api):
    body = error_of(api.post("/api/login", {"email": "  ", "password": "password"}), 400)
    assert body["field"] == "email"


def test_api_calls_without_a_token_answer_401(api):
    for path in (
        "/api/me",
        "/api/projects",
        "/api/issues/WEB-1",
        "/api/notifications/unread-count",
    ):
        body = error_of(api.get(path), 401)
        assert body["error"] == "Sign in to continue", path


def test_an_unknown_token_answers_401_session_expired(api):
    api.token = "not-a-real-token"
    body = error_of(api.get("/api/me"), 401)
    assert body["error"] == "Your session has expired: sign in again"


def test_logout_ends_only_that_session(api, api_as):
    other = api_as(ADA)
    api.login(ADA)
    assert ok(api.post("/api/logout")) == {"ok": True}
    error_of(api.get("/api/me"), 401)
    assert ok(other.get("/api/me"))["email"] == ADA


def test_me_returns_the_signed_in_guest_with_role(api):
    api.login(EVE)
    me = ok(api.get("/api/me"))
    assert (me["id"], me["name"], me["role"], me["time_zone"]) == (
        5,
        "Eve Martin",
        "guest",
        "America/Los_Angeles",
    )


def test_patch_me_collapses_spaces_in_the_name_and_keeps_it(api):
    api.login(BEN)
    me = ok(api.patch("/api/me", {"name": "  Benjamin   Carter "}))
    assert me["name"] == "Benjamin Carter"
    assert ok(api.get("/api/me"))["name"] == "Benjamin Carter"
    users = ok(api.get("/api/users"))
    assert "Benjamin Carter" in [u["name"] for u in users]


def test_patch_me_rejects_an_unknown_time_zone_and_an_empty_name(api):
    api.login(BEN)
    body = error_of(api.patch("/api/me", {"time_zone": "Mars/Olympus"}), 400)
    assert body["field"] == "time_zone"
    assert "Mars/Olympus" in body["error"]
    body = error_of(api.patch("/api/me", {"name": "   "}), 400)
    assert body["field"] == "name"
    me = ok(api.get("/api/me"))
    assert (me["name"], me["time_zone"]) == ("Ben Carter", "America/New_York")


def test_patch_me_changes_time_zone_and_one_notification_preference(api):
    api.login(BEN)
    me = ok(
        api.patch(
            "/api/me", {"time_zone": "Asia/Tokyo", "notification_prefs": {"commented": False}}
        )
    )
    assert me["time_zone"] == "Asia/Tokyo"
    assert me["notification_prefs"] == {
        "assigned": True,
        "mentioned": True,
        "status_changed": True,
        "commented": False,
    }


def test_unknown_api_route_is_a_json_404(api):
    api.login(ADA)
    body = error_of(api.get("/api/nothing-here"), 404)
    assert body["error"] == "GET /nothing-here not found"


def test_reset_restores_the_seeded_data_and_ends_sessions(api):
    api.login(ADA)
    ok(api.patch("/api/workspace", {"name": "Renamed"}))
    assert ok(api.post("/api/dev/reset")) == {"ok": True}
    error_of(api.get("/api/workspace"), 401)
    api.login(ADA)
    assert ok(api.get("/api/workspace"))["name"] == "Acme"
