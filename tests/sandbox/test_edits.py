"""The file edit tool on a real folder: results, line endings, confinement."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from swelancer_env.sandbox.edits import EditResult, FileEditor, apply_edit

WORKDIR = "/work/app"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    (tree / "src" / "deep" / "deeper").mkdir(parents=True)
    (tree / ".git").mkdir()
    (tree / ".git" / "config").write_text("[core]\n")
    (tree / ".hidden").write_text("secret\n")
    (tree / "src" / "app.py").write_text("def f():\n    return 1\n\n\ndef g():\n    return 1\n")
    (tree / "src" / "deep" / "mod.py").write_text("x = 1\n")
    (tree / "src" / "deep" / "deeper" / "far.py").write_text("y = 2\n")
    (tree / "win.txt").write_bytes(b"one\r\ntwo\r\nthree\r\n")
    (tree / "logo.bin").write_bytes(b"\x89PNG\x00\x00\x01")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.txt").write_text("host file\n")
    (tree / "link_out.txt").symlink_to(outside / "target.txt")
    (tree / "dir_out").symlink_to(outside)
    (tree / "link_in.py").symlink_to(tree / "src" / "app.py")
    return tree


@pytest.fixture
def editor(tree: Path) -> FileEditor:
    return FileEditor(tree, workdir=WORKDIR)


def refused(result: EditResult, *words: str) -> bool:
    return not result.ok and all(w in result.output for w in words)


def test_view_file_with_line_numbers(editor: FileEditor) -> None:
    res = editor.view("src/app.py")
    assert res.ok
    assert res.output.splitlines()[:2] == ["     1\tdef f():", "     2\t    return 1"]
    ranged = editor.view(f"{WORKDIR}/src/app.py", [5, -1])
    assert ranged.output.splitlines() == ["     5\tdef g():", "     6\t    return 1"]
    assert refused(editor.view("src/app.py", [9, 10]), "has 6 lines")


def test_view_crlf_file_shows_lines_without_carriage_returns(editor: FileEditor) -> None:
    assert editor.view("win.txt").output.splitlines()[1] == "     2\ttwo"


def test_view_directory_two_levels_without_hidden(editor: FileEditor) -> None:
    res = editor.view(".")
    lines = res.output.splitlines()
    assert f"{WORKDIR}/src/" in lines and f"{WORKDIR}/src/deep/" in lines
    assert f"{WORKDIR}/src/app.py" in lines
    assert f"{WORKDIR}/src/deep/deeper/" not in lines  # third level
    assert not any(".hidden" in line or ".git" in line for line in lines)


def test_view_missing_and_binary(editor: FileEditor) -> None:
    assert refused(editor.view("nope.py"), "does not exist")
    assert refused(editor.view("logo.bin"), "binary")


def test_view_is_capped(tree: Path) -> None:
    (tree / "big.txt").write_text("line\n" * 10_000)
    res = FileEditor(tree, WORKDIR, output_limit=1000).view("big.txt")
    assert res.ok and "characters cut" in res.output and "view_range" in res.output


def test_create_new_nested_file_and_overwrite(editor: FileEditor, tree: Path) -> None:
    res = editor.create("pkg/sub/new.py", "a = 1\n")
    assert res.ok and "created" in res.output
    assert (tree / "pkg" / "sub" / "new.py").read_text() == "a = 1\n"
    res = editor.create(f"{WORKDIR}/pkg/sub/new.py", "a = 2\n")
    assert res.ok and "overwrote" in res.output
    assert (tree / "pkg" / "sub" / "new.py").read_text() == "a = 2\n"
    assert refused(editor.create("src", "x"), "not a regular file")


def test_str_replace(editor: FileEditor, tree: Path) -> None:
    res = editor.str_replace("src/app.py", "def f():\n    return 1", "def f():\n    return 2")
    assert res.ok and "return 2" in res.output
    assert (tree / "src" / "app.py").read_text().startswith("def f():\n    return 2\n")


def test_str_replace_missing_and_ambiguous(editor: FileEditor, tree: Path) -> None:
    before = (tree / "src" / "app.py").read_text()
    assert refused(editor.str_replace("src/app.py", "return 3", "x"), "not found", "exactly")
    res = editor.str_replace("src/app.py", "    return 1", "    return 5")
    assert refused(res, "occurs 2 times", "lines 2, 6")
    assert refused(editor.str_replace("src/app.py", "", "x"), "empty")
    assert refused(editor.str_replace("nope.py", "a", "b"), "does not exist")
    assert (tree / "src" / "app.py").read_text() == before


def test_str_replace_keeps_crlf(editor: FileEditor, tree: Path) -> None:
    assert editor.str_replace("win.txt", "two\nthree", "2\n3").ok
    assert (tree / "win.txt").read_bytes() == b"one\r\n2\r\n3\r\n"


def test_insert(editor: FileEditor, tree: Path) -> None:
    assert editor.insert("src/deep/mod.py", 0, "# top").ok
    assert editor.insert("src/deep/mod.py", 2, "z = 3\n").ok
    assert (tree / "src" / "deep" / "mod.py").read_text() == "# top\nx = 1\nz = 3\n"
    assert refused(editor.insert("src/deep/mod.py", 9, "w"), "out of range", "3 lines")


def test_insert_at_end_of_file_without_newline_and_crlf(editor: FileEditor, tree: Path) -> None:
    (tree / "nonl.txt").write_text("a\nb")
    assert editor.insert("nonl.txt", 2, "c").ok
    assert (tree / "nonl.txt").read_text() == "a\nb\nc\n"
    assert editor.insert("win.txt", 1, "1.5\n").ok
    assert (tree / "win.txt").read_bytes() == b"one\r\n1.5\r\ntwo\r\nthree\r\n"


def test_confined_to_the_tree(editor: FileEditor, tmp_path: Path) -> None:
    target = tmp_path / "outside" / "target.txt"
    assert refused(editor.view("../outside/target.txt"), "out of the work tree")
    assert refused(editor.create("src/../../escape.txt", "x"), "out of the work tree")
    assert refused(editor.view(str(target)), "outside the work tree")
    assert refused(editor.view("/etc/passwd"), "outside the work tree")
    assert refused(editor.create("/tmp/evil.txt", "x"), "outside the work tree")
    assert refused(editor.view("link_out.txt"), "symlink")
    assert refused(editor.create("link_out.txt", "pwned"), "symlink")
    assert refused(editor.str_replace("link_out.txt", "host", "pwned"), "symlink")
    assert refused(editor.create("dir_out/new.txt", "pwned"), "symlink")
    assert refused(editor.view("dir_out/target.txt"), "symlink")
    assert target.read_text() == "host file\n"
    assert not (tmp_path / "outside" / "new.txt").exists()
    assert not (tmp_path / "escape.txt").exists()


def test_symlink_inside_the_tree_is_followed(editor: FileEditor, tree: Path) -> None:
    assert editor.view("link_in.py").ok
    assert editor.str_replace("link_in.py", "def g():", "def h():").ok
    assert "def h():" in (tree / "src" / "app.py").read_text()
    assert (tree / "link_in.py").is_symlink()


def test_no_writes_in_git_or_output_folder(editor: FileEditor, tree: Path) -> None:
    assert refused(editor.create(".git/config", "[core]\n\thooksPath=/tmp\n"), ".git")
    assert refused(editor.create(".git/hooks/pre-commit", "x"), ".git")
    assert refused(editor.insert(".git/config", 0, "x"), ".git")
    assert refused(editor.create("vendor/.git/config", "x"), ".git")
    assert refused(editor.create(".swelancer/log.txt", "forged"), ".swelancer")
    assert (tree / ".git" / "config").read_text() == "[core]\n"
    assert not (tree / ".swelancer").exists()
    assert editor.view(".git/config").ok  # reading is fine


def test_write_refuses_a_symlink_swapped_in_after_the_check(
    editor: FileEditor, tree: Path, tmp_path: Path
) -> None:
    # the race the O_NOFOLLOW walk closes: a folder becomes a symlink between check and write
    parts, shown = editor._locate("src/deep/mod.py", write=True)
    os.rename(tree / "src" / "deep", tree / "src" / "deep_moved")
    (tree / "src" / "deep").symlink_to(tmp_path / "outside")
    with pytest.raises(Exception, match="not a folder inside the tree"):
        editor._write(parts, shown, "pwned")
    assert not (tmp_path / "outside" / "mod.py").exists()


def test_apply_edit_runs_action_models(tree: Path) -> None:
    actions = pytest.importorskip("swelancer_env.actions")
    res = apply_edit(
        tree,
        WORKDIR,
        actions.StrReplaceAction(path="src/deep/mod.py", old_str="x = 1", new_str="x = 2"),
    )
    assert res.ok and (tree / "src" / "deep" / "mod.py").read_text() == "x = 2\n"
    res = apply_edit(tree, WORKDIR, actions.ViewAction(path="src/deep/mod.py", view_range=(1, 1)))
    assert res.ok and res.output == "     1\tx = 2"


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root harness gives files away")
def test_created_files_and_folders_belong_to_the_trees_owner(
    editor: FileEditor, tree: Path
) -> None:
    for path in [tree, *tree.rglob("*")]:
        os.lchown(path, 1000, 1000)
    (tree / "root_owned.py").write_text("z = 1\n")  # the harness's own file, before the episode
    assert editor.create("new/deeper/mod.py", "a = 1\n").ok
    assert editor.create("top.py", "b = 2\n").ok
    for made in ("new", "new/deeper", "new/deeper/mod.py", "top.py"):
        st = (tree / made).stat()
        assert (st.st_uid, st.st_gid) == (1000, 1000), made
    assert editor.str_replace("root_owned.py", "z = 1", "z = 2").ok
    assert editor.create("root_owned.py", "z = 3\n").ok
    assert (tree / "root_owned.py").stat().st_uid == 0  # an existing file keeps its owner
    assert (tree / "root_owned.py").read_text() == "z = 3\n"


def test_created_files_stay_the_harness_own_when_it_owns_the_tree(
    editor: FileEditor, tree: Path
) -> None:
    assert editor.create("mine/a.py", "a = 1\n").ok
    assert (tree / "mine" / "a.py").stat().st_uid == os.geteuid()
    assert (tree / "mine").stat().st_uid == os.geteuid()
