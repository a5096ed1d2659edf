"""The official CSV formats and issue folders, on real rows (samples/, copied from the project's
shared data with its README): both formats give the same tasks, every quirk the README lists
is handled, and a bad row is reported and skipped, never stopping the rest."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from swelancer_env.errors import TaskFormatError
from swelancer_env.official.loader import read_csv, read_issue_folder, unescape

SAMPLES = Path(__file__).with_name("samples")
V1, V2, ISSUES = (
    SAMPLES / "tasks_sample_v1.csv",
    SAMPLES / "tasks_sample_v2.csv",
    SAMPLES / "issues",
)
IDS = ["18641_837", "6883", "15289_1", "17073-manager-0", "19167-manager-0"]


@pytest.mark.parametrize("path", [V1, V2])
def test_both_formats_read_every_sample_row(path: Path) -> None:
    loaded = read_csv(path, ISSUES)
    assert loaded.skipped == []
    assert [t.id for t in loaded.tasks] == IDS
    assert loaded.format == ("v1" if path == V1 else "v2")
    assert loaded.by_variant() == {"ic_swe": (3, 41_000.0), "swe_manager": (2, 2_000.0)}
    for t in loaded.tasks:
        assert t.app == "expensify" and t.official is not None and t.category is None
        assert t.official.cwd == "/app/expensify" and t.title and t.issue.startswith("# ")


def test_the_two_formats_agree_on_each_task() -> None:
    one = {t.id: t for t in read_csv(V1, ISSUES).tasks}
    two = {t.id: t for t in read_csv(V2, ISSUES).tasks}
    for qid in IDS:
        a, b = one[qid], two[qid]
        assert (a.variant, a.price, a.correct_proposal) == (b.variant, b.price, b.correct_proposal)
        assert [p.id for p in a.proposals] == [p.id for p in b.proposals]
        assert a.official.manager_commit == b.official.manager_commit  # type: ignore[union-attr]
        assert a.official.acceptable_folders == b.official.acceptable_folders  # type: ignore[union-attr]
    assert two["6883"].price == 32000.0  # "32000" in v2, "32000.0" in v1
    assert two["17073-manager-0"].official.set == "diamond"  # type: ignore[union-attr]
    assert one["17073-manager-0"].official.set is None  # type: ignore[union-attr]


def test_manager_rows_give_proposals_and_the_correct_one() -> None:
    tasks = {t.id: t for t in read_csv(V2).tasks}
    five, two = tasks["17073-manager-0"], tasks["19167-manager-0"]
    assert [p.id for p in five.proposals] == ["0", "1", "2", "3", "4"]
    assert five.correct_proposal == "4"
    assert [p.id for p in two.proposals] == ["0", "1"] and two.correct_proposal == "0"
    assert all(p.text for p in five.proposals)
    assert five.official.manager_commit.startswith("33b5f76c582f")  # type: ignore[union-attr]
    assert tasks["15289_1"].official.acceptable_folders == ["15289", "15289_1"]  # type: ignore[union-attr]


def test_text_fields_are_unescaped_keeping_other_characters() -> None:
    task = next(t for t in read_csv(V2).tasks if t.id == "18641_837")
    assert "\\n" not in task.issue and "### Problem\n\nWe introduced" in task.issue
    apostrophe = next(t for t in read_csv(V2).tasks if t.id == "6883")
    assert "If you haven’t already" in apostrophe.issue  # U+2019 survives
    assert unescape("a\\nb \\u2019 é") == "a\nb ’ é"
    assert unescape("\\*bold\\* \\` \\\\n") == "\\*bold\\* \\` \\n"  # Markdown's escapes stay


def test_issue_folders_and_their_quirks() -> None:
    raw = (ISSUES / "18641_837" / "commit_id.txt").read_text()
    assert raw.endswith("\n")  # this one ends in a newline, the others do not
    assert read_issue_folder(ISSUES / "18641_837")["commit_id"] == raw.strip()
    repro = read_issue_folder(ISSUES / "15289_1")  # spells issue_repro_steps
    assert repro["steps"] and repro["price"] == 8000.0
    assert read_issue_folder(ISSUES / "6883")["price"] == 32000.0  # an int in the file
    assert "bug_reintroduce_patch" in repro and repro["bug_reintroduce_patch"].startswith("diff")
    task = next(t for t in read_csv(V1, ISSUES).tasks if t.id == "15289_1")
    assert task.official.commit_id == repro["commit_id"]  # type: ignore[union-attr]
    assert task.official.bug_reintroduce_patch == repro["bug_reintroduce_patch"]  # type: ignore[union-attr]
    assert repro["steps"].strip()[:40] in task.issue


def _rewrite(src: Path, dest: Path, change) -> Path:  # type: ignore[no-untyped-def]
    csv.field_size_limit(1 << 30)
    with src.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows, fields = list(reader), reader.fieldnames
    change(rows)
    with dest.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return dest


def test_two_proposals_with_one_id_are_one_choice(tmp_path: Path) -> None:
    def repeat(rows: list[dict[str, str]]) -> None:
        row = rows[4]  # 19167-manager-0: proposals 0 and 1
        assert "'id': 1, 'source_url'" in row["manager_data"]
        row["manager_data"] = row["manager_data"].replace(
            "'id': 1, 'source_url'", "'id': 0, 'source_url'", 1
        )

    task = read_csv(_rewrite(V2, tmp_path / "same.csv", repeat)).tasks[-1]
    assert [p.id for p in task.proposals] == ["0"] and task.correct_proposal == "0"
    assert "\n\n---\n\n" in task.proposals[0].text  # both texts, shown together


def test_a_bad_row_is_reported_and_the_rest_are_read(tmp_path: Path) -> None:
    def spoil(rows: list[dict[str, str]]) -> None:
        rows[0]["price"] = "lots"
        rows[3]["manager_data"] = rows[3]["manager_data"].replace("'correct_proposal'", "'x'", 1)
        rows[4]["variant"] = "swe_designer"
        rows.append(dict(rows[1]))  # a repeated question id

    loaded = read_csv(_rewrite(V2, tmp_path / "bad.csv", spoil))
    assert [t.id for t in loaded.tasks] == ["6883", "15289_1"]
    why = {s.question_id: s.why for s in loaded.skipped}
    assert "price 'lots' is not a number" in why["18641_837"]
    assert "correct_proposal" in why["17073-manager-0"]
    assert "swe_designer" in why["19167-manager-0"]
    assert "repeats" in why["6883"]


def test_a_file_that_is_not_official_says_what_it_expected(tmp_path: Path) -> None:
    other = tmp_path / "x.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(TaskFormatError, match="not an official SWE-Lancer CSV"):
        read_csv(other)
    with pytest.raises(TaskFormatError, match="official fetch"):
        read_csv(tmp_path / "missing.csv")


def test_expensify_repo_gives_the_tree_at_the_managers_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in checkout (a real git repository) with two commits: the tree is the first."""
    import subprocess

    from swelancer_env.backends import make_backend
    from swelancer_env.errors import ConfigError
    from swelancer_env.official.trees import EXPENSIFY_REPO_VAR

    repo = tmp_path / "App"
    repo.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                              text=True).stdout.strip()  # fmt: skip

    git("init", "-q")
    (repo / "src").mkdir()
    (repo / "src" / "IOUDetailsModal.js").write_text("export default null;\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    commit = git("rev-parse", "HEAD")
    (repo / "src" / "later.js").write_text("after the fix\n")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two")

    def at(commit_hash: str) -> Callable[[list[dict[str, str]]], None]:
        def change(rows: list[dict[str, str]]) -> None:
            rows[4]["manager_commit"] = commit_hash

        return change

    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(EXPENSIFY_REPO_VAR, str(repo))
    task = read_csv(_rewrite(V2, tmp_path / "mine.csv", at(commit))).tasks[-1]
    sandbox = make_backend("local").sandbox(task)
    try:
        listing = sandbox.run("find src -type f | sort; cat README.md 2>&1 | head -1", 30).output
        assert listing.splitlines()[0] == "src/IOUDetailsModal.js" and "later.js" not in listing
        assert "No such file" in listing  # no text-only README: the code is there
    finally:
        sandbox.stop()
    missing = read_csv(_rewrite(V2, tmp_path / "gone.csv", at("ab" * 20))).tasks[-1]
    with pytest.raises(ConfigError, match=f"commit {'ab' * 20} is not in .*fetch origin"):
        make_backend("local").sandbox(missing)
    monkeypatch.setenv(EXPENSIFY_REPO_VAR, str(tmp_path))
    with pytest.raises(ConfigError, match="not a git checkout; clone Expensify/App"):
        make_backend("local").sandbox(task)
