"""``env.fork()``: independent copies of an episode as it stands, for group rollouts from the
same point, on both backends."""

from __future__ import annotations

import pytest

from swelancer_env.env import SWELancerEnv
from swelancer_env.errors import EpisodeError
from swelancer_env.tasks import list_tasks
from swelancer_env.tasks.model import Task

MANAGER = sorted((t for t in list_tasks() if t.variant == "swe_manager"), key=lambda t: t.id)[0]


def _out(env: SWELancerEnv, command: str) -> str:
    obs, *_ = env.step({"type": "shell", "command": command})
    return str(obs["output"])


def test_forks_carry_the_tree_and_steps_and_go_their_own_ways(mini_task: Task) -> None:
    env = SWELancerEnv(task_id="mini-greeting")
    forks: list[SWELancerEnv] = []
    try:
        env.reset()
        _out(env, "sed -i s/helo/hello/ greeting.py; printf 'a\\0b' > blob.bin; mkdir -p new/deep;"
                  " echo notes > new/deep/n.txt; export SECRET=1; echo $SECRET")  # fmt: skip
        forks = env.fork(2)
        for fork in forks:
            assert fork.unwrapped._steps == 1 and fork.task is env.task
            assert _out(fork, "cat greeting.py new/deep/n.txt") == 'GREETING = "hello"\nnotes\n'
            assert _out(fork, "od -c blob.bin | head -1").split()[1:4] == ["a", "\\0", "b"]
            assert _out(fork, "echo ${SECRET:-unset}") == "unset\n"  # a new shell
        _out(forks[0], "echo only-in-0 > mine.txt")
        assert "No such file" in _out(forks[1], "cat mine.txt") + _out(env, "cat mine.txt")
        # each copy submits on its own: the fixed one earns, the source goes on
        _obs, reward, terminated, _, _ = forks[0].step({"type": "submit"})
        assert terminated and reward == 300.0
        _out(forks[1], "sed -i s/hello/hallo/ greeting.py")
        _obs, reward, terminated, _, _ = forks[1].step({"type": "submit"})
        assert terminated and reward == 0.0
        assert _out(env, "cat greeting.py") == 'GREETING = "hello"\n'
        _obs, reward, terminated, _, _ = env.step({"type": "submit"})
        assert terminated and reward == 300.0
        with pytest.raises(EpisodeError):
            env.fork()
    finally:
        for fork in forks:
            fork.close()
        env.close()


@pytest.mark.docker
def test_a_docker_fork_gives_the_agent_its_tree(engine: str) -> None:
    env = SWELancerEnv(backend="docker", sandbox_options={"image": engine})
    forks: list[SWELancerEnv] = []
    try:
        env.reset(options={"task_id": MANAGER.id})
        _out(env, "echo draft > notes.txt")
        forks = env.fork(1)
        # the change is there and the agent's user owns it: it can edit it
        assert _out(forks[0], "cat notes.txt; echo more >> notes.txt && echo ok") == "draft\nok\n"
        _obs, reward, terminated, _, _ = forks[0].step(
            {"type": "choose_proposal", "proposal_id": MANAGER.correct_proposal}
        )
        assert terminated and reward == MANAGER.price
        assert _out(env, "cat notes.txt") == "draft\n"
    finally:
        for fork in forks:
            fork.close()
        env.close()


def test_a_fork_copies_links_as_links_and_refuses_what_a_submission_would(
    mini_task: Task, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """The fork carries the tree as the harness's diff does: a link the agent made to a host
    folder stays a link (nothing is read through it on the host), and a FIFO, which no
    submission may hold, is refused with the reason (the source episode goes on)."""
    from swelancer_env.errors import SubmissionTooLarge

    secret = tmp_path / "host-secret"
    secret.mkdir()
    (secret / "key.txt").write_text("host only\n")
    env = SWELancerEnv(task_id="mini-greeting")
    forks: list[SWELancerEnv] = []
    try:
        env.reset()
        _out(env, f"ln -s {secret} leak")
        forks = env.fork(1)
        fork_tree = forks[0].sandbox.tree  # type: ignore[union-attr]
        assert (fork_tree / "leak").is_symlink() and str((fork_tree / "leak").readlink()) == str(
            secret
        )
        assert not (fork_tree / "key.txt").exists()
        _out(env, "mkfifo pipe")
        with pytest.raises(SubmissionTooLarge, match="pipe"):
            env.fork(1)
        assert _out(env, "echo still here") == "still here\n"
    finally:
        for fork in forks:
            fork.close()
        env.close()
