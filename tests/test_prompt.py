"""The reset prompt names the job once: an issue that opens with its own heading keeps it alone."""

from __future__ import annotations

from swelancer_env.prompt import job_heading, task_prompt
from swelancer_env.tasks import list_tasks


def test_every_bundled_tasks_prompt_has_one_title() -> None:
    for task in list_tasks():
        text = task_prompt(task, 100)
        job = text.split("The app's code", 1)[0]
        headings = [line for line in job.splitlines() if line.startswith("# ")]
        assert headings == [f"# {job_heading(task)}"], (task.id, headings)
        if not task.issue.lstrip().startswith("# "):
            assert job_heading(task) == task.title
