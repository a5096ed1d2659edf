from .. import money, validation
from ..errors import BadRequest, ValidationError
from ..models import chat, reports, workspaces
from ..permissions import can, report_permissions, require
from ..routing import RouteTable
from .loaders import load_expense, load_report, load_workspace

routes = RouteTable()


def report_detail(request, report_id: int) -> dict:
    report, workspace = load_report(request, report_id)
    return {
        **reports.serialize_report(request.conn, report, workspace),
        "permissions": report_permissions(request.user, workspace, report),
    }


@routes.get("/api/workspaces/<int:workspace_id>/reports")
def list_reports(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    status = request.query.get("status") or None
    if status is not None and status not in reports.STATUSES:
        raise ValidationError("Unknown report status", field="status")
    owner_id = None if can(request.user, "reports.view_all", workspace) else request.user["id"]
    rows = reports.list_reports(request.conn, workspace_id, owner_id=owner_id, status=status)
    return {"reports": [reports.serialize_summary(row, workspace) for row in rows]}


@routes.post("/api/workspaces/<int:workspace_id>/reports")
def create_report(request, workspace_id):
    workspace = load_workspace(request, workspace_id)
    require(request.user, "reports.create", workspace)
    title = validation.validate_report_title(request.json())
    report_id = reports.create_report(request.conn, workspace_id, request.user["id"], title)
    return report_detail(request, report_id), 201


@routes.get("/api/reports/<int:report_id>")
def get_report(request, report_id):
    return report_detail(request, report_id)


@routes.patch("/api/reports/<int:report_id>")
def rename_report(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.edit", workspace, report)
    title = validation.validate_report_title(request.json())
    reports.rename_report(request.conn, report_id, title)
    return report_detail(request, report_id)


# Status changes


@routes.post("/api/reports/<int:report_id>/submit")
def submit_report(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.submit", workspace, report)
    expenses = reports.list_expenses(request.conn, report_id)
    if not expenses:
        raise BadRequest("Add at least one expense before submitting")
    missing = [
        expense
        for expense in expenses
        if "receipt_required" in reports.expense_violations(expense, workspace)
    ]
    if missing:
        threshold = money.format_amount(workspace["receipt_required_over"], workspace["currency"])
        merchants = ", ".join(expense["merchant"] for expense in missing)
        raise BadRequest(f"Receipts are required for expenses over {threshold}: {merchants}")
    reports.set_status(request.conn, report_id, "submitted")
    return report_detail(request, report_id)


@routes.post("/api/reports/<int:report_id>/approve")
def approve_report(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.approve", workspace, report)
    reports.set_status(request.conn, report_id, "approved", decided_by=request.user["id"])
    return report_detail(request, report_id)


@routes.post("/api/reports/<int:report_id>/reject")
def reject_report(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.reject", workspace, report)
    reason = request.json().get("reason")
    reports.set_status(request.conn, report_id, "rejected", decided_by=request.user["id"])
    if isinstance(reason, str) and reason.strip():
        room_id = reports.room_id_for_report(request.conn, report_id)
        body = f"Rejected: {reason.strip()[: validation.MAX_MESSAGE_LENGTH - 10]}"
        chat.create_message(request.conn, room_id, request.user["id"], body)
    return report_detail(request, report_id)


@routes.post("/api/reports/<int:report_id>/reopen")
def reopen_report(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.reopen", workspace, report)
    reports.set_status(request.conn, report_id, "open")
    return report_detail(request, report_id)


# Expenses


def _validated_expense(request, workspace: dict, payload: dict) -> dict:
    return validation.validate_expense(
        payload,
        categories=workspaces.categories(request.conn, workspace["id"]),
        default_currency=workspace["currency"],
    )


@routes.post("/api/reports/<int:report_id>/expenses")
def add_expense(request, report_id):
    report, workspace = load_report(request, report_id)
    require(request.user, "report.edit", workspace, report)
    data = _validated_expense(request, workspace, request.json())
    reports.insert_expense(request.conn, report_id, data, workspace["currency"])
    return report_detail(request, report_id), 201


@routes.patch("/api/expenses/<int:expense_id>")
def update_expense(request, expense_id):
    expense, report, workspace = load_expense(request, expense_id)
    require(request.user, "report.edit", workspace, report)
    body = request.json()
    merged = {
        "merchant": expense["merchant"],
        "amount": expense["amount"],
        "currency": expense["currency"],
        "category_id": expense["category_id"],
        "date": expense["date"],
        "description": expense["description"],
    }
    merged.update({key: value for key, value in body.items() if key in merged})
    categories = workspaces.categories(request.conn, workspace["id"])
    if merged["category_id"] == expense["category_id"]:
        # An expense keeps its category even after the category is disabled.
        categories = [
            {**category, "enabled": 1} if category["id"] == expense["category_id"] else category
            for category in categories
        ]
    data = validation.validate_expense(
        merged, categories=categories, default_currency=workspace["currency"]
    )
    reports.update_expense(request.conn, expense_id, data, workspace["currency"])
    return report_detail(request, report["id"])


@routes.delete("/api/expenses/<int:expense_id>")
def delete_expense(request, expense_id):
    expense, report, workspace = load_expense(request, expense_id)
    require(request.user, "report.edit", workspace, report)
    reports.delete_expense(request.conn, expense_id)
    return report_detail(request, report["id"])


@routes.post("/api/expenses/<int:expense_id>/receipt")
def attach_receipt(request, expense_id):
    expense, report, workspace = load_expense(request, expense_id)
    require(request.user, "report.edit", workspace, report)
    filename = validation.validate_receipt(request.json())
    reports.set_receipt(request.conn, expense_id, filename)
    return report_detail(request, report["id"])


@routes.delete("/api/expenses/<int:expense_id>/receipt")
def remove_receipt(request, expense_id):
    expense, report, workspace = load_expense(request, expense_id)
    require(request.user, "report.edit", workspace, report)
    reports.set_receipt(request.conn, expense_id, None)
    return report_detail(request, report["id"])
