"""Next-symbol sets of every prefix of a string, as ids into a shared table of sets.

``lang.next_symbols_all(s)`` gives the ``n + 1`` sets in one incremental pass. For a
:class:`~langlab.languages.base.StateLanguage` that keeps the generic implementation, the set
after a prefix depends only on the recognizer's state, so :class:`SetTable` remembers the set
id of each state it has seen and walks ``step`` alone: building the default dataset spends most
of its time here, and most strings revisit a handful of states.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("ab*", ("a", "b"), 0, {1}, {0: {"a": 1}, 1: {"b": 1}})
>>> t = SetTable(L)
>>> [sorted(t.sets[i]) for i in t.ids(("a", "b"))]
[['a'], ['<eos>', 'b'], ['<eos>', 'b']]
"""

from __future__ import annotations

from langlab.errors import LanglabError
from langlab.languages.base import EOS, Language, StateLanguage, Tokens


class SetTable:
    """Interned next-symbol sets (id 0 = the empty set) and the per-string id rows."""

    def __init__(self, lang: Language):
        self.lang = lang
        self.index: dict[frozenset[str], int] = {frozenset(): 0}
        self.sets: list[frozenset[str]] = [frozenset()]
        self._by_state: dict = {}
        generic = type(lang).next_symbols_all is StateLanguage.next_symbols_all
        self._walk = isinstance(lang, StateLanguage) and generic

    def intern(self, x: frozenset[str]) -> int:
        i = self.index.get(x)
        if i is None:
            i = self.index[x] = len(self.sets)
            self.sets.append(x)
        return i

    def ids(self, s: Tokens) -> list[int]:
        """Set ids after each prefix of member ``s`` (``n + 1`` of them); checks membership."""
        row = self._walk_ids(s) if self._walk else None
        if row is None:
            sets = self.lang.next_symbols_all(s)
            get = self.index.get
            row = [get(x) for x in sets]
            if None in row:   # a set not seen before
                row = [self.intern(x) for x in sets]
        if len(row) != len(s) + 1 or 0 in row or EOS not in self.sets[row[-1]]:
            raise LanglabError(f"{self.lang.name}: sampled string {self.lang.join(s)!r} is not "
                               f"a member (its next-symbol sets say so); the language is "
                               f"inconsistent")
        return row

    def _walk_ids(self, s: Tokens) -> list[int] | None:
        lang, memo = self.lang, self._by_state
        q = lang.start()
        row = []
        try:
            for t in (*s, None):   # None: the state after the whole string
                if q is None:
                    return None
                i = memo.get(q)
                if i is None:
                    i = memo[q] = self.intern(_set_at(lang, q))
                row.append(i)
                if t is not None:
                    q = lang.step(q, t)
        except TypeError:   # unhashable states: use the language's own pass from now on
            self._walk = False
            return None
        return row


def _set_at(lang: StateLanguage, q) -> frozenset[str]:
    """``next_symbols`` at state ``q`` from the public StateLanguage interface."""
    if not lang.live(q):
        return frozenset()
    nxt = [t for t in lang.alphabet if (r := lang.step(q, t)) is not None and lang.live(r)]
    if lang.accepting(q):
        nxt.append(EOS)
    return frozenset(nxt)
