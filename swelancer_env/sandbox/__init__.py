"""Sandboxes: the agent's work tree, its shell, file edits, isolation and limits."""
