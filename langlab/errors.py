"""Error types. Every user-facing error is a :class:`LanglabError` with a one-line message.

Errors tied to a place in a file carry ``path``, ``line`` and ``column`` (1-based) and render as
``FILE:LINE:COL: what is wrong`` followed by the source line and a caret, the way lark does.
"""

from __future__ import annotations

import difflib
from pathlib import Path


class LanglabError(Exception):
    """Base class for every error langlab reports to a user (never shown with a traceback)."""


class UnknownNameError(LanglabError, KeyError):
    """A name missing from a registry; the message offers the closest names."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name = kind, name
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class TokenError(LanglabError, ValueError):
    """A token that is not in a language's alphabet."""


class SpecError(LanglabError):
    """A problem in a user's file (language YAML, suite YAML), with its position when known."""

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, column: int | None = None, source_line: str | None = None):
        self.message, self.path, self.line, self.column = message, path, line, column
        self.source_line = source_line
        super().__init__(self.render())

    def headline(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message

    def render(self) -> str:
        text = self.headline()
        if self.source_line is not None and self.column is not None:
            src = self.source_line.rstrip("\n").expandtabs(1)
            text += "\n    " + src + "\n    " + " " * (self.column - 1) + "^"
        return text
