"""The gold fix with one hunk left out: the splitter keeps every partial diff a valid patch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from swelancer_env.grading.ablation import ablations, hunk_names, split_diff, without_hunk

A = [f"line {i}\n" for i in range(1, 31)]
B = [f"b {i}\n" for i in range(1, 6)]


def _git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A tree and a diff of it: 2 files, 3 hunks (the first adds lines, shifting the second)."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_text("".join(A))
    (tree / "b.txt").write_text("".join(B))
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    changed_a = A[:1] + ["new 1\n", "new 2\n", "new 3\n"] + A[2:24] + ["LINE 25\n"] + A[25:]
    (tree / "a.txt").write_text("".join(changed_a))
    (tree / "b.txt").write_text("".join(B[:2] + ["B 3\n"] + B[3:]))
    diff = _git(tree, "diff").stdout
    _git(tree, "checkout", "-q", "--", ".")
    return tree, diff


def test_split_names_each_hunk_by_file_and_position(repo: tuple[Path, str]) -> None:
    _, diff = repo
    files = split_diff(diff)
    assert [(f.path, len(f.hunks)) for f in files] == [("a.txt", 2), ("b.txt", 1)]
    assert "".join(f.text() for f in files) == diff  # nothing lost
    assert hunk_names(diff) == ["a.txt:1", "a.txt:2", "b.txt:1"]


def test_each_ablation_applies_cleanly_and_leaves_out_exactly_its_hunk(
    repo: tuple[Path, str],
) -> None:
    tree, diff = repo
    partial = dict(ablations(diff))
    assert list(partial) == ["a.txt:1", "a.txt:2", "b.txt:1"]
    assert "b.txt" not in partial["b.txt:1"]  # a file's only hunk: its whole diff goes
    assert "@@ -22,7 +22,7 @@" in partial["a.txt:1"]  # the later hunk, shifted back
    for name, text in partial.items():
        check = _git(tree, "apply", "--check", "-", stdin=text)
        assert check.returncode == 0, f"{name}: {check.stderr}\n{text}"
        assert _git(tree, "apply", "-", stdin=text).returncode == 0
        a, b = (tree / "a.txt").read_text(), (tree / "b.txt").read_text()
        assert ("new 1" in a) == (name != "a.txt:1"), name
        assert ("LINE 25" in a) == (name != "a.txt:2"), name
        assert ("B 3" in b) == (name != "b.txt:1"), name
        _git(tree, "checkout", "-q", "--", ".")


def test_one_hunk_in_all_gives_no_ablation_and_an_unknown_hunk_is_an_error(
    repo: tuple[Path, str],
) -> None:
    _, diff = repo
    only_b = without_hunk(without_hunk(diff, "a.txt:1"), "a.txt:1")
    assert hunk_names(only_b) == ["b.txt:1"] and ablations(only_b) == []
    with pytest.raises(KeyError, match="a.txt:1, a.txt:2, b.txt:1"):
        without_hunk(diff, "a.txt:3")
