"""Run in a venv with OpenEnv's own package: drives a swelancer-env server with OpenEnv's
GenericEnvClient, unchanged, and prints what it saw as JSON. Not a test module of ours: it
imports nothing of swelancer-env.

usage: python openenv_driver.py URL TASK_ID PROPOSAL MAX_SESSIONS
"""

import json
import sys

from openenv.core.generic_client import GenericEnvClient

url, task_id, proposal, max_sessions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seen = {}


def result(r):
    return {
        "observation_keys": sorted(r.observation),
        "output": r.observation.get("output", "")[:200],
        "exit_code": r.observation.get("exit_code"),
        "reward": r.reward,
        "done": r.done,
        "metadata_keys": sorted(r.metadata or {}),
    }


with GenericEnvClient(base_url=url).sync() as env:
    seen["reset"] = result(env.reset(task_id=task_id, seed=3))
    seen["shell"] = result(env.step({"type": "shell", "command": "echo from-openenv"}))
    seen["state"] = env.state()
    seen["choose"] = result(env.step({"type": "choose_proposal", "proposal_id": proposal}))
    try:
        env.step({"type": "shell", "command": "true"})
    except RuntimeError as e:
        seen["after_done"] = str(e)

# every session taken: the next one is refused with OpenEnv's code
held = [GenericEnvClient(base_url=url).sync() for _ in range(max_sessions)]
try:
    for c in held:
        c.connect()
    extra = GenericEnvClient(base_url=url).sync()
    try:
        extra.reset(task_id=task_id)
    except Exception as e:  # noqa: BLE001
        seen["capacity"] = f"{type(e).__name__}: {e}"
    finally:
        try:
            extra.close()
        except Exception:  # noqa: BLE001
            pass
finally:
    for c in held:
        c.close()
print(json.dumps(seen))
