"""Counter and copy patterns against brute force; levels derived from the shape."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from langlab.languages.base import EOS
from langlab.languages.pattern import pattern_language
from langlab.languages.syntax import DefinitionError

PATTERNS = [  # (alphabet, blocks, where, level)
    ("ab", ["a^n", "b^n"], "", "context-free"),
    ("abc", ["a^n", "b^m", "c^(n+m)"], "n >= 1", "context-free"),
    ("abc", ["a^n", "b^n", "c^n"], "", "context-sensitive"),
    ("ab", ["a^n", "b^m"], "n != m", "context-free"),
    ("ab", ["a^n", "b^m"], "n < m, m <= 4", "context-free"),
    ("a", ["a^n", "a^m"], "n != m", "context-free"),
    ("ab", ["a^n", "b^m", "a^k"], "n = k", "context-free"),
    ("ab", ["(ab)^n", "a^m", "(ba)^k"], "1 <= n", "regular"),
    ("abcd", ["a^n", "b^m", "c^n", "d^m"], "n >= 1, m >= 1", "context-sensitive"),
    ("ab", ["a^(2n+1)", "b^n"], "", "context-free"),
    ("abc", ["a^n", "b^m", "c^k"], "n < m, m < k", "context-sensitive"),
    ("ab#", ["w", "#", "w"], "w in {a,b}*", "context-sensitive"),
    ("ab", ["w", "w^R"], "w in {a,b}+", "context-free"),
    ("abc", ["c", "w", "w", "c"], "w in {a, b}*", "context-sensitive"),
]


def _members_up_to(L, top):
    return {w for n in range(top + 1) for w in itertools.product(L.alphabet, repeat=n)
            if L.accepts(w)}


@pytest.mark.parametrize("alphabet, blocks, where, level", PATTERNS,
                         ids=[" ".join(p[1]) + (f" | {p[2]}" if p[2] else "") for p in PATTERNS])
def test_against_brute_force(alphabet, blocks, where, level):
    L = pattern_language("p", tuple(alphabet), blocks, where)
    assert L.level == level
    top = 9 if len(alphabet) <= 3 else 7
    for n in range(top + 1):
        brute = [w for w in itertools.product(L.alphabet, repeat=n) if L.accepts(w)]
        assert L.count(n) == len(brute)
        assert list(L.enumerate(n)) == brute  # counting and membership agree
    rng = np.random.default_rng(0)
    for n in range(top + 1):
        s = L.sample(n, rng)
        assert (s is None) == (L.count(n) == 0) and (s is None or (L.accepts(s) and len(s) == n))
    members = _members_up_to(L, top)
    prefixes = {w[:i] for w in members for i in range(len(w) + 1)}
    for k in range(5):
        for p in itertools.product(L.alphabet, repeat=k):
            got = L.next_symbols(p)
            want = {t for t in L.alphabet if p + (t,) in prefixes} | ({EOS} if p in members else set())
            assert got >= want, p
            for t in got - want:  # a longer member must start with p + t
                assert any(w[:k + 1] == p + (t,) for n in range(top + 1, 3 * top)
                           for w in L.enumerate(n)), (p, t)


def test_distinct_strings_are_counted_once():
    L = pattern_language("aa", ("a",), ["a^n", "a^m"])
    assert [L.count(n) for n in range(5)] == [1, 1, 1, 1, 1]   # n+1 assignments, one string
    G = pattern_language("abab", ("a", "b"), ["(ab)^n", "(ab)^m"], "n >= 1")
    assert G.count(4) == 1


def test_next_symbols_all_is_incremental_and_exact_on_long_strings():
    L = pattern_language("p", ("a", "b", "c"), ["a^n", "b^m", "c^(n+m)"], "n >= 1")
    s = ("a",) * 40 + ("b",) * 30 + ("c",) * 70
    sets = L.next_symbols_all(s)
    assert sets[0] == {"a"} and sets[40] == {"a", "b", "c"} and sets[-1] == {EOS}
    assert sets[-2] == {"c"} and L.count(140) == 70
    W = pattern_language("w#w", ("a", "b", "#"), ["w", "#", "w"], "w in {a,b}*")
    s = tuple("abba#abba")
    assert W.next_symbols_all(s) == [W.next_symbols(s[:i]) for i in range(len(s) + 1)]
    assert W.next_symbols("abba#ab") == {"b"} and W.count(9) == 16


@pytest.mark.parametrize("blocks, where, message, part", [
    (["a^n", "b^(n-1)"], "", "bad exponent term 'n-1'; exponents are sums like n, 2n, n+m, n+1 "
     "(no minus)", ("blocks", 1)),
    (["a^n", "c^n"], "", "'c' is not in the alphabet (a, b)", ("blocks", 1)),
    (["a^n"], "k >= 1", "variable 'k' appears in no block", ("where",)),
    (["ab^n"], "", "ab^... is ambiguous: write (ab)^... to repeat the group, or one block per "
     "token", ("blocks", 0)),
    (["w", "a^n"], "w in {a,b}*", "a pattern uses counters (a^n) or a word variable (w), not "
     "both", ("blocks",)),
    (["a^n"], "n >= m + 1", "compare a variable with a number or another variable (e.g. n >= 1, "
     "n != m); 'm + 1' is neither", ("where",)),
    (["w"], "", "'w' is not a token; to use it as a word variable, declare it in where:  w in "
     "{...}*", ("blocks", 0)),
])
def test_errors(blocks, where, message, part):
    with pytest.raises(DefinitionError) as info:
        pattern_language("p", ("a", "b"), blocks, where)
    assert (info.value.message, info.value.part) == (message, part)
