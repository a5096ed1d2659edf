from .. import auth
from ..errors import BadRequest, Unauthorized
from ..models import users, workspaces
from ..routing import RouteTable

routes = RouteTable()


@routes.post("/api/login", public=True)
def login(request):
    body = request.json()
    email = body.get("email")
    password = body.get("password")
    if not isinstance(email, str) or not email.strip():
        raise BadRequest("Enter your email", field="email")
    if not isinstance(password, str) or not password:
        raise BadRequest("Enter your password", field="password")

    user = users.get_by_email(request.conn, email)
    if user is None or not auth.verify_password(password, user["password_hash"]):
        raise Unauthorized("Incorrect email or password")
    token = auth.create_session(request.conn, user["id"])
    return {"token": token, "user": users.public(user)}


@routes.post("/api/logout")
def logout(request):
    auth.end_session(request.conn, request.bearer_token())
    return {"ok": True}


@routes.get("/api/me")
def me(request):
    memberships = workspaces.list_for_user(request.conn, request.user["id"])
    return {
        "user": request.user,
        "workspaces": [workspaces.serialize(workspace) for workspace in memberships],
    }
