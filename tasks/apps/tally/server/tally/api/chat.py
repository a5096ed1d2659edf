from .. import money, validation
from ..errors import NotFound
from ..models import chat, workspaces
from ..permissions import require
from ..routing import RouteTable
from .loaders import int_param, load_room, load_workspace

routes = RouteTable()


@routes.get("/api/workspaces/<int:workspace_id>/rooms")
def list_rooms(request, workspace_id):
    load_workspace(request, workspace_id)
    rows = chat.workspace_rooms(request.conn, workspace_id)
    return {"rooms": [chat.serialize_room(row) for row in rows]}


@routes.get("/api/rooms/<int:room_id>")
def get_room(request, room_id):
    room, workspace = load_room(request, room_id)
    return {
        **chat.serialize_room(room),
        "workspace": workspaces.serialize(workspace),
        "members": workspaces.members(request.conn, workspace["id"]),
    }


@routes.get("/api/rooms/<int:room_id>/messages")
def list_messages(request, room_id):
    load_room(request, room_id)
    after_id = int_param(request, "after")
    return {"messages": chat.list_messages(request.conn, room_id, after_id=after_id)}


@routes.post("/api/rooms/<int:room_id>/messages")
def post_message(request, room_id):
    room, workspace = load_room(request, room_id)
    require(request.user, "messages.post", workspace)
    body = validation.validate_message_body(request.json())
    message_id = chat.create_message(request.conn, room_id, request.user["id"], body)
    return {"message": chat.get_message(request.conn, message_id)}, 201


@routes.post("/api/rooms/<int:room_id>/splits")
def create_split(request, room_id):
    room, workspace = load_room(request, room_id)
    require(request.user, "splits.create", workspace)
    data = validation.validate_split(
        request.json(),
        member_ids=workspaces.member_ids(request.conn, workspace["id"]),
        default_currency=workspace["currency"],
    )
    participants = data["participant_ids"]
    shares = money.allocate(data["amount"], len(participants))
    split_id = chat.create_split(
        request.conn,
        room_id,
        request.user["id"],
        data["amount"],
        data["currency"],
        data["description"],
        list(zip(participants, shares, strict=True)),
    )
    message_id = chat.create_message(
        request.conn, room_id, request.user["id"], data["description"], split_id=split_id
    )
    return {"message": chat.get_message(request.conn, message_id)}, 201


@routes.get("/api/splits/<int:split_id>")
def get_split(request, split_id):
    split = chat.get_split(request.conn, split_id)
    if split is None:
        raise NotFound("Split not found")
    try:
        load_room(request, split["room_id"])
    except NotFound:
        raise NotFound("Split not found") from None
    return split
