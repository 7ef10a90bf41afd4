"""Shared pieces of the definition engines (``regex``, ``cfg``, ``pattern``).

A mistake inside a definition's text is a :class:`DefinitionError` carrying the 0-based
``offset`` of the offending character in that text. Used directly from Python it reads
``regex: unclosed parenthesis (at character 3)``; loaded from a YAML file, :mod:`langlab.languages.spec`
maps the offset to the character's line and column in the file.

>>> split_tokens("0110", ("0", "1"))
[('0', 0), ('1', 1), ('1', 2), ('0', 3)]
>>> split_tokens("if  then", ("if", "then", "x"))
[('if', 0), ('then', 4)]
"""

from __future__ import annotations

from collections.abc import Sequence

from langlab.errors import LanglabError, did_you_mean  # noqa: F401 (re-exported)


class DefinitionError(LanglabError):
    """A mistake in a definition's text: ``message`` at character ``offset`` (0-based).

    ``part`` says which text when a definition has several (``("blocks", 2)``, ``("where",)``);
    ``None`` means the definition's only text.
    """

    def __init__(self, message: str, offset: int | None = None, part: tuple | None = None):
        self.message, self.offset, self.part = message, offset, part
        where = f" (at character {offset + 1})" if offset is not None else ""
        super().__init__(message + where)


def single_char(alphabet: Sequence[str]) -> bool:
    """Whether every token is one character (then strings are written without spaces)."""
    return all(len(t) == 1 for t in alphabet)


def split_tokens(text: str, alphabet: Sequence[str]) -> list[tuple[str, int]]:
    """Split ``text`` into ``(token, offset)`` pairs the way :meth:`Language.tokenize` does.

    Every character is a token when all tokens are one character long; otherwise tokens are
    separated by whitespace. Tokens are not checked here (see :func:`check_tokens`).
    """
    if single_char(alphabet):
        return [(c, i) for i, c in enumerate(text)]
    out, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < len(text) and not text[j].isspace():
            j += 1
        out.append((text[i:j], i))
        i = j
    return out


def check_tokens(pairs: list[tuple[str, int]], alphabet: Sequence[str],
                 part: tuple | None = None) -> tuple[str, ...]:
    """The tokens of ``pairs``; a token outside ``alphabet`` raises :class:`DefinitionError`."""
    known = set(alphabet)
    for tok, off in pairs:
        if tok not in known:
            raise DefinitionError(f"{describe_token(tok)} is not in the alphabet "
                                  f"({', '.join(alphabet)}){did_you_mean(tok, alphabet)}",
                                  off, part)
    return tuple(t for t, _ in pairs)


def describe_token(tok: str) -> str:
    """A token as a user reads it: ``'a'``, or ``a space``/``a tab`` for invisible ones."""
    names = {" ": "a space", "\t": "a tab", "\n": "a line break"}
    return names.get(tok, repr(tok))

