"""Context-free languages from grammars: exact counts, uniform samples, next-token sets.

The grammar is written in lark's syntax (the supported subset is in
:mod:`langlab.languages.cfg.syntax`). It is trimmed (rules that derive no string, or that the
start symbol never reaches, are dropped), then:

- **membership and next-token sets** come from an incremental Earley chart
  (:mod:`langlab.languages.cfg.earley`), exact for every grammar;
- **counts and samples** come from derivation counting and unranking
  (:mod:`langlab.languages.cfg.count`) — but derivations equal strings only for an
  *unambiguous* grammar, so :attr:`CFGLanguage.ambiguity` decides first:

  * a grammar whose LALR(1) table has no conflict is unambiguous (checked with lark's LALR
    analyzer in strict mode); exact at every length;
  * a rule cycle ``A => ... => A`` makes strings infinitely ambiguous; two derivations of one
    string found by enumerating derivations up to a budget prove ambiguity. Then counts and
    samples come from enumerating *distinct* strings (exact, uniform, but only while the
    enumeration stays small; beyond that a clear error, never derivation counts);
  * otherwise (not LALR(1), no ambiguity found up to the checked length — e.g. palindromes,
    unambiguous but not LR) the status is ``unknown`` and derivation counts are used;
    ``langlab validate`` warns, naming the checked length.

>>> L = CFGLanguage("dyck-1", ("(", ")"), 's: "(" s ")" s |')
>>> [L.count(n) for n in range(0, 9, 2)], L.ambiguity.status
([1, 1, 2, 5, 14], 'unambiguous')
>>> sorted(L.next_symbols("(()"))
['(', ')']
>>> A = CFGLanguage("ab", ("a", "b"), 's: s s | "a" | "b"')
>>> A.ambiguity.status, [A.count(n) for n in range(4)]
('ambiguous', [0, 2, 4, 8])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import EOS, Language, Tokens, randbelow
from langlab.languages.cfg.count import DerivationCounts, possible_lengths, unit_cycle
from langlab.languages.cfg.earley import Earley, ItemSet
from langlab.languages.cfg.syntax import Grammar, parse_grammar

CHECK_BUDGET = 20_000   # derivations enumerated while looking for an ambiguous string
CHECK_MAX_LEN = 40
ENUM_LIMIT = 200_000    # search steps when counting an ambiguous grammar's strings


@dataclass(frozen=True)
class Ambiguity:
    """``status``: ``unambiguous``, ``ambiguous`` or ``unknown``; ``reason`` says why."""

    status: str
    reason: str
    witness: Tokens | None = None


class CFGLanguage(Language):
    """The language of a context-free grammar over ``alphabet`` (see the module docstring)."""

    def __init__(self, name: str, alphabet: Sequence[str], grammar: str, *,
                 level: str = "context-free", description: str = ""):
        self.name, self.alphabet, self.level = name, tuple(alphabet), level
        self.description, self.grammar = description, grammar
        self._g = trim(parse_grammar(grammar, self.alphabet))
        self._earley = Earley(self._g) if self._g else None
        self._amb: Ambiguity | None = None
        self._counts: DerivationCounts | None = None
        self._distinct: dict[int, list[Tokens]] = {}
        self._lengths: list[bool] = []

    # ------------------------------------------------------------------ ambiguity
    @property
    def ambiguity(self) -> Ambiguity:
        if self._amb is None:
            self._amb = self._decide_ambiguity()
        return self._amb

    def _decide_ambiguity(self) -> Ambiguity:
        g = self._g
        if g is None:
            return Ambiguity("unambiguous", "the language is empty")
        cycle = unit_cycle(g)
        if cycle is not None:
            names = [g.names[a] for a in cycle if "/" not in g.names[a]] or [g.names[cycle[0]]]
            w = shortest_strings(g)[cycle[0]]
            return Ambiguity("ambiguous", f"{self._show(w)} has infinitely many derivations "
                             f"(the rules loop: {' -> '.join(names + names[:1])})", w)
        if is_lalr1(g):
            return Ambiguity("unambiguous", "the grammar is LALR(1)")
        mirror = Grammar(g.names, [[r[::-1] for r in alts] for alts in g.prods], g.start)
        if is_lalr1(mirror):  # derivations of w and of its reversal correspond one to one
            return Ambiguity("unambiguous", "the grammar read right to left is LALR(1)")
        counts, used, checked = self._derivations(), 0, -1
        for n in range(CHECK_MAX_LEN + 1):
            d = counts.count(n)
            if used + d > CHECK_BUDGET:
                break
            used += d
            seen: set[Tokens] = set()
            for r in range(d):
                w = counts.unrank(n, r)
                if w in seen:
                    return Ambiguity("ambiguous", f"{self._show(w)} has two derivations", w)
                seen.add(w)
            checked = n
        return Ambiguity("unknown", f"not LALR(1) in either direction, and no string up to length {checked} has two "
                         "derivations; counts beyond that assume the grammar is unambiguous")

    def _show(self, w: Tokens) -> str:
        return repr(self.join(w)) if w else "the empty string"

    def _derivations(self) -> DerivationCounts:
        if self._counts is None:
            self._counts = DerivationCounts(self._g)
        return self._counts

    # ------------------------------------------------------------------ counting, sampling
    def count(self, n: int) -> int:
        if n < 0 or self._g is None:
            return 0
        if self.ambiguity.status == "ambiguous":
            return len(self._members(n))
        return self._derivations().count(n)

    def count_capped(self, n: int, cap: int) -> int:
        if n < 0 or self._g is None or cap <= 0:
            return 0
        if self.ambiguity.status == "ambiguous" and n not in self._distinct:
            got = 0
            for _ in self._search(n):
                got += 1
                if got >= cap:
                    break
            return got
        return min(self.count(n), cap)

    def has_member_of_length(self, n: int) -> bool:
        if n < 0 or self._g is None:
            return False
        if n >= len(self._lengths):
            self._lengths = possible_lengths(self._g, max(n, 2 * len(self._lengths), 16))
        return self._lengths[n]

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 0 or self._g is None:
            return None
        if self.ambiguity.status == "ambiguous":
            members = self._members(n)
            return members[randbelow(rng, len(members))] if members else None
        total = self._derivations().count(n)
        return self._derivations().unrank(n, randbelow(rng, total)) if total else None

    def _members(self, n: int) -> list[Tokens]:
        """Distinct members of length n, by search (ambiguous grammars only)."""
        if n not in self._distinct:
            self._distinct[n] = list(self._search(n))
        return self._distinct[n]

    def enumerate(self, n: int) -> Iterator[Tokens]:
        if n >= 0 and self._g is not None:
            yield from self._search(n)

    def _search(self, n: int) -> Iterator[Tokens]:
        """Members of length ``n`` in alphabet order: depth-first over Earley charts."""
        chart, prefix, steps = [self._earley.first()], [], 0
        iters = [iter(self._expected(chart[0]))]
        while iters:
            if len(prefix) == n:
                if chart[-1].accepting:
                    yield tuple(prefix)
                t = None
            else:
                t = next(iters[-1], None)
            if t is None:
                iters.pop()
                chart.pop()
                if prefix:
                    prefix.pop()
                continue
            steps += 1
            if steps > ENUM_LIMIT:
                raise LanglabError(
                    f"{self.name}: the grammar is ambiguous ({self.ambiguity.reason}), so its "
                    f"strings of length {n} are counted one by one, and that takes more than "
                    f"{ENUM_LIMIT} steps; write the grammar unambiguously to use this length")
            chart.append(self._earley.advance(chart, t))
            prefix.append(t)
            iters.append(iter(self._expected(chart[-1]) if len(prefix) < n else ()))

    def _expected(self, S: ItemSet) -> list[str]:
        return [t for t in self.alphabet if t in S.scans]

    # ------------------------------------------------------------------ parsing
    def _chart(self, toks: Tokens) -> list[ItemSet] | None:
        """Earley sets for every prefix of toks; None once no member has the prefix."""
        chart = [self._earley.first()]
        for t in toks:
            S = self._earley.advance(chart, t)
            if not S.items:
                return None
            chart.append(S)
        return chart

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        if self._g is None:
            return False
        chart = self._chart(toks)
        return chart is not None and chart[-1].accepting

    def _set(self, S: ItemSet) -> frozenset[str]:
        return frozenset(list(S.scans) + ([EOS] if S.accepting else []))

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        toks = self.tokenize(prefix)
        chart = self._chart(toks) if self._g is not None else None
        return frozenset() if chart is None else self._set(chart[-1])

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        out: list[frozenset[str]] = []
        if self._g is None:
            return [frozenset()] * (len(toks) + 1)
        chart = [self._earley.first()]
        for i, t in enumerate(toks):
            out.append(self._set(chart[-1]))
            S = self._earley.advance(chart, t)
            if not S.items:
                return out + [frozenset()] * (len(toks) - i)
            chart.append(S)
        out.append(self._set(chart[-1]))
        return out


def trim(g: Grammar) -> Grammar | None:
    """Keep only rules over symbols that derive some string and that the start reaches.

    None when the start symbol derives nothing (the empty language).
    """
    productive: set[int] = set()
    changed = True
    while changed:
        changed = False
        for a, alts in enumerate(g.prods):
            if a not in productive and any(all(isinstance(s, str) or s in productive for s in r)
                                           for r in alts):
                productive.add(a)
                changed = True
    if g.start not in productive:
        return None
    keep = [[r for r in alts if all(isinstance(s, str) or s in productive for s in r)]
            for alts in g.prods]
    reach, stack = {g.start}, [g.start]
    while stack:
        for r in keep[stack.pop()]:
            for s in r:
                if isinstance(s, int) and s not in reach:
                    reach.add(s)
                    stack.append(s)
    order = sorted(reach)
    index = {a: i for i, a in enumerate(order)}
    out = Grammar([g.names[a] for a in order], [], index[g.start])
    for a in order:
        out.prods.append([tuple(index[s] if isinstance(s, int) else s for s in r) for r in keep[a]])
    return out


def shortest_strings(g: Grammar) -> list[Tokens]:
    """A shortest string derived from each nonterminal (the grammar must be trimmed)."""
    best: list[Tokens | None] = [None] * len(g.prods)
    changed = True
    while changed:
        changed = False
        for a, alts in enumerate(g.prods):
            for r in alts:
                if all(isinstance(s, str) or best[s] is not None for s in r):
                    w = tuple(t for s in r for t in ((s,) if isinstance(s, str) else best[s]))
                    if best[a] is None or len(w) < len(best[a]):
                        best[a] = w
                        changed = True
    return best  # type: ignore[return-value]


def is_lalr1(g: Grammar) -> bool:
    """Whether lark's LALR(1) analyzer builds a conflict-free table (then g is unambiguous)."""
    try:
        from lark.common import ParserConf
        from lark.exceptions import GrammarError
        from lark.grammar import NonTerminal, Rule, Terminal
        from lark.parsers.lalr_analysis import LALR_Analyzer
    except ImportError:  # pragma: no cover - lark is a dependency
        return False
    nts = [NonTerminal(f"n{a}") for a in range(len(g.prods))]
    terms: dict[str, Terminal] = {}
    rules = [Rule(nts[a], [nts[s] if isinstance(s, int) else
                           terms.setdefault(s, Terminal(f"T{len(terms)}")) for s in rhs], order=i)
             for a, alts in enumerate(g.prods) for i, rhs in enumerate(alts)]
    try:
        LALR_Analyzer(ParserConf(rules, None, [f"n{g.start}"]), strict=True).compute_lalr()
    except GrammarError:
        return False
    except Exception:  # noqa: BLE001 - lark internals changed: fall back to other checks
        return False
    return True
