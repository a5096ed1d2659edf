"""Grading: the hidden tests run on a fresh copy of the starting state plus the diff, and their verdict."""
