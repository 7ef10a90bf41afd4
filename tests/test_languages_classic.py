"""The classic languages (2020 paper's 27, Dyck-n, Reset-Dyck-1, copy family) against
independent definitions: predicates written here from the definitions (regular expressions,
run-length rules, a recursive parser, bracket reduction), brute-force enumeration, closed-form
and independently computed counts, and chi-square tests of uniformity."""

from __future__ import annotations

import itertools
import math
import re
from math import comb

import numpy as np
import pytest

import langlab
from langlab import EOS
from langlab.errors import LanglabError

PAIRS = ["()", "[]", "{}", "<>", "+-", "ab"]


def full(pattern):
    return lambda s: re.fullmatch(pattern, s) is not None


def blocks(s: str) -> list[tuple[str, bool]]:
    """The maximal runs of ``s`` as (symbol, odd length?)."""
    return [(ch, len(list(run)) % 2 == 1) for ch, run in itertools.groupby(s)]


def tomita3(s: str) -> bool:
    """The 2020 paper's reading: no odd block of 1s *immediately* followed by an odd block of 0s."""
    b = blocks(s)
    return not any(x == ("1", True) and y == ("0", True) for x, y in zip(b, b[1:]))


def tomita3_weiss(s: str) -> bool:
    """Weiss et al. 2018's reading: no odd block of 1s followed, anywhere later, by an odd 0-block."""
    pending = False
    for ch, odd in blocks(s):
        if ch == "1" and odd:
            pending = True
        elif ch == "0" and odd and pending:
            return False
    return True


def bounded_depth(n):
    def pred(s):
        depth = 0
        for ch in s:
            depth += 1 if ch == "a" else -1
            if not 0 <= depth <= n:
                return False
        return depth == 0
    return pred


def reduces_to_empty(pairs):
    def pred(s):
        prev = None
        while s != prev:
            prev = s
            for p in pairs:
                s = s.replace(p, "")
        return s == ""
    return pred


def shuffle_pred(k):
    def pred(s):
        return all(reduces_to_empty([p])("".join(ch for ch in s if ch in p)) for p in PAIRS[:k])
    return pred


def boolean_pred(arity):
    def parse(s, i):  # index after one expression starting at i, or None
        if i >= len(s):
            return None
        i, need = i + 1, arity[s[i]]
        for _ in range(need):
            i = parse(s, i)
            if i is None:
                return None
        return i
    return lambda s: parse(s, 0) == len(s)


def blocks_pred(letters):
    def pred(s):
        n = len(s) // len(letters)
        return n >= 1 and s == "".join(x * n for x in letters)
    return pred


def reset_pred(s):
    if s.count("1") != 1:
        return False
    u, w = s.split("1")
    depths = list(itertools.accumulate(1 if ch == "(" else -1 for ch in u))
    return min(depths, default=0) >= 0 and reduces_to_empty(["()"])(w)


B3 = {"0": 0, "1": 0, "~": 1, "+": 2, ">": 3}
B5 = {"0": 0, "1": 0, "~": 1, "+": 2, "<": 3, "*": 4, "-": 5}

# name -> (independent predicate over plain strings, exhaustive length bound, prefix bound).
# The prefix bound is small enough that every continuation of such a prefix has a witness
# member within the length bound (e.g. dyck-2: 2 + 1 token + 3 closers <= 7).
PREDICATES = {
    "tomita-1": (full("1*"), 12, 6), "tomita-2": (full("(10)*"), 12, 6),
    "tomita-3": (tomita3, 12, 6), "tomita-3-weiss": (tomita3_weiss, 12, 6),
    "tomita-4": (lambda s: "000" not in s, 12, 6),
    "tomita-5": (lambda s: s.count("0") % 2 == 0 and s.count("1") % 2 == 0, 12, 6),
    "tomita-6": (lambda s: (s.count("0") - s.count("1")) % 3 == 0, 12, 6),
    "tomita-7": (full("0*1*0*1*"), 12, 6), "parity": (lambda s: s.count("1") % 2 == 0, 12, 6),
    "aa*bb*cc*dd*ee*": (full("a+b+c+d+e+"), 7, 2), "{a,b}*d{b,c}*": (full("[ab]*d[bc]*"), 7, 3),
    "{0,1,2}*02*": (full("[012]*02*"), 8, 4), "aa-star": (full("(aa)*"), 30, 15),
    "aaaa-star": (full("(aaaa)*"), 30, 15), "abab-star": (full("(abab)*"), 12, 6),
    "d-2": (bounded_depth(2), 12, 5), "d-3": (bounded_depth(3), 12, 5),
    "d-4": (bounded_depth(4), 12, 5), "d-12": (bounded_depth(12), 12, 5),
    "dyck-1": (reduces_to_empty(PAIRS[:1]), 12, 5), "dyck-2": (reduces_to_empty(PAIRS[:2]), 7, 2),
    "dyck-3": (reduces_to_empty(PAIRS[:3]), 6, 2), "reset-dyck-1": (reset_pred, 8, 3),
    "shuffle-2": (shuffle_pred(2), 7, 2), "shuffle-4": (shuffle_pred(4), 4, 1),
    "shuffle-6": (shuffle_pred(6), 4, 1),
    "boolean-3": (boolean_pred(B3), 6, 0), "boolean-5": (boolean_pred(B5), 5, -1),  # "-" needs 6 tokens: see the 0-padding test
    "anbn": (blocks_pred("ab"), 12, 5), "anbncn": (blocks_pred("abc"), 9, 2),
    "anbncndn": (blocks_pred("abcd"), 8, 1),
    "copy": (lambda s: len(s) % 2 == 0 and s[: len(s) // 2] == s[len(s) // 2:], 12, 5),
    "marked-copy": (full(r"([ab]*)#\1"), 8, 2),
    "anbmcnm": (lambda s: (m := re.fullmatch("(a*)(b*)(c*)", s)) is not None
                and len(m[3]) == len(m[1]) + len(m[2]), 9, 3),
    "a-square": (lambda s: math.isqrt(len(s)) ** 2 == len(s), 40, 20),
    "a-pow2": (lambda s: len(s) > 0 and len(s) & (len(s) - 1) == 0, 40, 20),
}


def test_every_classic_language_is_registered():
    assert set(PREDICATES) <= set(langlab.list_languages())


def all_strings(alphabet, max_len):
    for n in range(max_len + 1):
        for toks in itertools.product(alphabet, repeat=n):
            yield "".join(toks)


@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_accepts_counts_and_next_symbols_match_the_definition(name):
    pred, bound, prefix_bound = PREDICATES[name]
    L = langlab.load_language(name)
    members = [s for s in all_strings(L.alphabet, bound) if pred(s)]
    member_set = set(members)
    # accepts agrees with the predicate on every string up to the bound (members and not).
    for s in all_strings(L.alphabet, bound):
        assert L.accepts(s) == (s in member_set), s
    # count(n) equals the number of members of length n.
    for n in range(bound + 1):
        assert L.count(n) == sum(len(s) == n for s in members), n
    # next_symbols equals the set read off all members, for prefixes short enough that every
    # continuation is witnessed within the bound.
    expected: dict[str, set] = {}
    for s in members:
        expected.setdefault(s, set()).add(EOS)
        for i in range(len(s)):
            expected.setdefault(s[:i], set()).add(s[i])
    for p in all_strings(L.alphabet, prefix_bound):
        assert L.next_symbols(p) == frozenset(expected.get(p, ())), p


@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_long_samples_are_members_and_next_symbols_all_is_consistent(name):
    pred = PREDICATES[name][0]
    L = langlab.load_language(name)
    rng = np.random.default_rng(1)
    n = next(m for m in range(120, 300) if L.count(m) > 0)
    for _ in range(3):
        s = L.sample(n, rng)
        assert len(s) == n and pred("".join(s))
        nsa = L.next_symbols_all(s)
        assert len(nsa) == n + 1 and EOS in nsa[-1]
        for i in (0, 1, n // 2, n - 1):
            assert nsa[i] == L.next_symbols(s[:i]) and s[i] in nsa[i]
    # No member, no sample.
    for m in range(9):
        assert (L.sample(m, rng) is None) == (L.count(m) == 0)
    # A random (usually dead) string: incremental sets equal the one-at-a-time sets.
    junk = tuple(rng.choice(L.alphabet, size=12).tolist())
    assert L.next_symbols_all(junk) == [L.next_symbols(junk[:i]) for i in range(13)]


@pytest.mark.parametrize("name,arity", [("boolean-3", B3), ("boolean-5", B5)])
def test_boolean_next_symbols_by_zero_padding(name, arity):
    """A proper prefix of an expression is completed by enough 0 operands, and only then."""
    L = langlab.load_language(name)
    pred = boolean_pred(arity)
    for p in all_strings(L.alphabet, 3):
        want = {t for t in L.alphabet if any(pred(p + t + "0" * j) for j in range(5 * len(p) + 6))}
        assert L.next_symbols(p) == frozenset(want | ({EOS} if pred(p) else set())), p


def test_closed_form_counts():
    catalan = [comb(2 * m, m) // (m + 1) for m in range(60)]
    for k in (1, 2, 3):
        L = langlab.load_language(f"dyck-{k}")
        assert [L.count(2 * m) for m in range(60)] == [catalan[m] * k ** m for m in range(60)]
        assert L.count(101) == 0
    assert langlab.load_language("copy").count(100) == 2 ** 50
    assert langlab.load_language("marked-copy").count(101) == 2 ** 50
    assert langlab.load_language("anbmcnm").count(100) == 51
    assert langlab.load_language("d-12").count(24) == catalan[12]  # depth never exceeds 12
    assert langlab.load_language("d-12").count(26) == catalan[13] - 1  # all but a^13 b^13


def shuffle_count_by_depth_vectors(k, n):
    """Paths of n steps on depth vectors (one ±1 coordinate per step) from 0 back to 0, >= 0."""
    counts = {(0,) * k: 1}
    for _ in range(n):
        nxt: dict = {}
        for d, c in counts.items():
            for i in range(k):
                for step in (1, -1):
                    e = d[:i] + (d[i] + step,) + d[i + 1:]
                    if e[i] >= 0:
                        nxt[e] = nxt.get(e, 0) + c
        counts = nxt
    return counts.get((0,) * k, 0)


@pytest.mark.parametrize("k,n", [(2, 24), (4, 14), (6, 10)])
def test_shuffle_counts_match_a_walk_over_depth_vectors(k, n):
    L = langlab.load_language(f"shuffle-{k}")
    for m in range(0, n + 1, 2):
        assert L.count(m) == shuffle_count_by_depth_vectors(k, m)


@pytest.mark.parametrize("name,arity", [("boolean-3", B3), ("boolean-5", B5)])
def test_boolean_counts_match_the_cycle_lemma(name, arity):
    """count(n) = (1/n) * #{token strings of length n whose arities sum to n - 1}."""
    L = langlab.load_language(name)
    weights = [0] * 6
    for a in arity.values():
        weights[a] += 1
    for n in range(1, 41):
        poly = [1]  # coefficients of (sum_a weights[a] x^a)^n
        for _ in range(n):
            new = [0] * (len(poly) + 5)
            for i, c in enumerate(poly):
                for a, w in enumerate(weights):
                    new[i + a] += c * w
            poly = new
        assert poly[n - 1] % n == 0 and L.count(n) == poly[n - 1] // n


def test_reset_dyck_counts_match_the_decomposition():
    L = langlab.load_language("reset-dyck-1")
    for n in range(1, 60):
        expected = sum(comb(u, u // 2) * (comb(n - 1 - u, (n - 1 - u) // 2) // ((n - 1 - u) // 2 + 1)
                                           if (n - 1 - u) % 2 == 0 else 0) for u in range(n))
        assert L.count(n) == expected


def chi_square_pvalue(observed: list[int]) -> float:
    """Upper tail of chi-square for equal expected counts (Wilson-Hilferty approximation)."""
    k, total = len(observed), sum(observed)
    stat = sum((o - total / k) ** 2 / (total / k) for o in observed)
    df = k - 1
    z = ((stat / df) ** (1 / 3) - (1 - 2 / (9 * df))) / math.sqrt(2 / (9 * df))
    return 0.5 * math.erfc(z / math.sqrt(2))


@pytest.mark.parametrize("name,n", [("dyck-2", 6), ("shuffle-2", 6), ("shuffle-4", 4), ("shuffle-6", 4),
                                    ("boolean-3", 5), ("boolean-5", 4), ("reset-dyck-1", 6),
                                    ("copy", 8), ("anbmcnm", 10), ("tomita-3", 7)])
def test_samples_are_uniform(name, n):
    L = langlab.load_language(name)
    pred = PREDICATES[name][0]
    members = [s for s in all_strings(L.alphabet, n) if len(s) == n and pred(s)]
    assert len(members) == L.count(n) > 1
    rng = np.random.default_rng(12345)
    hist = dict.fromkeys(members, 0)
    for _ in range(60 * len(members)):
        hist["".join(L.sample(n, rng))] += 1  # a KeyError would mean a non-member
    assert chi_square_pvalue(list(hist.values())) > 1e-4


def test_same_seed_same_samples():
    for name in ("shuffle-6", "boolean-5", "reset-dyck-1", "dyck-3"):
        L = langlab.load_language(name)
        a = [L.sample(40, np.random.default_rng(7)) for _ in range(2)]
        assert a[0] == a[1]


@pytest.mark.parametrize("name", ["dyck-1", "dyck-2", "shuffle-2", "shuffle-6", "reset-dyck-1"])
def test_paper_distribution_gives_members_of_the_length(name):
    L = langlab.load_language(name)
    pred = PREDICATES[name][0]
    rng = np.random.default_rng(3)
    for n in (2, 8, 20):
        s = L.sample_from("paper", n, rng)
        assert len(s) == n and pred("".join(s))
    assert L.sample_from("paper", 7, rng) is None or name == "reset-dyck-1"


def test_paper_grammar_never_crosses_brackets():
    L = langlab.load_language("shuffle-2")
    rng = np.random.default_rng(0)
    nested = reduces_to_empty(PAIRS[:2])
    assert all(nested("".join(L.sample_from("paper", 12, rng))) for _ in range(50))


def test_crossing_interleavings_are_shuffle_members():
    L = langlab.load_language("shuffle-2")
    assert L.accepts("([)]") and L.accepts("[(])") and not L.accepts("(]")


def test_the_two_tomita3_readings_differ_exactly_where_the_odd_0_block_comes_later():
    """``tomita-3-weiss`` is a subset of ``tomita-3``; a string is in the difference iff some odd
    1-block is followed later by an odd 0-block but no odd 1-block is followed immediately by one.
    The shortest such string, and the only one of length 6, is ``100110``."""
    paper, weiss = langlab.load_language("tomita-3"), langlab.load_language("tomita-3-weiss")

    def later_but_not_immediately(s):
        b = blocks(s)
        odd1 = [i for i, x in enumerate(b) if x == ("1", True)]
        odd0 = [j for j, x in enumerate(b) if x == ("0", True)]
        return (any(i < j for i in odd1 for j in odd0)
                and not any(i + 1 == j for i in odd1 for j in odd0))

    diff = []
    for s in all_strings(("0", "1"), 12):
        assert not weiss.accepts(s) or paper.accepts(s), s
        if paper.accepts(s) != weiss.accepts(s):
            diff.append(s)
        assert (paper.accepts(s) and not weiss.accepts(s)) == later_but_not_immediately(s), s
    assert min(map(len, diff)) == 6
    assert [s for s in diff if len(s) == 6] == ["100110"]
    for name, accepts_100110 in (("tomita-3", True), ("tomita-3-weiss", False)):
        L = langlab.load_language(name)
        assert L.accepts("100110") == accepts_100110
        assert "100110" in (L.examples_accept if accepts_100110 else L.examples_reject)
        assert "100110" in L.description


def test_bad_parameters_are_clear_errors():
    from langlab.languages.counter import Boolean, Shuffle
    from langlab.languages.dyck import Dyck

    for make in (lambda: Dyck(k=0), lambda: Shuffle(k=9), lambda: Boolean(n=4)):
        with pytest.raises(LanglabError, match="must be"):
            make()
    with pytest.raises(LanglabError, match="not in the alphabet"):
        langlab.load_language("dyck-1").accepts("(x)")
