from .. import settings
from ..errors import Forbidden
from ..routing import Routes
from ..tickets import is_staff

routes = Routes()


def require_staff(user: dict) -> None:
    if not is_staff(user):
        raise Forbidden("Only agents can do this")


@routes.get("/api/agents")
def agents(request):
    require_staff(request.user)
    rows = request.conn.execute(
        "SELECT id, name, email, role FROM users WHERE role IN ('agent', 'admin') ORDER BY name"
    )
    return {"agents": [dict(row) for row in rows]}


@routes.get("/api/customers")
def customers(request):
    require_staff(request.user)
    rows = request.conn.execute(
        "SELECT id, name, email, organization FROM users WHERE role = 'customer' ORDER BY name"
    )
    return {"customers": [dict(row) for row in rows]}


@routes.get("/api/settings")
def get_settings(request):
    require_staff(request.user)
    return settings.load(request.conn)


@routes.patch("/api/settings")
def update_settings(request):
    if request.user["role"] != "admin":
        raise Forbidden("Only admins can change settings")
    updated = settings.validate(request.conn, request.json(), settings.load(request.conn))
    settings.save(request.conn, updated)
    return updated
