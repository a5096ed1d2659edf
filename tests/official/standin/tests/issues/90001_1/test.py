"""The stand-in task's hidden test, as an official issue folder holds its test.py: it reaches
the app over the network, at the app's name, and never imports the app's code."""

import json
from urllib.request import urlopen

APP = "http://dev.new.expensify.com:8082"


def _split(total_cents: int, people: int) -> list[int]:
    with urlopen(f"{APP}/split?total={total_cents}&people={people}", timeout=10) as response:
        return json.load(response)


def test_every_cent_is_kept() -> None:
    assert sum(_split(1000, 3)) == 1000


def test_the_extra_cent_goes_to_the_first() -> None:
    assert _split(1000, 3) == [334, 333, 333]
