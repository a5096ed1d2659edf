"""Reading pytest's JUnit XML: the verdict comes from here, never from printed text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["TestCase", "parse_junit"]

Outcome = Literal["passed", "failed", "error", "skipped"]


class TestCase(BaseModel):
    """One hidden test's outcome."""

    __test__ = False  # not a pytest class
    model_config = ConfigDict(extra="forbid")

    name: str
    outcome: Outcome
    seconds: float = 0.0
    message: str = ""


def parse_junit(path: Path) -> list[TestCase]:
    """The test cases of a JUnit XML report.

    Raises:
        ValueError: the file is missing or is not a JUnit report.
    """
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise ValueError(f"no readable JUnit report at {path}: {e}") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ValueError(f"{path} is not a JUnit report (root element <{root.tag}>)")
    cases = []
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        outcome: Outcome = "passed"
        message = ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]  # type: ignore[assignment]
                message = (child.get("message") or child.text or "")[:2000]
                break
        cases.append(
            TestCase(
                name=name, outcome=outcome, seconds=float(case.get("time") or 0), message=message
            )
        )
    return cases
