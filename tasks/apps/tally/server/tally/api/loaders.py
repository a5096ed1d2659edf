"""Look up the object a request names, and 404 when the user may not see it.

Objects in a workspace the user is not a member of are reported as missing rather than
forbidden, so ids cannot be probed.
"""

from ..errors import NotFound
from ..models import chat, reports, workspaces
from ..permissions import can


def load_workspace(request, workspace_id: int) -> dict:
    workspace = workspaces.get_for_user(request.conn, workspace_id, request.user["id"])
    if workspace is None:
        raise NotFound("Workspace not found")
    return workspace


def load_report(request, report_id: int) -> tuple[dict, dict]:
    report = reports.get_report(request.conn, report_id)
    if report is None:
        raise NotFound("Report not found")
    workspace = workspaces.get_for_user(request.conn, report["workspace_id"], request.user["id"])
    if workspace is None or not can(request.user, "report.view", workspace, report):
        raise NotFound("Report not found")
    return report, workspace


def load_expense(request, expense_id: int) -> tuple[dict, dict, dict]:
    expense = reports.get_expense(request.conn, expense_id)
    if expense is None:
        raise NotFound("Expense not found")
    try:
        report, workspace = load_report(request, expense["report_id"])
    except NotFound:
        raise NotFound("Expense not found") from None
    return expense, report, workspace


def load_room(request, room_id: int) -> tuple[dict, dict]:
    room = chat.get_room(request.conn, room_id)
    if room is None:
        raise NotFound("Room not found")
    workspace = workspaces.get_for_user(request.conn, room["workspace_id"], request.user["id"])
    if workspace is None:
        raise NotFound("Room not found")
    if room["report_id"] is not None:
        report = reports.get_report(request.conn, room["report_id"])
        if not can(request.user, "report.view", workspace, report):
            raise NotFound("Room not found")
    return room, workspace


def int_param(request, name: str, default: int = 0) -> int:
    value = request.query.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return default
