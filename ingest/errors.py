"""Errors that name the file and the problem, so one bad file never hides the others."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be ingested. The message says which file and why, in plain words."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem
