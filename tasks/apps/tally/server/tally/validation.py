"""Checks on request bodies. Each function returns cleaned values or raises ValidationError."""

import re
from datetime import date

from . import money
from .clock import today
from .errors import ValidationError
from .permissions import ROLES

MAX_AMOUNT = 10_000_000
MAX_MERCHANT_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 500
MAX_TITLE_LENGTH = 100
MAX_WORKSPACE_NAME_LENGTH = 60
MAX_CATEGORY_NAME_LENGTH = 40
MAX_MESSAGE_LENGTH = 4000
RECEIPT_EXTENSIONS = (".jpg", ".jpeg", ".png", ".pdf")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _text(payload: dict, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = payload.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{label} is required", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{label} must be at most {max_length} characters", field=field)
    return value


def validate_currency(value, field: str = "currency") -> str:
    if not isinstance(value, str) or not money.is_supported(value):
        supported = ", ".join(money.CURRENCIES)
        raise ValidationError(f"Currency must be one of {supported}", field=field)
    return value


def validate_amount(value, currency: str, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("Amount must be a whole number of minor units", field=field)
    if value <= 0:
        raise ValidationError("Amount must be greater than zero", field=field)
    if value > MAX_AMOUNT:
        limit = money.format_amount(MAX_AMOUNT, currency)
        raise ValidationError(f"Amount must be at most {limit}", field=field)
    return value


def validate_date(value, field: str = "date") -> str:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValidationError("Date must be in YYYY-MM-DD format", field=field)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValidationError("Date is not a valid calendar date", field=field) from None
    if parsed > today():
        raise ValidationError("Date cannot be in the future", field=field)
    return value


def validate_category(value, categories: list[dict], field: str = "category_id") -> int:
    if value is None or value == "":
        raise ValidationError("Choose a category", field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("Category is not valid", field=field)
    for category in categories:
        if category["id"] == value:
            if not category["enabled"]:
                raise ValidationError(f"Category {category['name']} is disabled", field=field)
            return value
    raise ValidationError("Category does not belong to this workspace", field=field)


def validate_expense(payload: dict, *, categories: list[dict], default_currency: str) -> dict:
    """Validate a complete expense (creation, or an update merged over the stored one)."""
    merchant = _text(payload, "merchant", "Merchant", MAX_MERCHANT_LENGTH)
    currency = validate_currency(payload.get("currency") or default_currency)
    amount = validate_amount(payload.get("amount"), currency)
    category_id = validate_category(payload.get("category_id"), categories)
    expense_date = validate_date(payload.get("date"))
    description = _text(
        payload, "description", "Description", MAX_DESCRIPTION_LENGTH, required=False
    )
    return {
        "merchant": merchant,
        "amount": amount,
        "currency": currency,
        "category_id": category_id,
        "date": expense_date,
        "description": description,
    }


def validate_receipt(payload: dict) -> str:
    filename = _text(payload, "filename", "Receipt file name", 200)
    if not filename.lower().endswith(RECEIPT_EXTENSIONS):
        allowed = ", ".join(RECEIPT_EXTENSIONS)
        raise ValidationError(f"Receipts must be one of {allowed}", field="filename")
    return filename


def validate_report_title(payload: dict) -> str:
    return _text(payload, "title", "Title", MAX_TITLE_LENGTH)


def validate_workspace_update(payload: dict) -> dict:
    changes = {}
    if "name" in payload:
        changes["name"] = _text(payload, "name", "Workspace name", MAX_WORKSPACE_NAME_LENGTH)
    if "receipt_required_over" in payload:
        value = payload["receipt_required_over"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                "Receipt threshold must be zero or a positive whole number of minor units",
                field="receipt_required_over",
            )
        if value > MAX_AMOUNT:
            raise ValidationError("Receipt threshold is too large", field="receipt_required_over")
        changes["receipt_required_over"] = value
    if not changes:
        raise ValidationError("Nothing to update", field="name")
    return changes


def validate_category_name(payload: dict) -> str:
    return _text(payload, "name", "Category name", MAX_CATEGORY_NAME_LENGTH)


def validate_role(value, field: str = "role") -> str:
    if value not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}", field=field)
    return value


def validate_email(value, field: str = "email") -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        raise ValidationError("Enter a valid email address", field=field)
    return value.strip().lower()


def validate_message_body(payload: dict) -> str:
    return _text(payload, "body", "Message", MAX_MESSAGE_LENGTH)


def validate_split(payload: dict, *, member_ids: set[int], default_currency: str) -> dict:
    currency = validate_currency(payload.get("currency") or default_currency)
    amount = validate_amount(payload.get("amount"), currency)
    description = _text(payload, "description", "Description", MAX_MERCHANT_LENGTH, required=False)
    participants = payload.get("participant_ids")
    if not isinstance(participants, list) or not all(
        isinstance(user_id, int) and not isinstance(user_id, bool) for user_id in participants
    ):
        raise ValidationError("Choose who to split with", field="participant_ids")
    if len(set(participants)) != len(participants):
        raise ValidationError("A person can only be in a split once", field="participant_ids")
    if len(participants) < 2:
        raise ValidationError("A split needs at least two people", field="participant_ids")
    outsiders = [user_id for user_id in participants if user_id not in member_ids]
    if outsiders:
        raise ValidationError(
            "Everyone in a split must be a member of the workspace", field="participant_ids"
        )
    return {
        "amount": amount,
        "currency": currency,
        "description": description,
        "participant_ids": participants,
    }
