from .. import validation
from ..errors import BadRequest, NotFound, ValidationError
from ..models import chat, users, workspaces
from ..permissions import require, workspace_permissions
from ..routing import RouteTable
from .loaders import load_workspace

routes = RouteTable()


def workspace_detail(request, workspace: dict) -> dict:
    conn = request.conn
    categories = workspaces.categories(conn, workspace["id"])
    return {
        **workspaces.serialize(workspace),
        "permissions": workspace_permissions(request.user, workspace),
        "members": workspaces.members(conn, workspace["id"]),
        "categories": [workspaces.serialize_category(row) for row in categories],
        "rooms": [chat.serialize_room(row) for row in chat.workspace_rooms(conn, workspace["id"])],
    }


@routes.get("/api/workspaces")
def list_workspaces(request):
    rows = workspaces.list_for_user(request.conn, request.user["id"])
    return {"workspaces": [workspaces.serialize(row) for row in rows]}


@routes.get("/api/workspaces/<int:workspace_id>")
def get_workspace(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    return workspace_detail(request, workspace)


@routes.patch("/api/workspaces/<int:workspace_id>")
def update_workspace(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "workspace.update", workspace)
    changes = validation.validate_workspace_update(request.json())
    workspaces.update(request.conn, workspace_id, changes)
    return workspace_detail(request, load_workspace(request, workspace_id))


# Members


@routes.post("/api/workspaces/<int:workspace_id>/members")
def add_member(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "members.manage", workspace)
    body = request.json()
    email = validation.validate_email(body.get("email"))
    role = validation.validate_role(body.get("role", "member"))

    user = users.get_by_email(request.conn, email)
    if user is None:
        raise ValidationError(f"No Tally account uses {email}", field="email")
    if workspaces.member_role(request.conn, workspace_id, user["id"]) is not None:
        raise ValidationError(f"{user['name']} is already a member", field="email")
    workspaces.add_member(request.conn, workspace_id, user["id"], role)
    return {"members": workspaces.members(request.conn, workspace_id)}, 201


def _ensure_admin_remains(conn, workspace_id: int, user_id: int) -> None:
    current = workspaces.member_role(conn, workspace_id, user_id)
    if current == "admin" and workspaces.count_admins(conn, workspace_id) <= 1:
        raise BadRequest("A workspace needs at least one admin", field="role")


@routes.patch("/api/workspaces/<int:workspace_id>/members/<int:user_id>")
def update_member(request, workspace_id, user_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "members.manage", workspace)
    role = validation.validate_role(request.json().get("role"))
    current = workspaces.member_role(request.conn, workspace_id, user_id)
    if current is None:
        raise NotFound("Member not found")
    if role != "admin":
        _ensure_admin_remains(request.conn, workspace_id, user_id)
    workspaces.set_member_role(request.conn, workspace_id, user_id, role)
    return {"members": workspaces.members(request.conn, workspace_id)}


@routes.delete("/api/workspaces/<int:workspace_id>/members/<int:user_id>")
def remove_member(request, workspace_id, user_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "members.manage", workspace)
    if workspaces.member_role(request.conn, workspace_id, user_id) is None:
        raise NotFound("Member not found")
    _ensure_admin_remains(request.conn, workspace_id, user_id)
    workspaces.remove_member(request.conn, workspace_id, user_id)
    return {"members": workspaces.members(request.conn, workspace_id)}


# Categories


def _category_list(conn, workspace_id: int) -> dict:
    rows = workspaces.categories(conn, workspace_id)
    return {"categories": [workspaces.serialize_category(row) for row in rows]}


def _load_category(request, category_id: int) -> tuple[dict, dict]:
    category = workspaces.get_category(request.conn, category_id)
    if category is None:
        raise NotFound("Category not found")
    try:
        workspace = load_workspace(request, category["workspace_id"])
    except NotFound:
        raise NotFound("Category not found") from None
    return category, workspace


def _check_unique_name(conn, workspace_id: int, name: str, category_id: int | None = None):
    existing = workspaces.find_category_by_name(conn, workspace_id, name)
    if existing is not None and existing["id"] != category_id:
        raise ValidationError(f"A category named {existing['name']} already exists", field="name")


@routes.post("/api/workspaces/<int:workspace_id>/categories")
def create_category(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "categories.manage", workspace)
    name = validation.validate_category_name(request.json())
    _check_unique_name(request.conn, workspace_id, name)
    workspaces.create_category(request.conn, workspace_id, name)
    return _category_list(request.conn, workspace_id), 201


@routes.patch("/api/categories/<int:category_id>")
def update_category(request, category_id):
    category, workspace = _load_category(request, category_id)
    require(request.user, "categories.manage", workspace)
    body = request.json()
    changes = {}
    if "name" in body:
        changes["name"] = validation.validate_category_name(body)
        _check_unique_name(request.conn, workspace["id"], changes["name"], category_id)
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise ValidationError("Enabled must be true or false", field="enabled")
        changes["enabled"] = int(body["enabled"])
    if not changes:
        raise ValidationError("Nothing to update", field="name")
    workspaces.update_category(request.conn, category_id, changes)
    return _category_list(request.conn, workspace["id"])


@routes.delete("/api/categories/<int:category_id>")
def delete_category(request, category_id):
    category, workspace = _load_category(request, category_id)
    require(request.user, "categories.manage", workspace)
    if workspaces.category_in_use(request.conn, category_id):
        raise BadRequest(f"{category['name']} is used by existing expenses; disable it instead")
    workspaces.delete_category(request.conn, category_id)
    return _category_list(request.conn, workspace["id"])
