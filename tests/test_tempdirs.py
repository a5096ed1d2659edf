"""Our temporary folders: a process removes its own, whatever state it left them in."""

from __future__ import annotations

import json
import os
from pathlib import Path

from swelancer_env.tempdirs import MARKER, make_temp_dir, remove_own_temp_dirs


def test_a_process_removes_only_its_own_folders(tmp_path: Path) -> None:
    mine = make_temp_dir("swelancer-mine-", dir=tmp_path)
    (mine / "tree").mkdir()
    (mine / "tree" / "ro").write_text("x")
    (mine / "tree").chmod(0o500)  # what an agent can do to its tree
    other = tmp_path / "swelancer-other"
    other.mkdir()
    (other / MARKER).write_text(json.dumps({"pid": os.getppid(), "start": None, "host": "x"}))
    unmarked = tmp_path / "swelancer-unmarked"
    unmarked.mkdir()
    assert remove_own_temp_dirs(tmp_path) == 1
    assert not mine.exists() and other.exists() and unmarked.exists()


def test_the_harness_folders_are_scrubbed_from_what_the_agent_reads() -> None:
    import tempfile

    from swelancer_env.browser.report import UserToolReport
    from swelancer_env.tempdirs import scrub_host_paths

    tmp = tempfile.gettempdir()
    text = f"pytest wrote no verdict ({tmp}/swelancer-grade-run-k3j_x9/run/junit.xml)"
    assert scrub_host_paths(text) == "pytest wrote no verdict (<harness folder>/run/junit.xml)"
    assert scrub_host_paths(f"{tmp}/other/file") == f"{tmp}/other/file"  # not the harness's
    report = UserToolReport(call=1, viewport=(1280, 800), screenshots_dir="/x")
    report.error = f"Chromium could not start: see {tmp}/swelancer-usertool-abc123/worker.log"
    assert "swelancer-usertool" not in report.text()
    assert "swelancer-usertool" not in str(report.info()["error"])


def test_a_folder_whose_marker_a_signal_cut_short_is_still_removed(tmp_path: Path) -> None:
    """A worker's SIGTERM handler removes its folders and exits: one that came while
    ``make_temp_dir`` was writing the marker found it empty (a sandbox's root was left so in
    CI, after the kill -9 of an evaluation). The folder being marked is known as ours."""
    from swelancer_env import tempdirs

    cut = tmp_path / "swelancer-cut-short"
    cut.mkdir()
    (cut / MARKER).write_text("")  # opened, not yet written
    tempdirs._marking.add(cut)
    try:
        assert remove_own_temp_dirs(tmp_path) == 1
        assert not cut.exists()
    finally:
        tempdirs._marking.discard(cut)
    other = tmp_path / "swelancer-empty-marker-of-another"
    other.mkdir()
    (other / MARKER).write_text("")
    assert remove_own_temp_dirs(tmp_path) == 0 and other.exists()  # not known as ours
