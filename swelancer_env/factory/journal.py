"""The factory's journal: every candidate it proved and what it found, one JSON line each.

Proving is the slow part (real gradings); the journal keeps each result as soon as it is known,
so a run that stops resumes where it was, and the job posts and the store are remade from it
without grading again. It lives in the cache (``<cache>/factory/<app>/proofs.jsonl``) unless
the caller names another file.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from swelancer_env.factory.mutations import Candidate, Mutation
from swelancer_env.factory.probe import Proof

__all__ = ["Journal"]


def _mutation_dict(m: Mutation) -> dict:
    return {"path": m.path, "start": m.start, "end": m.end,
            "replacement": m.replacement.decode(errors="surrogateescape"), "kind": m.kind,
            "line": m.line, "scope": m.scope}  # fmt: skip


def _mutation(d: dict) -> Mutation:
    return Mutation(d["path"], d["start"], d["end"], d["replacement"].encode(errors="surrogateescape"),
                    d["kind"], d["line"], d["scope"])  # fmt: skip


class Journal:
    """Append-only proofs of one app's candidates (thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def read(self) -> list[Proof]:
        """Every proof so far (the last one of a candidate proved twice), in order."""
        if not self.path.is_file():
            return []
        out: dict[str, Proof] = {}
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash: proved again
                continue
            c = Candidate(tuple(_mutation(m) for m in d["mutations"]), d["patch"], d["id"])
            out[c.id] = Proof(c, d["status"], d["fail_to_pass"], d["pass_to_pass"],
                              d["failures"], d["covering"], d["gradings"], d["seconds"],
                              d.get("detail", ""), d.get("alone"))  # fmt: skip
        return list(out.values())

    def add(self, proof: Proof) -> None:
        c = proof.candidate
        record = {
            "id": c.id, "mutations": [_mutation_dict(m) for m in c.mutations], "patch": c.patch,
            "status": proof.status, "fail_to_pass": proof.fail_to_pass,
            "pass_to_pass": proof.pass_to_pass, "failures": proof.failures,
            "covering": proof.covering, "gradings": proof.gradings, "seconds": proof.seconds,
            "detail": proof.detail, "alone": proof.alone,
        }  # fmt: skip
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line)
