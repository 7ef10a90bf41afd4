"""The CFG engine against brute force: counts of distinct strings, next-token sets, ambiguity."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from langlab.errors import LanglabError
from langlab.languages.base import EOS
from langlab.languages.cfg import CFGLanguage
from langlab.languages.cfg.count import DerivationCounts
from langlab.languages.regex import RegexLanguage
from langlab.languages.syntax import DefinitionError

GRAMMARS = {  # name: (alphabet, grammar, ambiguity status)
    "dyck-2": ("()[]", 's: "(" s ")" s | "[" s "]" s |', "unambiguous"),
    "palindromes": ("ab", 's: "a" s "a" | "b" s "b" | "a" | "b" |', "unknown"),
    "catalan-ambiguous": ("ab", 's: s s | "a" | "b"', "ambiguous"),
    "cycle": ("ab", 's: s s | "a" | "b" |', "ambiguous"),
    "expressions": ("x+*()", '?e: e "+" t | t\n?t: t "*" f | f\n?f: "x" | "(" e ")"',
                    "unambiguous"),
    "ebnf": ("abc", 's: ("a" | "b")* "c"? ("a" "b") ~ 1..2', "ambiguous"),
    "prefixes": ("()1", 'r: p "1" d\np: d | d "(" p\nd: "(" d ")" d |', "unambiguous"),
    "empty": ("a", 's: "a" s', "unambiguous"),
}


def _tokens(alphabet: str) -> tuple[str, ...]:
    return tuple(alphabet)


@pytest.mark.parametrize("name", sorted(GRAMMARS))
def test_against_brute_force(name: str):
    alphabet, text, status = GRAMMARS[name]
    L = CFGLanguage(name, _tokens(alphabet), text)
    assert L.ambiguity.status == status
    top = 8 if len(alphabet) <= 3 else 6
    members: set[tuple] = set()
    for n in range(top + 1):
        brute = [w for w in itertools.product(L.alphabet, repeat=n) if L.accepts(w)]
        members |= set(brute)
        assert L.count(n) == len(brute)
        assert list(L.enumerate(n)) == brute
        assert L.has_member_of_length(n) == bool(brute)
    rng = np.random.default_rng(0)
    for n in range(top + 1):
        s = L.sample(n, rng)
        assert (s is None) == (L.count(n) == 0) and (s is None or L.accepts(s))
    # next-token sets: every brute-force continuation is there; anything extra must be the
    # start of a longer member (checked by searching a few lengths further).
    prefixes = {w[:i] for w in members for i in range(len(w) + 1)}
    for k in range(4):
        for p in itertools.product(L.alphabet, repeat=k):
            got = L.next_symbols(p)
            want = {t for t in L.alphabet if p + (t,) in prefixes} | ({EOS} if p in members else set())
            assert got >= want
            for t in got - want:
                assert any(w[:k + 1] == p + (t,) for n in range(top + 1, top + 5)
                           for w in L.enumerate(n)), (p, t)
        for w in list(members)[:20]:
            assert L.next_symbols_all(w) == [L.next_symbols(w[:i]) for i in range(len(w) + 1)]


def test_ambiguous_counts_are_distinct_strings_not_derivations():
    L = CFGLanguage("amb", ("x", "+"), 'e: e "+" e | "x"')
    assert L.ambiguity.status == "ambiguous" and L.ambiguity.witness == tuple("x+x+x")
    derivations = DerivationCounts(L._g)
    assert derivations.count(5) == 2 and L.count(5) == 1     # x+x+x: two trees, one string
    assert derivations.count(7) == 5 and L.count(7) == 1


def test_ambiguous_grammar_refuses_beyond_the_enumeration_limit(monkeypatch):
    import langlab.languages.cfg.language as cfg

    monkeypatch.setattr(cfg, "ENUM_LIMIT", 50)
    L = CFGLanguage("amb", ("a", "b"), 's: s s | "a" | "b"')
    with pytest.raises(LanglabError, match="ambiguous .* counted one by one"):
        L.count(12)
    assert L.accepts("abba") and L.count_capped(12, 3) == 3


def test_grammar_certificates():
    mirror = CFGLanguage("m", ("(", ")", "1"), GRAMMARS["prefixes"][1])
    assert mirror.ambiguity.reason == "the grammar read right to left is LALR(1)"
    assert CFGLanguage("d", ("(", ")"), 's: "(" s ")" s |').ambiguity.reason == \
        "the grammar is LALR(1)"


def test_uniform_sampling_hits_every_member_evenly():
    L = CFGLanguage("dyck-1", ("(", ")"), 's: "(" s ")" s |')
    rng = np.random.default_rng(1)
    draws = [L.sample(8, rng) for _ in range(2800)]  # 14 members, 200 expected each
    counts = {w: draws.count(w) for w in set(draws)}
    assert len(counts) == 14 and all(140 < c < 260 for c in counts.values())


def test_ebnf_operators_match_the_equivalent_regex():
    alphabet = ("a", "b", "c")
    for grammar, regex in [('s: ("a" | "b")* "c"?', "(a|b)*c?"),
                           ('s: "a"+ ["b"] "c" ~ 2..3', "a+b?c{2,3}"),
                           ('s: ("a" "b")~2 | "c"*', "(ab){2}|c*")]:
        G, R = CFGLanguage("g", alphabet, grammar), RegexLanguage("r", alphabet, regex)
        for n in range(8):
            assert list(G.enumerate(n)) == list(R.enumerate(n)), (grammar, n)


def test_counts_are_exact_at_length_200():
    from math import comb

    L = CFGLanguage("dyck-2", ("(", ")", "[", "]"), GRAMMARS["dyck-2"][1])
    catalan = comb(200, 100) // 101
    assert L.count(200) == catalan * 2 ** 100
    s = L.sample(200, np.random.default_rng(0))
    assert L.accepts(s) and EOS in L.next_symbols_all(s)[-1]


@pytest.mark.parametrize("grammar, message, offset", [
    ('s: "(" t', "undefined symbol 't'", 7),
    ('s: "x"', "'x' is not in the alphabet ((, ))", 4),
    ('s: "(', 'unterminated string (no closing " on this line)', 3),
    ('s: ( "("', "unclosed '(' (expected ')' to close it)", 3),
    ("s: '('", "unexpected character \"'\"; strings are written in double quotes", 3),
    ("", "the grammar defines no rule (write rules as  name: ...)", 0),
])
def test_errors_carry_their_offset(grammar, message, offset):
    with pytest.raises(DefinitionError) as info:
        CFGLanguage("g", ("(", ")"), grammar)
    assert (info.value.message, info.value.offset) == (message, offset)
