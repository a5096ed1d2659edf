"""The factory's procedural mutations: each kind on each language, seeded, as patches git applies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from swelancer_env.factory.mutations import (
    KINDS,
    combine,
    find_mutations,
    sample,
    source_files,
)
from swelancer_env.tasks.loader import load_app

PY = """\
import html
import math


def visible(user, ticket):
    if user.role != "admin" and ticket.private:
        raise PermissionError("hidden")
    if not user.is_member:
        return None
    elif ticket.closed:
        return "closed"
    return html.escape(ticket.subject)


async def save(db, rows):
    rows.sort(key=lambda r: r.at, reverse=True)
    await db.flush()
    db.commit()
    return round(sum(r.cents for r in rows) / 100, 2) + len(rows) - 1
"""

TSX = """\
import { useEffect, useState } from 'preact/hooks';

export function List({ items, query }: { items: Item[]; query: string }) {
  const [shown, setShown] = useState<Item[]>([]);
  useEffect(() => {
    setShown(items.filter((i) => i.name.includes(query)));
  }, [items, query]);
  const sorted = [...shown].sort((a, b) => a.rank - b.rank);
  if (!canEdit(user)) return null;
  switch (mode) {
    case 'grid':
      render(sorted);
      break;
    default:
      break;
  }
  const pages = Math.ceil(sorted.length / 10);
  return <p>{encodeURIComponent(query)} {pages >= 1 && sorted[pages - 1].name}</p>;
}

async function load() {
  await fetchAll();
}
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "rules.py").write_text(PY)
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "List.tsx").write_text(TSX)
    for skipped in ("node_modules/x/index.js", "frontend/dist/app.js", "frontend/vendor/v.js",
                    "server/seed.py", "tests/test_a.py"):  # fmt: skip
        path = tmp_path / skipped
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("if (a) { b(); }\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def test_only_the_apps_own_source_is_mutated(app: Path) -> None:
    assert source_files(app) == ["frontend/List.tsx", "server/rules.py"]


def test_every_kind_is_found_in_python_and_tsx(app: Path) -> None:
    found = find_mutations(app)
    by_file = {f: {m.kind for m in found if m.path == f} for f in source_files(app)}
    assert by_file["server/rules.py"] >= {
        "invert_condition", "drop_condition", "change_comparison", "off_by_one", "remove_call",
        "remove_await", "drop_switch_case", "remove_escaping", "remove_permission_check",
        "change_sort_key", "change_rounding",
    }  # fmt: skip
    assert by_file["frontend/List.tsx"] >= {
        "invert_condition", "change_comparison", "off_by_one", "remove_call", "remove_await",
        "drop_switch_case", "lose_state_update", "drop_effect_dependency", "remove_escaping",
        "remove_permission_check", "change_sort_key", "change_rounding",
    }  # fmt: skip
    assert {m.kind for m in found} == set(KINDS)


def _changed(app: Path, kind: str, path: str) -> list[tuple[str, str]]:
    """(old line, new line) pairs of every candidate of ``kind`` in ``path``."""
    out = []
    for m in find_mutations(app, [path]):
        if m.kind != kind:
            continue
        [c] = sample(app, "t", [m], 1, seed=0)
        minus = [line[1:] for line in c.patch.splitlines() if line.startswith("-") and not line.startswith("---")]  # fmt: skip
        plus = [line[1:] for line in c.patch.splitlines() if line.startswith("+") and not line.startswith("+++")]  # fmt: skip
        out.append(("\n".join(minus).strip(), "\n".join(plus).strip()))
    return out


def test_the_changes_are_the_ones_named(app: Path) -> None:
    py, tsx = "server/rules.py", "frontend/List.tsx"
    assert ('if user.role != "admin" and ticket.private:', 'if user.role != "admin":') in _changed(app, "drop_condition", py)  # fmt: skip
    assert ("if not user.is_member:", "if not (not user.is_member):") in _changed(app, "invert_condition", py)  # fmt: skip
    assert ("rows.sort(key=lambda r: r.at, reverse=True)", "rows.sort(key=lambda r: r.at, reverse=False)") in _changed(app, "change_sort_key", py)  # fmt: skip
    assert ("return html.escape(ticket.subject)", "return ticket.subject") in _changed(app, "remove_escaping", py)  # fmt: skip
    assert ("await db.flush()", "db.flush()") in _changed(app, "remove_await", py)
    assert ("db.commit()", "pass") in _changed(app, "remove_call", py)
    guard = _changed(app, "remove_permission_check", py)
    assert any(new == "pass" and "PermissionError" in old for old, new in guard)
    # TSX
    assert ("}, [items, query]);", "}, [items]);") in _changed(app, "drop_effect_dependency", tsx)
    assert ("setShown(items.filter((i) => i.name.includes(query)));", "") in _changed(app, "lose_state_update", tsx)  # fmt: skip
    assert ("const sorted = [...shown].sort((a, b) => a.rank - b.rank);", "const sorted = [...shown].sort((a, b) => b.rank - a.rank);") in _changed(app, "change_sort_key", tsx)  # fmt: skip
    assert ("const pages = Math.ceil(sorted.length / 10);", "const pages = Math.floor(sorted.length / 10);") in _changed(app, "change_rounding", tsx)  # fmt: skip
    assert any("sorted[pages - 1]" in old and "sorted[pages]" in new for old, new in _changed(app, "off_by_one", tsx))  # fmt: skip
    assert any("case 'grid'" in old and new == "" for old, new in _changed(app, "drop_switch_case", tsx))  # fmt: skip


def test_every_candidate_is_a_patch_git_applies_and_reverses(app: Path) -> None:
    candidates = sample(app, "t", find_mutations(app), 200, seed=3)
    assert len(candidates) == len(find_mutations(app))  # every site, when asked for more
    subprocess.run(["git", "add", "-A"], cwd=app, check=True)
    for c in candidates:
        done = subprocess.run(["git", "apply", "--check", "-"], cwd=app, input=c.patch.encode(),
                              capture_output=True)  # fmt: skip
        assert done.returncode == 0, (c.patch, done.stderr.decode())
    # applied, the tree changes; reversed (the gold fix), it is clean again
    c = candidates[0]
    subprocess.run(["git", "apply", "-"], cwd=app, input=c.patch.encode(), check=True)
    assert subprocess.run(["git", "diff", "--quiet"], cwd=app).returncode == 1
    subprocess.run(["git", "apply", "-R", "-"], cwd=app, input=c.patch.encode(), check=True)
    assert subprocess.run(["git", "diff", "--quiet"], cwd=app).returncode == 0


def test_a_seed_always_draws_the_same_candidates_spread_over_kinds(app: Path) -> None:
    sites = find_mutations(app)
    a = [c.id for c in sample(app, "t", sites, 12, seed=7)]
    assert a == [c.id for c in sample(app, "t", find_mutations(app), 12, seed=7)]
    assert a != [c.id for c in sample(app, "t", sites, 12, seed=8)]
    kinds = [c.kind for c in sample(app, "t", sites, len(KINDS), seed=7)]
    assert len(set(kinds)) == len(KINDS), "one of each kind before a second of any"


def test_combinations_change_two_or_three_files(app: Path) -> None:
    singles = sample(app, "t", find_mutations(app), 40, seed=1)
    combos = combine(app, "t", singles, 5, seed=1)
    assert combos
    for c in combos:
        assert c.kind == "combo" and 2 <= len(c.mutations) <= 3
        assert len(c.files) == len(c.mutations)
        assert c.patch.count("diff --git") == len(c.files)


@pytest.mark.parametrize("name", ["desk", "tally"])
def test_the_bundled_apps_give_hundreds_of_sites(name: str) -> None:
    sites = find_mutations(load_app(name).root)
    assert len(sites) > 500
    assert len({m.kind for m in sites}) >= 12
    assert not [m for m in sites if "/vendor/" in m.path or "/dist/" in m.path]
