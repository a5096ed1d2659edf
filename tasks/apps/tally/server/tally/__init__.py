"""Tally: expenses, reports and chat for small teams."""

__version__ = "0.9.0"
