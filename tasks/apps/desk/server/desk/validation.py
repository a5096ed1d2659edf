"""Checks on request bodies. Errors name the offending field."""

import re

from .errors import BadRequest

TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,29}")
MAX_TAGS = 10


def text(body: dict, field: str, label: str, max_length: int) -> str:
    """A required string, trimmed."""
    value = body.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadRequest(f"{label} must be text", field=field)
    value = value.strip()
    if not value:
        raise BadRequest(f"{label} is required", field=field)
    if len(value) > max_length:
        raise BadRequest(f"{label} must be at most {max_length} characters", field=field)
    return value


def choice(body: dict, field: str, label: str, options: tuple[str, ...]) -> str:
    value = body.get(field)
    if value not in options:
        raise BadRequest(f"{label} must be one of: {', '.join(options)}", field=field)
    return value


def integer(value, field: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{label} must be a whole number", field=field)
    if not low <= value <= high:
        raise BadRequest(f"{label} must be between {low} and {high}", field=field)
    return value


def tags(value) -> list[str]:
    """Tags are lowercase words of letters, digits and dashes; duplicates are dropped."""
    if not isinstance(value, list):
        raise BadRequest("Tags must be a list", field="tags")
    result: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise BadRequest("Tags must be text", field="tags")
        tag = item.strip().lower()
        if not TAG.fullmatch(tag):
            raise BadRequest(
                f"“{item.strip()}” is not a valid tag: use letters, digits and dashes (up to 30)",
                field="tags",
            )
        if tag not in result:
            result.append(tag)
    if len(result) > MAX_TAGS:
        raise BadRequest(f"A ticket can have at most {MAX_TAGS} tags", field="tags")
    return result
