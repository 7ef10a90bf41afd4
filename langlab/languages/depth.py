"""Members of a bracket language whose deepest nesting lies in a window, as an exact DFA.

The depth of a prefix is its opening brackets minus its closing ones (a language's
``brackets``: Dyck-k's pairs, or the pairs a language file lists under ``brackets:``); a string's
*maximum depth* is the largest depth of its prefixes. Bhattamishra et al. 2020 condition their
D_n data on it (D_2 tests at depth exactly 2, D_12 trains at depths 9-12), and a
length-generalization test at a fixed depth separates length from depth.

Bounding the depth makes any bracket language regular: :func:`depth_window` builds the product
of the language's own recognizer with a counter of the depth (capped at ``hi``) and a flag for
"depth ``lo`` reached", as a :class:`~langlab.languages.automaton.DFALanguage`. Counting,
ranking and sampling are then those of the DFA: exact, and uniform over the window's members.

>>> from langlab.languages.dyck import Dyck
>>> W = depth_window(Dyck(k=1), 2, 2)
>>> [W.count(n) for n in range(0, 9, 2)]
[0, 0, 1, 3, 7]
>>> W.accepts("(())"), W.accepts("()()"), W.accepts("((()))")
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langlab.errors import LanglabError
from langlab.languages.automaton import DFALanguage, dfa_from_language
from langlab.languages.base import Language, StateLanguage

MAX_STATES = 200_000


def max_depth(toks: Sequence[str], brackets: Sequence[tuple[str, str]]) -> int:
    """The largest (opening - closing) count over the prefixes of ``toks``.

    >>> max_depth("(()())", [("(", ")")]), max_depth("", [("(", ")")])
    (2, 0)
    """
    opens = {o for o, _ in brackets}
    closes = {c for _, c in brackets}
    depth = deepest = 0
    for t in toks:
        depth += (t in opens) - (t in closes)
        deepest = max(deepest, depth)
    return deepest


class _Stack(StateLanguage):
    """Well-nested brackets (Dyck-k) as states: the stack of open pair indices. Infinite, but the
    window's depth cap keeps the reachable part finite."""

    def __init__(self, lang: Language):
        self.name, self.alphabet = lang.name, lang.alphabet
        self._open = {o: i for i, (o, _) in enumerate(lang.brackets)}
        self._close = {c: i for i, (_, c) in enumerate(lang.brackets)}

    def start(self) -> tuple[int, ...]:
        return ()

    def step(self, state: tuple[int, ...], token: str) -> tuple[int, ...] | None:
        if token in self._open:
            return (*state, self._open[token])
        if state and self._close.get(token) == state[-1]:
            return state[:-1]
        return None

    def accepting(self, state: tuple[int, ...]) -> bool:
        return not state

    def live(self, state: tuple[int, ...]) -> bool:
        return True


class _Windowed(StateLanguage):
    """``base`` restricted to maximum depth in [lo, hi]: states (base state, depth, reached)."""

    def __init__(self, lang: Language, base: StateLanguage, lo: int, hi: int):
        self.name = f"{lang.name} (depth {lo if lo == hi else f'{lo}-{hi}'})"
        self.alphabet, self.level = lang.alphabet, "regular"
        self.tags, self.paper_targets = lang.tags, lang.paper_targets
        self.description = f"{lang.name} with its maximum nesting depth in {lo}-{hi}"
        self.base, self.lo, self.hi = base, lo, hi
        self._move = {o: 1 for o, _ in lang.brackets} | {c: -1 for _, c in lang.brackets}

    def start(self) -> Any:
        q = self.base.start()
        return None if q is None else (q, 0, self.lo == 0)

    def step(self, state: Any, token: str) -> Any:
        q, d, reached = state
        r = self.base.step(q, token)
        d += self._move.get(token, 0)
        if r is None or not 0 <= d <= self.hi:
            return None
        return (r, d, reached or d >= self.lo)

    def accepting(self, state: Any) -> bool:
        return state[2] and self.base.accepting(state[0])

    def live(self, state: Any) -> bool:
        return self.base.live(state[0])


def depth_window(lang: Language, lo: int, hi: int) -> DFALanguage:
    """The members of ``lang`` whose maximum depth lies in ``lo``-``hi``, as an exact DFA
    (memoized on ``lang``). A language without ``brackets``, or one whose recognizer langlab
    cannot walk state by state, gets a one-line error."""
    brackets = getattr(lang, "brackets", ())
    if not brackets:
        raise LanglabError(f"{lang.name} has no brackets, so no nesting depth to condition on "
                           f"(a language file lists them as  brackets: [[open, close], ...])")
    memo = lang.__dict__.setdefault("_depth_windows", {})
    if (lo, hi) in memo:
        return memo[(lo, hi)]
    if isinstance(lang, StateLanguage):
        base: StateLanguage = lang
    elif _well_nested(lang):
        base = _Stack(lang)
    else:
        raise LanglabError(f"{lang.name}: a depth window needs a language given by an automaton "
                           f"(regex, dfa) or well-nested brackets (Dyck)")
    windowed = _Windowed(lang, base, lo, hi)
    if windowed.start() is None:
        raise LanglabError(f"{lang.name} has no members")
    try:
        dfa = dfa_from_language(windowed, max_states=MAX_STATES)
    except ValueError:
        raise LanglabError(f"{lang.name}: depth window {lo}-{hi} needs more than {MAX_STATES:,} "
                           f"states; narrow it") from None
    memo[(lo, hi)] = dfa
    return dfa


def _well_nested(lang: Language) -> bool:
    from langlab.languages.dyck import Dyck

    return isinstance(lang, Dyck)


__all__ = ["depth_window", "max_depth"]
