"""Error types. Every user-facing error is a :class:`LanglabError` with a one-line message.

Errors tied to a place in a file carry ``path``, ``line`` and ``column`` (1-based) and render as
``FILE:LINE:COL: what is wrong`` followed by the source line and a caret, the way lark does.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class LanglabError(Exception):
    """Base class for every error langlab reports to a user (never shown with a traceback)."""


# How alike (difflib ratio, 0..1) a known word must be to be offered. 0.6 is difflib's default:
# 'lstmm' -> 'lstm' and 'regualr' -> 'regular' pass, unrelated words of similar length do not.
SUGGEST_CUTOFF = 0.6


def did_you_mean(word: str, known: Iterable[str], n: int = 1) -> str:
    """The hint to append to an error about ``word``: up to ``n`` close ``known`` words, or "".

    >>> did_you_mean("hiden", ["hidden", "layers"])
    "; did you mean 'hidden'?"
    >>> did_you_mean("dyck", ["dyck-1", "dyck-2", "parity"], n=3)
    "; did you mean 'dyck-1' or 'dyck-2'?"
    >>> did_you_mean("zzz", ["hidden"])
    ''
    """
    # closest first; equally close words in sorted order, so a message never depends on set order
    scored = sorted((-difflib.SequenceMatcher(None, w, str(word)).ratio(), w)
                    for w in {str(k) for k in known})
    close = [w for minus_ratio, w in scored if -minus_ratio >= SUGGEST_CUTOFF][:n]
    if not close:
        return ""
    names = [repr(c) for c in close]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"; did you mean {listed}?"


class UnknownNameError(LanglabError, KeyError):
    """A name missing from a registry; the message offers the closest names."""

    def __init__(self, kind: str, name: str, known: list[str]):
        self.kind, self.name = kind, name
        super().__init__(f"unknown {kind} {name!r}{did_you_mean(name, known, n=3)}")

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
