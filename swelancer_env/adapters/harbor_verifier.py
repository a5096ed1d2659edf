"""The verifier of a task exported for Harbor: ``tests/test.sh`` runs this file as root in the
task's container once the agent is done (standard library only: the image's Python).

Harbor copies ``tests/`` to ``/tests`` only now, so the agent never saw the hidden tests, the
right proposal or this file. The agent ran as the unprivileged ``agent`` user: everything it
left (processes, files under ``/app`` and ``/tmp``) is hostile, and is contained as the Docker
backend contains it, by users and fresh folders rather than by checks:

1. every process of ``agent`` is killed (a server it left on the app's port answers nobody);
2. IC: the app keeper (``appctl.py``, the Docker backend's own) copies ``/app`` as ``agent`` into
   a fresh folder under a root-owned one no earlier process could know (within the tree
   limits; no link is followed, a FIFO or device stops it), builds and starts it there with a
   fresh data folder; pytest then runs the hidden tests as root from a root-only folder with
   the grading plugin, and the app's code can neither read them nor write their report;
   manager: the choice in ``/app/manager_decision.json`` (read without following a link, at
   most 64 KiB, a regular file only) is compared with the right one;
3. ``/logs/verifier/reward.json`` gets ``{"reward": 1 or 0, "dollars": earned}`` and
   ``verdict.json`` the tests' outcomes and messages.

An infrastructure failure (the browser did not start, pytest wrote no report) writes no reward:
the script exits 2 and says why, so Harbor records an error, not a reward of 0. What the agent's
own code causes is its failure, reward 0 with the reason: the app not starting from its tree, its
processes outliving every kill, the app ending the keeper (they share a user) before it answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

TESTS = Path(os.environ.get("SWELANCER_HARBOR_TESTS", "/tests"))
LOGS = Path(os.environ.get("SWELANCER_HARBOR_LOGS", "/logs/verifier"))
APP_TREE = "/app"
AGENT = ("agent", 1000, 1000)
DECISION = "manager_decision.json"
#: where the run folder's placeholders are replaced (the app's data folder, its run folder)
RUN_MARK = "@RUN@"


class InfraError(Exception):
    """The harness failed: no verdict."""


class AgentFault(Exception):
    """The agent's own code kept the grading from happening (its processes, which share the
    app's user): a failure, reward 0, with this reason."""


def put_log(name: str, data: bytes) -> None:
    """Write ``LOGS/name`` whole: made in a root-only folder and renamed into place, so a link
    the agent left at that name (``/logs/verifier`` may be its to write) is replaced, never
    followed."""
    aside = Path(tempfile.mkdtemp(prefix="swelancer-log-"))
    try:
        (aside / name).write_bytes(data)
        os.replace(aside / name, LOGS / name)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def write_verdict(reward: float, dollars: float, detail: dict) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    put_log("verdict.json", json.dumps(detail, indent=2, ensure_ascii=False).encode())
    put_log("reward.json", json.dumps({"reward": reward, "dollars": dollars}).encode())


def read_agents_file(path: str, limit: int = 65536) -> bytes | None:
    """A file the agent wrote, if it is a regular file of at most ``limit`` bytes (a link is
    not followed; a FIFO does not block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        return os.read(fd, limit)
    finally:
        os.close(fd)


def kill_agents_processes() -> None:
    """Kill every process of the agent's user (again while new ones appear: a fork bomb)."""
    for _ in range(50):
        subprocess.run(["pkill", "-KILL", "-u", AGENT[0]], capture_output=True, check=False)
        if subprocess.run(["pgrep", "-u", AGENT[0]], capture_output=True, check=False).returncode:
            return
        time.sleep(0.1)
    raise AgentFault(
        "the agent's processes could not all be killed (they fork faster than they die)"
    )


def grade_manager(spec: dict) -> tuple[bool, dict]:
    data = read_agents_file(f"{APP_TREE}/{DECISION}")
    if data is None:
        return False, {"reason": f"no readable {APP_TREE}/{DECISION} (a regular file, <= 64 KiB)"}
    try:
        chosen = json.loads(data.decode("utf-8"))["selected_proposal_id"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return False, {"reason": f'{DECISION} is not {{"selected_proposal_id": "<id>"}}'}
    right = str(chosen) == spec["correct_proposal"]
    return right, {"chosen": str(chosen), "reason": "" if right else "not the right proposal"}


def _as_agent(argv: list[str], env: dict, cwd: str, timeout: float) -> str:
    uid, gid = AGENT[1], AGENT[2]
    proc = subprocess.run(argv, env=env, cwd=cwd, user=uid, group=gid, extra_groups=[],
                          capture_output=True, text=True, timeout=timeout, check=False)  # fmt: skip
    return proc.stdout


def _clock_env(spec: dict, now_at: float) -> dict[str, str]:
    clock = spec["clock"]
    env = {"TZ": clock["timezone"], "SWELANCER_TIMEZONE": clock["timezone"]}
    if clock.get("now"):
        env.update(SWELANCER_NOW=clock["now"], SWELANCER_NOW_AT=f"{now_at:.3f}")
    return env


def start_app(spec: dict, base: Path, now_at: float) -> dict:
    """The app keeper's answer to starting the app from the agent's tree in ``base``."""
    request = json.loads(json.dumps(spec["start"]).replace(RUN_MARK, str(base)))
    for name in ("app", "app-run"):  # the agent's, in a folder only root could make
        (base / name).mkdir(mode=0o755)
        os.chown(base / name, AGENT[1], AGENT[2])
    request.update(src=APP_TREE, dst=str(base / "app"), run_dir=str(base / "app-run"))
    request["env"] = {**request["env"], **_clock_env(spec, now_at)}
    keeper = (TESTS / "appctl.py").read_text()
    limit = float(request["timeout"]) + 30
    try:
        out = _as_agent(["python3", "-c", keeper, json.dumps(request)], request["env"],
                        str(base / "app-run"), limit)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"did not start within {limit:.0f} s"}
    lines = [line for line in out.splitlines() if line.strip().startswith("{")]
    if not lines:
        # it runs as the agent's user, as the app does: the app can end it before it answers
        raise AgentFault(f"the app keeper gave no answer (the app shares its user): {out[-1000:]}")
    return json.loads(lines[-1])


def run_tests(spec: dict, base: Path, url: str, now_at: float) -> tuple[list[dict], str]:
    """The hidden tests' outcomes, and the plugin's infrastructure note ("" if none)."""
    run = base / "run"
    run.mkdir(mode=0o700)
    for name in ("out", "home", "tmp"):
        (run / name).mkdir(mode=0o700)
    shutil.copytree(TESTS / "hidden", run / "tests")
    shutil.copy(TESTS / "swelancer_grading_plugin.py", run / "swelancer_grading_plugin.py")
    (run / "pytest.ini").write_text("[pytest]\n")
    (run / "app_url").write_text(url + "\n")
    env = {k: v.replace(RUN_MARK, str(run)) for k, v in spec["pytest_env"].items()}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    argv = [a.replace(RUN_MARK, str(run)) for a in spec["pytest_argv"]]
    settings = {**spec["settings"], "now_at": round(now_at, 3)}
    try:
        subprocess.run(argv, input=json.dumps(settings) + "\n", env=env, cwd=run, text=True,
                       capture_output=True, timeout=spec["grading_timeout_s"], check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return [], ""  # no report: a failure of the tree under test, as in the env
    infra_file = run / "out" / "infra.txt"
    infra = infra_file.read_text(errors="replace").strip() if infra_file.exists() else ""
    junit = run / "out" / "junit.xml"
    if infra or not junit.exists():
        return [], infra or "pytest wrote no report"
    cases = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome, message = child.tag, (child.get("message") or child.text or "")[:2000]
                break
        cases.append({"name": case.get("name", ""), "outcome": outcome, "message": message})
    put_log("junit.xml", junit.read_bytes())
    return cases, ""


def grade_ic(spec: dict) -> tuple[bool, dict]:
    base = Path(tempfile.mkdtemp(prefix="swelancer-verify-"))  # root's, a name nobody knew
    base.chmod(0o711)
    try:
        now_at = time.time()
        started = start_app(spec, base, now_at)
        if not started.get("ok"):
            error = f"the app did not start from /app: {started.get('error')}"
            if started.get("infra"):
                raise InfraError(error)
            return False, {"reason": error, "log": started.get("log", "")[-4000:]}
        cases, infra = run_tests(spec, base, "http://127.0.0.1:8000", now_at)
        if infra:
            raise InfraError(infra)
        passed = bool(cases) and all(c["outcome"] == "passed" for c in cases)
        reason = "" if passed else "hidden tests did not pass" if cases else "no test ran in time"
        return passed, {"reason": reason, "tests": cases}
    finally:
        with contextlib.suppress(AgentFault):  # the verdict is in; main() kills again first
            kill_agents_processes()  # the app, and whatever it started
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    spec = json.loads((TESTS / "task.json").read_text())
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        kill_agents_processes()
        grade = grade_manager if spec["variant"] == "swe_manager" else grade_ic
        passed, detail = grade(spec)
    except AgentFault as e:
        passed, detail = False, {"reason": str(e)}
    except InfraError as e:
        print(f"swelancer verifier: infrastructure error, no verdict: {e}", file=sys.stderr)
        return 2
    detail = {"task": spec["id"], "passed": passed, "price": spec["price"], **detail}
    write_verdict(1.0 if passed else 0.0, spec["price"] if passed else 0.0, detail)
    print(json.dumps({k: v for k, v in detail.items() if k != "tests"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
