"""Tasks: the record and the loader."""

from swelancer_env.tasks.loader import (
    list_tasks,
    load_app,
    load_task,
    load_task_dir,
    task_ids,
    tasks_root,
)
from swelancer_env.tasks.model import App, Category, Limits, Proposal, Task

__all__ = [
    "App",
    "Category",
    "Limits",
    "Proposal",
    "Task",
    "list_tasks",
    "load_app",
    "load_task",
    "load_task_dir",
    "task_ids",
    "tasks_root",
]
