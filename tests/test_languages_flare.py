"""FLaRe's 18 languages against FLaRe's own labels, brute force and independent definitions.

Ground truth, in three layers:

1. FLaRe's published labels (``../shared/external/flare/<language>/``: the training set and every
   ``datasets/*`` split): ``accepts`` must equal every label. Skips cleanly without ``../shared``.
2. ``PREDICATES``: a second, independent membership test per language, written here from the
   paper's definitions (no langlab code). Every string over the alphabet up to length ``N`` is
   classified by it; ``accepts``, ``count`` and ``next_symbols`` (all prefixes up to length ``K``)
   must agree. ``BOUNDS`` gives ``(N, K)`` per language, chosen so that every live prefix of length
   ``<= K`` extended by one token has a completion of length ``<= N`` (noted per entry), which
   makes the brute-force next-symbol sets exact.
3. Structural enumerations (all members built from their parts) at lengths brute force cannot
   reach, closed forms, and chi-square checks of the samplers' uniformity.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import langlab
from langlab import EOS
from langlab.errors import LanglabError

FLARE = [n for n in langlab.list_languages() if n.startswith("flare/")]


def load(name: str):
    return langlab.load_language(name)


# ----------------------------------------------------------------- independent predicates
def _bits(b) -> int:
    return sum(1 << i for i, c in enumerate(b) if c == "1")


def _arith(s, op, f) -> bool:
    if s.count(op) != 1 or s.count("=") != 1:
        return False
    i, j = s.index(op), s.index("=")
    x, y, z = s[:i], s[i + 1:j], s[j + 1:]
    return i < j and bool(x and y and z) and f(_bits(x), _bits(y)) == _bits(z)


def _sqrt(s) -> bool:
    if s.count("=") != 1:
        return False
    j = s.index("=")
    return j > 0 and j < len(s) - 1 and math.isqrt(_bits(s[:j])) == _bits(s[j + 1:])


def _stack(s) -> bool:
    i, st = 0, []
    while i < len(s) and s[i] in ("0", "1"):
        st.append(s[i])
        i += 1
    while i < len(s) and s[i] in ("PUSH", "POP"):
        if s[i] == "POP":
            if not st:
                return False
            st.pop()
            i += 1
        elif i + 1 < len(s) and s[i + 1] in ("0", "1"):
            st.append(s[i + 1])
            i += 2
        else:
            return False
    return i < len(s) and s[i] == "#" and list(s[i + 1:]) == st[::-1]


def _marked(s, f) -> bool:
    if s.count("#") != 1:
        return False
    i = s.index("#")
    return tuple(s[i + 1:]) == tuple(f(s[:i]))


def _dyck(s) -> bool:
    st = []
    for t in s:
        if t[0] == "(":
            st.append(t[1])
            if len(st) > 3:
                return False
        elif not st or st.pop() != t[1]:
            return False
    return not st


def _cycle(s) -> bool:
    if not s or s[-1] not in "01234":
        return False
    p = 0
    for t in s[:-1]:
        if t not in "<=>":
            return False
        p = (p + {"<": -1, "=": 0, ">": 1}[t]) % 5
    return int(s[-1]) == p


def _modular(s) -> bool:
    if len(s) < 3 or s[-2] != "=" or s[-1] not in "01234" or len(s) % 2 == 0:
        return False
    e = s[:-2]
    if any(t not in ("01234" if k % 2 == 0 else "+-*") for k, t in enumerate(e)):
        return False
    v = int(e[0])
    for k in range(1, len(e), 2):
        o, x = e[k], int(e[k + 1])
        v = (v + x if o == "+" else v - x if o == "-" else v * x) % 5
    return v == int(s[-1])


def _missing(s) -> bool:
    if len(s) % 2 or s.count("_") != 1:
        return False
    t = ["1" if c == "_" else c for c in s]
    return t[: len(t) // 2] == t[len(t) // 2:]


PREDICATES = {
    "flare/even-pairs": lambda s: len(s) == 0 or s[0] == s[-1],
    "flare/repeat-01": lambda s: list(s) == ["0", "1"] * (len(s) // 2),
    "flare/parity": lambda s: s.count("1") % 2 == 1,
    "flare/cycle-navigation": _cycle,
    "flare/modular-arithmetic-simple": _modular,
    "flare/dyck-2-3": _dyck,
    "flare/first": lambda s: len(s) > 0 and s[0] == "1",
    "flare/majority": lambda s: s.count("1") > s.count("0"),
    "flare/stack-manipulation": _stack,
    "flare/marked-reversal": lambda s: _marked(s, lambda w: w[::-1]),
    "flare/unmarked-reversal": lambda s: len(s) % 2 == 0 and tuple(s) == tuple(s[::-1]),
    "flare/marked-copy": lambda s: _marked(s, lambda w: w),
    "flare/missing-duplicate-string": _missing,
    "flare/odds-first": lambda s: _marked(s, lambda w: tuple(w[::2]) + tuple(w[1::2])),
    "flare/binary-addition": lambda s: _arith(s, "+", lambda a, b: a + b),
    "flare/binary-multiplication": lambda s: _arith(s, "×", lambda a, b: a * b),
    "flare/compute-sqrt": _sqrt,
    "flare/bucket-sort": lambda s: _marked(s, sorted),
}

# (N, K): enumerate all strings of length <= N; check next_symbols on all prefixes of length <= K.
BOUNDS = {
    "flare/even-pairs": (12, 6),         # completion: one symbol
    "flare/repeat-01": (12, 6),          # <= 1
    "flare/parity": (12, 6),             # <= 1
    "flare/first": (12, 6),              # <= 0
    "flare/majority": (13, 5),           # 000000 needs 7 ones: 13
    "flare/unmarked-reversal": (12, 5),  # p + t + reverse(p + t): 2(K+1)
    "flare/marked-reversal": (9, 3),     # p t # f(p t): 2(K+1) + 1
    "flare/marked-copy": (9, 3),
    "flare/odds-first": (9, 3),
    "flare/missing-duplicate-string": (9, 2),  # 000 needs w = 0001: 8
    "flare/compute-sqrt": (9, 3),        # 111 1 = 11: 7
    "flare/dyck-2-3": (8, 3),            # (0 (0 (0 then 3 closers
    "flare/binary-addition": (9, 2),     # 001+0=001: 9
    "flare/binary-multiplication": (8, 2),  # 001×0=0: 7
    "flare/stack-manipulation": (8, 2),  # 0 0 PUSH 0 # 0 0 0: 8
    "flare/bucket-sort": (7, 2),         # 555#555: 7
    "flare/cycle-navigation": (5, 2),    # one digit
    "flare/modular-arithmetic-simple": (5, 2),  # 1+ 2 =3: 5
}


def test_every_flare_language_is_covered():
    assert sorted(FLARE) == sorted(PREDICATES) == sorted(BOUNDS)
    assert len(FLARE) == 18


@functools.cache
def brute(name: str) -> dict[int, set[tuple[str, ...]]]:
    """``{n: members of length n}`` by the independent predicate, for n <= N."""
    lang, pred = load(name), PREDICATES[name]
    n_max = BOUNDS[name][0]
    return {n: {s for s in itertools.product(lang.alphabet, repeat=n) if pred(s)}
            for n in range(n_max + 1)}


# ----------------------------------------------------------------- 1. FLaRe's labels
def _labelled(folder: Path):
    toks = (folder / "main.tok").read_text(encoding="utf-8").split("\n")
    labels = (folder / "labels.txt").read_text().split()
    if len(toks) == len(labels) + 1 and toks[-1] == "":
        toks.pop()  # the file's final newline
    assert len(toks) == len(labels), folder
    for line, label in zip(toks, labels):
        assert label in ("0", "1")
        yield (tuple(line.split(" ")) if line else ()), label == "1"


@pytest.mark.parametrize("name", FLARE)
def test_agrees_with_every_flare_label(name, shared_external):
    folder = shared_external / "flare" / name.removeprefix("flare/")
    splits = [folder] + sorted(p for p in (folder / "datasets").iterdir() if p.is_dir())
    lang, pred = load(name), PREDICATES[name]
    seen = 0
    for split in splits:
        for s, label in _labelled(split):
            assert lang.accepts(s) == label, f"{split.name}: {' '.join(s)!r} labelled {label}"
            assert pred(s) == label, f"the test's predicate disagrees on {' '.join(s)!r}"
            seen += 1
    assert seen >= 10_000


# ----------------------------------------------------------------- 2. brute force
@pytest.mark.parametrize("name", FLARE)
def test_accepts_and_count_match_brute_force(name):
    lang = load(name)
    for n, members in brute(name).items():
        assert lang.count(n) == len(members), f"count({n})"
        assert lang.has_member_of_length(n) == bool(members)
        assert lang.count_capped(n, 2) == min(len(members), 2)
        assert set(lang.enumerate(n)) == members
        for s in itertools.product(lang.alphabet, repeat=n):
            assert lang.accepts(s) == (s in members), lang.join(s)


@pytest.mark.parametrize("name", FLARE)
def test_next_symbols_match_brute_force(name):
    lang = load(name)
    k = BOUNDS[name][1]
    live = {w[:i] for ms in brute(name).values() for w in ms for i in range(len(w) + 1)}
    for n in range(k + 1):
        for p in itertools.product(lang.alphabet, repeat=n):
            want = {t for t in lang.alphabet if p + (t,) in live}
            if PREDICATES[name](p):
                want.add(EOS)
            assert lang.next_symbols(p) == want, f"next_symbols({lang.join(p)!r})"
            assert lang.next_symbols_all(p)[-1] == want


SHORTEST = {"flare/majority", "flare/stack-manipulation", "flare/marked-reversal",
            "flare/marked-copy", "flare/odds-first", "flare/bucket-sort",
            "flare/binary-addition", "flare/binary-multiplication", "flare/compute-sqrt"}


@pytest.mark.parametrize("name", [n for n in FLARE if hasattr(load(n), "completion")])
def test_completion_is_a_member_witness(name):
    """``completion(p)``: a member starting with p (None iff none), shortest where claimed."""
    lang, pred = load(name), PREDICATES[name]
    members = [w for ms in brute(name).values() for w in ms]
    for n in range(BOUNDS[name][1] + 1):
        for p in itertools.product(lang.alphabet, repeat=n):
            w = lang.completion(p)
            ext = [len(m) for m in members if m[:n] == p]
            if w is None:
                assert not lang.next_symbols(p) and not ext, lang.join(p)
                continue
            assert w[:n] == p and pred(w), (lang.join(p), lang.join(w))
            if name in SHORTEST and len(w) <= BOUNDS[name][0]:
                assert len(w) == min(ext), (lang.join(p), lang.join(w))


@pytest.mark.parametrize("name", FLARE)
def test_next_symbols_all_is_incremental_next_symbols(name):
    lang = load(name)
    rng = np.random.default_rng(1)
    k = len(lang.alphabet)
    strings = [lang.sample(n, rng) for n in (25, 26, 60, 61) if lang.has_member_of_length(n)]
    strings += [tuple(lang.alphabet[i] for i in rng.integers(0, k, size=n)) for n in (0, 7, 30)]
    for s in list(strings):  # one-token mutations of members
        if s and lang.accepts(s):
            m = list(s)
            m[len(m) // 2] = lang.alphabet[(lang.alphabet.index(m[len(m) // 2]) + 1) % k]
            strings.append(tuple(m))
    for s in strings:
        assert lang.next_symbols_all(s) == [lang.next_symbols(s[:i]) for i in range(len(s) + 1)]
        walk = lang.next_symbols_all(s)
        ok = all(s[i] in walk[i] for i in range(len(s))) and EOS in walk[-1]
        assert ok == lang.accepts(s) == PREDICATES[name](s)


# ----------------------------------------------------------------- 3. samples, long lengths
@pytest.mark.parametrize("name", FLARE)
def test_samples_are_members_up_to_500(name):
    lang, pred = load(name), PREDICATES[name]
    rng = np.random.default_rng(2)
    for n in (*range(0, 13), 40, 41, 100, 101, 499, 500):
        s = lang.sample(n, rng)
        if not lang.has_member_of_length(n):
            assert s is None and lang.count_capped(n, 5) == 0
            continue
        assert len(s) == n and pred(s) and lang.accepts(s), f"sample({n}) = {lang.join(s)!r}"
        assert lang.count_capped(n, 1) == 1


CLOSED_FORMS = {  # count(n) for n >= 1, from the definitions
    "flare/even-pairs": lambda n: 2 ** (n - 1),
    "flare/repeat-01": lambda n: int(n % 2 == 0),
    "flare/parity": lambda n: 2 ** (n - 1),
    "flare/first": lambda n: 2 ** (n - 1),
    "flare/cycle-navigation": lambda n: 3 ** (n - 1),
    "flare/modular-arithmetic-simple": lambda n: 5 ** ((n - 1) // 2) * 3 ** ((n - 3) // 2)
    if n % 2 and n >= 3 else 0,
    "flare/majority": lambda n: sum(math.comb(n, k) for k in range(n + 1) if 2 * k > n),
    "flare/unmarked-reversal": lambda n: 2 ** (n // 2) if n % 2 == 0 else 0,
    "flare/marked-reversal": lambda n: 2 ** (n // 2) if n % 2 else 0,
    "flare/marked-copy": lambda n: 2 ** (n // 2) if n % 2 else 0,
    "flare/odds-first": lambda n: 2 ** (n // 2) if n % 2 else 0,
    "flare/bucket-sort": lambda n: 5 ** (n // 2) if n % 2 else 0,
    "flare/missing-duplicate-string": lambda n: (n // 2) * 2 ** (n // 2) if n % 2 == 0 else 0,
    "flare/compute-sqrt": lambda n: sum(1 for a in range(1, n - 1)
                                        for _ in range(min(2 ** a, 4 ** (n - 1 - a)))),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_counts_match_closed_forms(name):
    lang = load(name)
    lengths = (13, 14, 17, 18) if name == "flare/compute-sqrt" else (30, 31, 100, 101, 499, 500)
    for n in lengths:
        assert lang.count(n) == CLOSED_FORMS[name](n), n


# ----------------------------------------------------------------- 3b. structural counts
def _widths(n: int):
    """Every (a, b, c) >= 1 with a + b + c = n - 2 (the widths of x, y, z)."""
    return [(a, b, n - 2 - a - b) for a in range(1, n) for b in range(1, n - 2 - a)]


def _pairs_add(a, b, c) -> int:
    big = 2 ** c
    return sum(min(2 ** b, big - x) for x in range(min(2 ** a, big)))


def _pairs_mul(a, b, c) -> int:
    big = 2 ** c
    return 2 ** b + sum(min(2 ** b, -(-big // x)) for x in range(1, 2 ** a))


@pytest.mark.parametrize("name, pairs, lengths", [
    ("flare/binary-addition", _pairs_add, (10, 15, 20, 24)),
    ("flare/binary-multiplication", _pairs_mul, (10, 15, 20)),
])
def test_arithmetic_counts_by_widths(name, pairs, lengths):
    lang = load(name)
    for n in lengths:
        assert lang.count(n) == sum(pairs(*w) for w in _widths(n)), n


def _stack_members(n: int) -> set[tuple[str, ...]]:
    """Every member of length n, built from (w, ops) without the language's code."""
    out = set()

    def ops(prefix, stack):
        rest = n - len(prefix) - 1
        if rest == len(stack):
            out.add((*prefix, "#", *stack[::-1]))
        if rest >= len(stack) + 3:  # PUSH b leaves room for # and a taller stack
            for b in "01":
                ops((*prefix, "PUSH", b), stack + [b])
        if stack and rest >= len(stack):
            ops((*prefix, "POP"), stack[:-1])

    for k in range(n):
        for w in itertools.product("01", repeat=k):
            ops(w, list(w))
    return out


def test_stack_manipulation_counts_by_construction():
    lang = load("flare/stack-manipulation")
    for n in (9, 12, 14):
        members = _stack_members(n)
        assert lang.count(n) == len(members), n
        assert all(_stack(s) for s in members)
    rng = np.random.default_rng(4)
    members = _stack_members(12)
    assert all(lang.sample(12, rng) in members for _ in range(200))


def test_arithmetic_helpers_against_brute_force():
    from langlab.languages.flare.arith import _add_block, _add_weight
    from langlab.languages.flare.mult import boundary_pairs

    for a, b, c in itertools.product(range(1, 6), repeat=3):
        assert _add_block(a, b, c) == _pairs_add(a, b, c)
    for c in range(1, 40):
        for s in range(2, 60):
            assert _add_weight(c, s) == sum(_add_block(a, s - a, c) for a in range(1, s))
    for i, j in itertools.product(range(1, 8), repeat=2):
        want = sum(1 for x in range(2 ** (i - 1), 2 ** i) for y in range(2 ** (j - 1), 2 ** j)
                   if x * y < 2 ** (i + j - 1))
        assert boundary_pairs(i, j) == want


def test_binary_multiplication_count_bound():
    from langlab.languages.flare.mult import COUNT_EXACT_MAX

    lang = load("flare/binary-multiplication")
    assert lang.count(COUNT_EXACT_MAX) >= lang.count_lower_bound(COUNT_EXACT_MAX) > 0
    for n in range(5, 21):
        assert lang.count_lower_bound(n) <= lang.count(n)
    with pytest.raises(LanglabError, match="count_capped"):
        lang.count(COUNT_EXACT_MAX + 1)
    assert lang.count_capped(500, 10 ** 9) == 10 ** 9
    assert lang.has_member_of_length(500) and not lang.has_member_of_length(4)


# ----------------------------------------------------------------- 4. uniformity
def chi2_p(stat: float, dof: int) -> float:
    """Upper tail of chi-square(dof) by the Wilson-Hilferty normal approximation."""
    z = ((stat / dof) ** (1 / 3) - (1 - 2 / (9 * dof))) / math.sqrt(2 / (9 * dof))
    return 0.5 * math.erfc(z / math.sqrt(2))


def assert_fits(got: Counter, expected: dict, draws: int) -> None:
    assert set(got) <= set(expected), set(got) - set(expected)
    total = sum(expected.values())
    stat = sum((got.get(k, 0) - draws * w / total) ** 2 / (draws * w / total)
               for k, w in expected.items())
    p = chi2_p(stat, len(expected) - 1)
    assert p > 1e-4, f"chi-square {stat:.1f} on {len(expected) - 1} dof, p = {p:.2e}"


@pytest.mark.parametrize("name, n", [
    ("flare/stack-manipulation", 7), ("flare/binary-multiplication", 8),
    ("flare/binary-addition", 8), ("flare/missing-duplicate-string", 6),
    ("flare/compute-sqrt", 7), ("flare/majority", 6)])
def test_uniform_over_members(name, n):
    lang = load(name)
    members = brute(name).get(n) or set(lang.enumerate(n))
    draws = 30 * len(members)
    rng = np.random.default_rng(6)
    assert_fits(Counter(lang.sample(n, rng) for _ in range(draws)),
                {m: 1 for m in members}, draws)


def _widths_of(s, op):
    i, j = s.index(op), s.index("=")
    return i, j - i - 1, len(s) - j - 1


@pytest.mark.parametrize("name, op, pairs, n", [
    ("flare/binary-multiplication", "×", _pairs_mul, 16),
    ("flare/binary-addition", "+", _pairs_add, 22)])
def test_arithmetic_width_marginals(name, op, pairs, n):
    """At lengths too long to list members: the widths (a, b, c) of uniform members follow
    N(a, b, c) / count(n), and zero operands of products their exact share."""
    lang = load(name)
    rng = np.random.default_rng(8)
    draws = 12_000
    got = [lang.sample(n, rng) for _ in range(draws)]
    assert_fits(Counter(_widths_of(s, op) for s in got), {w: pairs(*w) for w in _widths(n)},
                draws)


def test_majority_ones_marginal_at_41():
    """The number of 1s in uniform members follows C(41, k) / count(41); k >= 30 pooled."""
    lang, n = load("flare/majority"), 41
    rng = np.random.default_rng(9)
    draws = 10_000
    got = Counter(min(lang.sample(n, rng).count("1"), 30) for _ in range(draws))
    expected = Counter()
    for k in range(21, n + 1):
        expected[min(k, 30)] += math.comb(n, k)
    assert sum(expected.values()) == lang.count(n)
    assert_fits(got, expected, draws)


# ----------------------------------------------------------------- 5. tags of the regular ones
def _aperiodic(lang) -> bool:
    """Whether the minimal DFA's transition monoid is aperiodic (Schützenberger: star-free)."""
    dead, alpha = lang.n_states, lang.alphabet
    step = {(q, t): lang._delta[q].get(t, dead) if q < dead else dead
            for q in range(dead + 1) for t in alpha}
    block = {q: q < dead and lang._accept[q] for q in range(dead + 1)}
    while True:  # Moore refinement to the minimal DFA
        sig = {q: (block[q], *(block[step[q, t]] for t in alpha)) for q in block}
        ids: dict = {}
        new = {q: ids.setdefault(sig[q], len(ids)) for q in block}
        if len(ids) == len(set(block.values())):
            break
        block = new
    rep = {b: q for q, b in new.items()}
    k = len(rep)
    gens = [tuple(new[step[rep[b], t]] for b in range(k)) for t in alpha]
    monoid, frontier = {tuple(range(k))}, [tuple(range(k))]
    while frontier:  # closure of the generators under composition
        f = frontier.pop()
        for g in gens:
            h = tuple(g[f[i]] for i in range(k))
            if h not in monoid:
                monoid.add(h)
                frontier.append(h)
    for f in monoid:  # aperiodic: f^m = f^(m+1) for some m (m <= k suffices)
        p = f
        for _ in range(k + 1):
            q = tuple(f[p[i]] for i in range(k))
            if q == p:
                break
            p = q
        else:
            return False
    return True


@pytest.mark.parametrize("name", [n for n in FLARE if load(n).level == "regular"])
def test_star_free_tags(name):
    lang = load(name)
    assert ("star-free" in lang.tags) == _aperiodic(lang) == ("non-star-free" not in lang.tags)


# ----------------------------------------------------------------- FLaRe's own sampler
ARITH_PAPER = ("flare/binary-addition", "flare/binary-multiplication")


def _zero_result(s) -> bool:
    return "1" not in s[s.index("=") + 1:]


def test_flare_widths_floor_the_cumulative_proportions():
    from langlab.languages.flare.arith import flare_widths

    class Fixed:  # a generator whose Dirichlet draw is given
        def __init__(self, p):
            self.p = np.array(p)

        def dirichlet(self, weights):
            assert len(weights) == len(self.p)
            return self.p

    # n = 15: 10 symbols beyond one bit each; cumulative 2.5, 5.0 -> 2, 5 -> 2, 3, 5 (+1 each)
    assert flare_widths(15, (1, 1, 2), Fixed([0.25, 0.25, 0.5])) == (3, 4, 6)
    # the narrower operand comes first: 0.5, 0.1 -> cumulative 5.0, 6.0 -> 5, 1, 4 -> swap
    assert flare_widths(15, (1, 1, 1), Fixed([0.5, 0.1, 0.4])) == (2, 6, 5)
    rng = np.random.default_rng(0)
    for n in range(5, 60):
        a, b, c = flare_widths(n, (1, 1, 2), rng)
        assert a + b + c == n - 2 and 1 <= a <= b and c >= 1


@pytest.mark.parametrize("name", ARITH_PAPER)
def test_paper_distribution_draws_members_of_the_length(name):
    lang = load(name)
    assert set(lang.distributions) == {"uniform", "paper"}
    rng = np.random.default_rng(3)
    for n in [*range(0, 60), 200, 500]:
        s = lang.sample_from("paper", n, rng)
        if n < 5:
            assert s is None
        else:
            assert len(s) == n and lang.accepts(s), (n, s)


def test_paper_multiplication_is_not_the_uniform_draw():
    # Uniform over the members of a length, almost every product is zero (a zero operand
    # admits every other operand); FLaRe's generator draws y within the bound x leaves.
    lang, rng = load("flare/binary-multiplication"), np.random.default_rng(4)
    lengths = [int(n) for n in rng.integers(5, 41, size=3000)]
    paper = np.mean([_zero_result(lang.sample_from("paper", n, rng)) for n in lengths])
    uniform = np.mean([_zero_result(lang.sample(n, rng)) for n in lengths])
    assert 0.33 < paper < 0.43 and uniform > 0.9, (paper, uniform)


@pytest.mark.parametrize("name", ARITH_PAPER)
def test_paper_distribution_matches_flares_published_positives(name, shared_external):
    """At the lengths of FLaRe's own training positives, the share of zero results and the
    mean share of the string that the result takes agree with FLaRe's main.tok (4,900+ strings
    each; the tolerances are about 4 standard errors)."""
    folder = shared_external / "flare" / name.removeprefix("flare/")
    positives = [s for s, label in _labelled(folder) if label]
    lang, rng = load(name), np.random.default_rng(5)
    ours = [lang.sample_from("paper", len(s), rng) for s in positives]

    def stats(strings):
        return (np.mean([_zero_result(s) for s in strings]),
                np.mean([(len(s) - s.index("=") - 1) / (len(s) - 2) for s in strings]))

    (z0, w0), (z1, w1) = stats(positives), stats(ours)
    assert abs(z0 - z1) < 0.03 and abs(w0 - w1) < 0.015, (name, (z0, w0), (z1, w1))
