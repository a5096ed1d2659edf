"""Evaluations: running agents over tasks and attempts, and what they write and report."""
