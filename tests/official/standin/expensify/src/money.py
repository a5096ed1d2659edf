"""Splitting a bill (the stand-in repository's code, as it is at the task's commit)."""


def split_cents(total_cents: int, people: int) -> list[int]:
    """Each person's share in cents; the cents that do not divide go one each to the first."""
    base, rest = divmod(total_cents, people)
    return [base + (1 if i < rest else 0) for i in range(people)]
