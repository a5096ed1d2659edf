"""Bring your own app: the factory on a tiny app that lives only here (app.toml, a server, a
regression suite), from recording its coverage to generated tasks that validate."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from swelancer_env.factory.mutations import Candidate, mutations_patch
from swelancer_env.factory.probe import Probe
from swelancer_env.factory.run import make, write_tasks
from swelancer_env.grading.canary import CANARY
from swelancer_env.grading.coverage import Coverage, record
from swelancer_env.grading.regression import suite_folder
from swelancer_env.tasks.loader import load_app, load_task
from swelancer_env.validation import validate_task

pytestmark = pytest.mark.browser

SERVER = '''\
"""Notes: a tiny JSON API (the factory's test app)."""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOTES = []


def reset():
    NOTES[:] = [
        {"id": 1, "title": "buy milk", "done": True, "owner": "ann"},
        {"id": 2, "title": "Call Bob", "done": False, "owner": "ann"},
        {"id": 3, "title": "Answer mail", "done": False, "owner": "ann"},
        {"id": 4, "title": "Fix bike", "done": False, "owner": "bob"},
    ]


def check_title(title):
    title = title.strip()
    if not title or len(title) > 40:
        return None
    return title


def visible(user):
    mine = [n for n in NOTES if n["owner"] == user or user == "admin"]
    return sorted(mine, key=lambda n: n["title"].lower())


def may_delete(user, note):
    if user != "admin" and note["owner"] != user:
        return False
    return True


def summary(notes):
    done = sum(1 for n in notes if n["done"])
    percent = round(100 * done / len(notes)) if notes else 0
    return {"done": done, "open": len(notes) - done, "percent": percent}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def user(self):
        auth = self.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ") or None

    def body(self):
        size = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(size) or b"{}")

    def do_GET(self):
        if self.path == "/api/health":
            return self.send(200, {"ok": True})
        user = self.user()
        if user is None:
            return self.send(401, {"error": "sign in"})
        notes = visible(user)
        if self.path == "/api/notes":
            return self.send(200, {"notes": notes})
        if self.path == "/api/summary":
            return self.send(200, summary(notes))
        self.send(404, {"error": "not found"})

    def do_POST(self):
        if self.path == "/api/dev/reset":
            reset()
            return self.send(200, {"ok": True})
        if self.path == "/api/login":
            email = self.body().get("email", "")
            return self.send(200, {"token": email.split("@")[0], "user": {"email": email}})
        user = self.user()
        if user is None:
            return self.send(401, {"error": "sign in"})
        if self.path == "/api/notes":
            title = check_title(self.body().get("title", ""))
            if title is None:
                return self.send(400, {"error": "a title is 1 to 40 characters", "field": "title"})
            note = {"id": max(n["id"] for n in NOTES) + 1, "title": title, "done": False, "owner": user}
            NOTES.append(note)
            return self.send(201, note)
        self.send(404, {"error": "not found"})

    def do_DELETE(self):
        user = self.user()
        note = next((n for n in NOTES if f"/api/notes/{n['id']}" == self.path), None)
        if user is None or note is None:
            return self.send(404, {"error": "not found"})
        if not may_delete(user, note):
            return self.send(403, {"error": "not yours"})
        NOTES.remove(note)
        self.send(200, {"ok": True})


if __name__ == "__main__":
    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int)
    args.add_argument("--data-dir")
    port = args.parse_args().port
    reset()
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''

SUITE = f'''\
# {CANARY}
"""The notes API: listing, adding, deleting and the summary."""


def titles(api):
    status, body = api.get("/api/notes")
    assert status == 200, body
    return [n["title"] for n in body["notes"]]


def test_notes_are_listed_by_title_whatever_the_case(api):
    api.login("ann@notes.test")
    assert titles(api) == ["Answer mail", "buy milk", "Call Bob"]


def test_a_user_sees_their_notes_and_the_admin_all(api):
    api.login("bob@notes.test")
    assert titles(api) == ["Fix bike"]
    api.login("admin@notes.test")
    assert len(titles(api)) == 4


def test_a_title_is_trimmed_and_one_to_forty_characters(api):
    api.login("ann@notes.test")
    assert api.post("/api/notes", {{"title": "   "}})[0] == 400
    assert api.post("/api/notes", {{"title": "x" * 41}})[0] == 400
    status, note = api.post("/api/notes", {{"title": "  " + "y" * 40 + " "}})
    assert status == 201 and note["title"] == "y" * 40


def test_only_the_owner_or_the_admin_deletes_a_note(api):
    api.login("bob@notes.test")
    assert api.delete("/api/notes/1")[0] == 403
    api.login("ann@notes.test")
    assert api.delete("/api/notes/1")[0] == 200
    assert "buy milk" not in titles(api)


def test_the_summary_counts_done_and_open_notes(api):
    api.login("ann@notes.test")
    assert api.get("/api/summary")[1] == {{"done": 1, "open": 2, "percent": 33}}
'''


@pytest.fixture
def byo_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "tasks"
    app = root / "apps" / "notes"
    (app / "server").mkdir(parents=True)
    (app / "server" / "main.py").write_text(SERVER)
    (app / "app.toml").write_text(
        textwrap.dedent("""\
        name = "notes"
        start = "python3 server/main.py --port {port} --data-dir {data_dir}"
        ready_path = "/api/health"
        """)
    )
    suite = root / "regression" / "notes" / "tests"
    suite.mkdir(parents=True)
    (suite / "test_notes_api.py").write_text(SUITE)
    monkeypatch.setenv("SWELANCER_TASKS_DIR", str(root))
    monkeypatch.setenv("SWELANCER_CACHE", str(tmp_path / "cache"))
    load_app.cache_clear()  # type: ignore[attr-defined]
    yield root
    load_app.cache_clear()  # type: ignore[attr-defined]


def test_the_factory_makes_validated_tasks_of_an_app_of_ones_own(byo_root: Path) -> None:
    record("notes")
    assert (byo_root / "regression" / "notes" / "coverage.json").is_file()
    journal = byo_root.parent / "proofs.jsonl"
    run = make("notes", count=14, seed=1, workers=1, journal=journal)
    statuses = {p.status for p in run.proofs}
    assert "validated" in statuses, [(p.candidate.id, p.status, p.detail) for p in run.proofs]
    assert statuses <= {"validated", "not_run", "survived", "too_broad", "no_start"}
    # a second run proves nothing again: the journal has them all
    again = make("notes", count=14, seed=1, workers=1, journal=journal)
    assert [p.candidate.id for p in again.proofs] == [p.candidate.id for p in run.proofs]
    records, _dropped = write_tasks("notes", run.proofs)
    assert records and {r.split for r in records} <= {"synth-train", "synth-val"}
    # a journal lost (or started anew) adds to the store, it never empties it
    kept, _ = write_tasks("notes", [])
    assert sorted(r.id for r in kept) == sorted(r.id for r in records)
    signatures = {tuple(sorted(r.fail_to_pass)) + tuple(r.failures.values()) for r in records}
    assert len(signatures) == len(records), "de-duplicated"
    record_ = records[0]
    task = load_task(record_.id)
    assert task.split == record_.split and task.price == record_.price
    assert "server/main.py" not in task.issue and record_.fail_to_pass
    checks = validate_task(task, workers=1)
    by_name = {c.name: c for c in checks}
    assert by_name["starting state"].ok and by_name["gold fix"].ok, checks
    assert by_name["user tool"].ok, by_name["user tool"]
    listed = subprocess.run(
        [sys.executable, "-m", "swelancer_env.cli", "tasks", "--split", record_.split],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert record_.id in listed and "notes" in listed


def test_a_combination_is_kept_only_if_each_mutation_alone_breaks_its_tests(byo_root: Path) -> None:
    """The gold fix minus one mutation's revert must fail: a combination with a mutation no
    failing test sees alone (masked by the others, or unseen) would pay a partial fix."""
    record("notes")
    run = make("notes", count=14, seed=1, workers=1, journal=byo_root.parent / "proofs.jsonl")
    validated = [p for p in run.proofs if p.status == "validated"]
    unseen = [p for p in run.proofs if p.status in ("not_run", "survived")]
    assert len(validated) >= 2 and unseen, [(p.candidate.id, p.status) for p in run.proofs]
    root = load_app("notes").root

    def combo(*singles) -> Candidate:
        mutations = tuple(p.candidate.mutations[0] for p in singles)
        patch = mutations_patch(root, mutations)
        assert patch is not None
        return Candidate(mutations, patch, "notes-synth-combo")

    # two proved singles that break different tests: each alone still breaks one
    first = validated[0]
    other = next(p for p in validated[1:]
                 if set(p.fail_to_pass) != set(first.fail_to_pass)
                 and mutations_patch(root, (first.candidate.mutations[0], p.candidate.mutations[0])))  # fmt: skip
    suite = suite_folder("notes")
    assert suite is not None
    with Probe("notes", suite, Coverage.load(suite)) as probe:  # type: ignore[arg-type]
        both = probe.prove(combo(first, other))
        assert both.status == "validated", (both.status, both.detail)
        assert both.alone is not None and len(both.alone) == 2 and all(both.alone), both.alone
        # a proved single with a mutation no test sees: the combination is the single's job
        # plus a change an agent may leave in place
        masked = next(
            probe.prove(combo(first, u))
            for u in unseen
            if mutations_patch(root, (first.candidate.mutations[0], u.candidate.mutations[0]))
        )
        assert masked.status == "masked", (masked.status, masked.detail)
        assert masked.alone is not None and len(masked.alone) == 2, masked.alone
        assert masked.alone[0] and masked.alone[1] == [], masked.alone
