"""Who may do what in a workspace.

`workspace` is a workspace row joined with the acting user's membership, so it carries
`role`. Report actions also take the report they apply to.
"""

from .errors import Forbidden

ROLES = ("admin", "auditor", "member")

ROLE_ACTIONS = {
    "admin": {
        "workspace.view",
        "workspace.update",
        "members.manage",
        "categories.manage",
        "reports.create",
        "reports.view_all",
        "reports.approve",
        "splits.create",
        "messages.post",
    },
    "auditor": {
        "workspace.view",
        "reports.view_all",
        "messages.post",
    },
    "member": {
        "workspace.view",
        "reports.create",
        "splits.create",
        "messages.post",
    },
}

# Actions on a single report, and the report statuses in which they are possible.
REPORT_ACTIONS = {
    "report.view": None,
    "report.edit": {"open"},
    "report.submit": {"open"},
    "report.reopen": {"rejected"},
    "report.approve": {"submitted"},
    "report.reject": {"submitted"},
}

WORKSPACE_PERMISSIONS = (
    "workspace.update",
    "members.manage",
    "categories.manage",
    "reports.create",
    "reports.view_all",
    "splits.create",
    "messages.post",
)


def roles_with(action: str) -> list[str]:
    return [role for role in ROLES if action in ROLE_ACTIONS[role]]


def _role_allows(workspace: dict, action: str) -> bool:
    return action in ROLE_ACTIONS.get(workspace.get("role"), set())


def can(user: dict, action: str, workspace: dict, report: dict | None = None) -> bool:
    if action not in REPORT_ACTIONS:
        return _role_allows(workspace, action)

    if report is None or report["workspace_id"] != workspace["id"]:
        return False
    statuses = REPORT_ACTIONS[action]
    if statuses is not None and report["status"] not in statuses:
        return False

    is_owner = report["owner_id"] == user["id"]
    if action == "report.view":
        return is_owner or _role_allows(workspace, "reports.view_all")
    if action in ("report.approve", "report.reject"):
        return _role_allows(workspace, "reports.approve")
    # Editing, submitting and reopening belong to the owner, as long as the
    # owner can still create reports in the workspace.
    return is_owner and _role_allows(workspace, "reports.create")


def require(user: dict, action: str, workspace: dict, report: dict | None = None) -> None:
    if not can(user, action, workspace, report):
        raise Forbidden("You don't have permission to do that")


def workspace_permissions(user: dict, workspace: dict) -> list[str]:
    return [action for action in WORKSPACE_PERMISSIONS if can(user, action, workspace)]


def report_permissions(user: dict, workspace: dict, report: dict) -> list[str]:
    return [
        action.removeprefix("report.")
        for action in REPORT_ACTIONS
        if action != "report.view" and can(user, action, workspace, report)
    ]
