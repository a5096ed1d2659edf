from .. import auth, settings
from ..errors import BadRequest, Unauthorized
from ..routing import Routes

routes = Routes()

USER_COLUMNS = "id, name, email, role, organization"


@routes.post("/api/login", public=True)
def login(request):
    body = request.json()
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip():
        raise BadRequest("Enter your email", field="email")
    if not isinstance(password, str) or not password:
        raise BadRequest("Enter your password", field="password")
    row = request.conn.execute(
        f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?", (email.strip(),)
    ).fetchone()
    if row is None or not auth.verify_password(password, row["password_hash"]):
        raise Unauthorized("Incorrect email or password")
    user = {key: row[key] for key in USER_COLUMNS.split(", ")}
    return {"token": auth.create_session(request.conn, user["id"]), "user": user}


@routes.post("/api/logout")
def logout(request):
    request.conn.execute("DELETE FROM sessions WHERE token = ?", (request.bearer_token(),))
    return {"ok": True}


@routes.get("/api/me")
def me(request):
    return {"user": request.user, "company_name": settings.load(request.conn)["company_name"]}
