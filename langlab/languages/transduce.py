"""Function forms: a language that is read as a function ``x -> f(x)`` (the transduction task).

A :class:`FunctionForm` names the function (Delétang et al. 2023 call these tasks), gives the
*domain*, the language of inputs ``x`` (exact ``count``/``sample``, so that the data layer draws
inputs with the same length bins and leakage-free splits as members of any language), the
output alphabet and ``apply``. A language declares its form with a method
``function_form(self) -> FunctionForm``; :func:`function_form` asks for it and answers a
language without one with a one-line error naming the tasks it does have.

>>> form = FunctionForm("reverse-string", sigma_star("reverse-string", ("0", "1")),
...                     ("0", "1"), lambda x: x[::-1])
>>> form("011"), form.domain.count(3)
(('1', '1', '0'), 8)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langlab.errors import LanglabError
from langlab.languages.base import Language, Tokens

# The computation token: the model reads x, then one BLANK per output token, and the output is
# read at the blanks (CHE's non-autoregressive setting).
BLANK = "<blank>"


@dataclass(frozen=True)
class FunctionForm:
    """``name``: the function's name; ``domain``: the language of inputs; ``outputs``: the
    output alphabet, in column order; ``fn``: tokens to tokens (never empty); ``level``: the
    Chomsky class the function is filed under (CHE's classification); ``note``: how it
    differs from its source, when it does."""

    name: str
    domain: Language
    outputs: Tokens
    fn: Callable[[Tokens], Tokens]
    level: str = "regular"
    note: str = ""

    def __call__(self, x: Sequence[str] | str) -> Tokens:
        return tuple(self.fn(self.domain.tokenize(x)))


def function_form(lang: Language) -> FunctionForm:
    """The function form ``lang`` declares, or a one-line :class:`LanglabError` naming it and
    the tasks it has."""
    method = getattr(lang, "function_form", None)
    form = method() if callable(method) else None
    if form is None:
        raise LanglabError(f"language {lang.name} has no function form, so no transduction "
                           f"task; its tasks: next-symbol, recognition")
    return form


def sigma_star(name: str, alphabet: Sequence[str], *, nonempty: bool = False) -> Language:
    """Every string over ``alphabet`` (``nonempty``: but the empty one), as an exact DFA."""
    from langlab.languages.automaton import DFALanguage

    loop = {t: "s" for t in alphabet}
    delta = {"e": dict(loop), "s": loop}
    return DFALanguage(name, alphabet, "e", {"s"} if nonempty else {"e", "s"}, delta)


def binary(value: int, width: int = 0, *, little_endian: bool = False) -> Tokens:
    """``value`` in binary, zero-filled to ``width`` digits (``width`` 0: no leading zeros,
    and ``()`` for 0), most significant digit first unless ``little_endian``."""
    digits = format(value, "b").zfill(width) if value or width else ""
    digits = digits if width or value else ""
    return tuple(digits[::-1] if little_endian else digits)


def value(bits: Sequence[str], *, little_endian: bool = False) -> int:
    """The number that ``bits`` write (``()`` is 0)."""
    s = "".join(bits)
    return int((s[::-1] if little_endian else s) or "0", 2)


__all__ = ["BLANK", "FunctionForm", "binary", "function_form", "sigma_star", "value"]
