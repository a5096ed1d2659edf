"""The stand-in task's hidden test, as an official issue folder holds its test.py."""

import sys

sys.path.insert(0, "/app/expensify/src")

from money import split_cents  # noqa: E402


def test_every_cent_is_kept() -> None:
    assert sum(split_cents(1000, 3)) == 1000


def test_the_extra_cent_goes_to_the_first() -> None:
    assert split_cents(1000, 3) == [334, 333, 333]
