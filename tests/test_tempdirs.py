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
