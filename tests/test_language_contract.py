"""The language contract: every registered language answers its five questions exactly.

Parametrized over ``langlab.list_languages()``. Ground truth is brute force built on ``accepts``
alone: every string over the alphabet of length ``<= L`` is tried, where ``L`` is the largest
length whose cumulative enumeration stays within ``ENUM_BUDGET`` strings (binary: 13, four
tokens: 7, twelve tokens: 4; unary alphabets go to 64).

``next_symbols(p)`` is checked in both directions, for every string ``p`` of length ``<= K``
(``PREFIX_BUDGET`` prefixes: binary 7, twelve tokens 2) and every prefix of a few samples:

- *complete*: whenever a known member (an enumerated member, or a sample verified by
  ``accepts``) starts with ``p + t``, ``t`` must be in ``next_symbols(p)``;
- *sound*: whenever ``next_symbols(p)`` offers ``t`` and no known member starts with ``p + t``,
  a member starting with ``p + t`` must be found and verified by ``accepts``. The search asks the
  language for its shortest completion (``StateLanguage.completions``, a certificate checked by
  ``accepts``, so it need not be trusted) and otherwise runs a breadth-first search over
  extensions, budgeted to ``SEARCH_BUDGET`` expansions.

Why this bound suffices: the brief's "some member of length ``<= |p|+1+B``" search is unbounded
here on the *sound* side (a witness of any length is accepted as long as ``accepts`` verifies
it), so no completion length bound B can cause a false failure there. On the *complete* side a
missing token is caught whenever its witness has length ``<= L`` (for every prefix of length
``<= K`` that leaves ``B = L - K - 1`` extra tokens: 5 for binary alphabets, 1 for twelve
tokens) or appears in a sample (lengths ~20). For the shipped languages the shortest completion
of a live prefix ``p`` is short (Dyck/shuffle/boolean: ``<= |p|`` closers; regular: the DFA's
diameter, ``<= 6``; anbn-style: ``<= 3|p|``, which the samples cover).

Exceptions (documented here, none at present): a language whose ``next_symbols`` cannot be
brute-forced would be listed in ``SEARCH_EXEMPT`` with the reason.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter, deque

import numpy as np
import pytest

import langlab
from langlab import EOS
from langlab.errors import TokenError
from langlab.languages.base import LEVELS, Language, StateLanguage

NAMES = langlab.list_languages()
ENUM_BUDGET = 25_000    # strings tried by brute force per language
PREFIX_BUDGET = 400     # exhaustively checked prefixes per language
SEARCH_BUDGET = 4_000   # next_symbols expansions per breadth-first witness search
SAMPLE_LENGTHS = (0, 1, 2, 3, 5, 8, 13, 20, 21)
SEARCH_EXEMPT: dict[str, str] = {}

params = pytest.mark.parametrize("name", NAMES)


def load(name: str):
    return langlab.load_language(name)


def _cumulative_limit(k: int, budget: int, unary_cap: int) -> int:
    if k == 1:
        return unary_cap
    n, total = 0, 1
    while total + k ** (n + 1) <= budget:
        n += 1
        total += k ** n
    return n


@functools.cache
def brute(lang) -> tuple[int, dict[int, list[tuple[str, ...]]]]:
    """``(L, {n: members of length n})`` by trying every string of length ``<= L``."""
    limit = _cumulative_limit(len(lang.alphabet), ENUM_BUDGET, 64)
    members = {n: [s for s in itertools.product(lang.alphabet, repeat=n) if lang.accepts(s)]
               for n in range(limit + 1)}
    return limit, members


@functools.cache
def samples(lang) -> tuple[tuple[str, ...], ...]:
    """A few uniform members of lengths 18..24 (those lengths that have members)."""
    rng = np.random.default_rng(20240)
    out = []
    for n in range(18, 25):
        if lang.has_member_of_length(n):
            out += [lang.sample(n, rng) for _ in range(2)]
    return tuple(out)


@functools.cache
def known_prefixes(lang) -> frozenset[tuple[str, ...]]:
    """Every prefix of a known member (enumerated or sampled; each is verified by accepts)."""
    words = [s for ms in brute(lang)[1].values() for s in ms]
    words += [s for s in samples(lang) if lang.accepts(s)]
    return frozenset(w[:i] for w in words for i in range(len(w) + 1))


@functools.cache
def closer_order(lang) -> tuple[str, ...]:
    """Tokens by the mean relative position at which they occur in known members, latest first:
    closing brackets, operands and final blocks come first, which makes a greedy walk finish."""
    pos: dict[str, list[float]] = {t: [] for t in lang.alphabet}
    words = [s for ms in brute(lang)[1].values() for s in ms] + list(samples(lang))
    for w in words:
        for i, t in enumerate(w):
            pos[t].append((i + 1) / len(w))
    return tuple(sorted(lang.alphabet, key=lambda t: -sum(pos[t]) / max(1, len(pos[t]))))


def _state_certificate(lang, q):
    """The shortest completion according to the language's own counts (checked by the caller)."""
    state = lang.run(q)
    if state is None:
        return None
    for m in range(4 * len(q) + 64):
        if lang.completions(state, m) > 0:
            w = list(q)
            for rem in range(m, 0, -1):
                t, state = next((t, r) for t in lang.alphabet
                                if (r := lang.step(state, t)) is not None
                                and lang.completions(r, rem - 1) > 0)
                w.append(t)
            return tuple(w)
    return None


def _greedy(lang, q, order):
    """Extend q by the first offered token in ``order`` until EOS is offered."""
    x = q
    for _ in range(3 * len(q) + 24):
        nxt = lang.next_symbols(x)
        if EOS in nxt or not nxt:
            return x
        x = x + (next(t for t in order if t in nxt),)
    return None


def _strategies(lang, q):
    """Candidate members starting with ``q``, by strategy (each one is verified by the caller)."""
    if isinstance(lang, StateLanguage):
        yield "certificate", lambda: [_state_certificate(lang, q)]
    for order in (closer_order(lang), lang.alphabet, lang.alphabet[::-1]):
        yield f"greedy {' '.join(order)}", lambda order=order: [_greedy(lang, q, order)]
    yield "copy", lambda: [q + q, q + q[::-1]]
    yield "copy with one change", lambda: (
        q + g[:i] + (t,) + g[i + 1:] for g in (q, q[::-1]) for i in range(len(g))
        for t in lang.alphabet)


_WINNER: dict[str, str] = {}  # per language, the strategy that found the last witness


def find_completion(lang, q: tuple[str, ...]) -> tuple[str, ...] | None:
    """A member of ``lang`` that starts with ``q``, verified by ``accepts``, or None.

    Candidates (each verified by ``accepts``, so none is trusted): the language's own shortest
    completion (StateLanguage), greedy walks (closers first, alphabet order, reversed), ``q``
    followed by ``q`` or its reversal, possibly with one token changed (copy languages), then a
    breadth-first search over extensions that ``next_symbols`` keeps alive. The strategy that
    last succeeded for a language is tried first.
    """
    strategies = sorted(_strategies(lang, q), key=lambda s: s[0] != _WINNER.get(lang.name))
    for label, make in strategies:
        for w in make():
            if w is not None and lang.accepts(w):
                _WINNER[lang.name] = label
                return w
    seen, queue = 0, deque([q])
    while queue and seen < SEARCH_BUDGET:
        x = queue.popleft()
        seen += 1
        nxt = lang.next_symbols(x)
        if EOS in nxt and lang.accepts(x):
            return x
        queue.extend(x + (t,) for t in lang.alphabet if t in nxt)
    return None


def check_prefix(lang, p: tuple[str, ...]) -> None:
    name = lang.name
    got = lang.next_symbols(p)
    assert isinstance(got, frozenset), f"{name}: next_symbols must return a frozenset"
    assert got <= set(lang.alphabet) | {EOS}, f"{name}: next_symbols({p}) = {set(got)}"
    assert (EOS in got) == lang.accepts(p), \
        f"{name}: EOS in next_symbols({lang.join(p)!r}) is {EOS in got}, accepts says otherwise"
    known = known_prefixes(lang)
    for t in lang.alphabet:
        q = p + (t,)
        if q in known:
            assert t in got, (f"{name}: next_symbols({lang.join(p)!r}) lacks {t!r}, but a member "
                              f"starts with {lang.join(q)!r}")
        elif t in got and name not in SEARCH_EXEMPT:
            assert find_completion(lang, q) is not None, (
                f"{name}: next_symbols({lang.join(p)!r}) offers {t!r}, but no member starting "
                f"with {lang.join(q)!r} was found")


# ---------------------------------------------------------------- definition
def check_alphabet_level_tags(lang):
    name = lang.name
    assert isinstance(lang.alphabet, tuple) and lang.alphabet
    for t in lang.alphabet:
        assert isinstance(t, str) and t and not any(c.isspace() for c in t), repr(t)
    assert len(set(lang.alphabet)) == len(lang.alphabet), "duplicate tokens"
    assert EOS not in lang.alphabet
    assert lang.level in LEVELS
    assert all(isinstance(t, str) and t for t in lang.tags)


def check_yaml_examples(lang):
    name = lang.name
    for s in lang.examples_accept:
        assert lang.accepts(s), f"{name}: example {s!r} should be accepted"
    for s in lang.examples_reject:
        assert not lang.accepts(s), f"{name}: example {s!r} should be rejected"


def check_token_outside_alphabet(lang):
    name = lang.name
    bad = next(t for t in ("§", "@@", "zz9", "<bad>") if t not in lang.alphabet)
    good = lang.alphabet[0]
    for call in (lang.accepts, lang.next_symbols, lang.next_symbols_all):
        with pytest.raises(TokenError) as err:
            call((good, bad))
        assert bad in str(err.value), f"{name}: {call.__name__} error does not name {bad!r}"


# ---------------------------------------------------------------- counting and sampling
def check_count_matches_enumeration(lang):
    name = lang.name
    limit, members = brute(lang)
    for n in range(limit + 1):
        c = lang.count(n)
        assert type(c) is int, f"{name}: count({n}) is {type(c).__name__}, not int"
        assert c == len(members[n]), f"{name}: count({n}) = {c}, brute force {len(members[n])}"
        assert lang.has_member_of_length(n) == (c > 0)
        assert lang.count_capped(n, 3) == min(c, 3)
    assert lang.count(-1) == 0


def check_samples_are_members(lang):
    name = lang.name
    rng = np.random.default_rng(7)
    for n in SAMPLE_LENGTHS:
        has = lang.has_member_of_length(n)
        draws = [lang.sample(n, rng) for _ in range(3)] + lang.sample_many(n, 3, rng)
        if not has:
            assert draws[0] is None and lang.sample_many(n, 2, rng) == [], f"{name}: n={n}"
            continue
        for s in draws:
            assert isinstance(s, tuple) and len(s) == n, f"{name}: sample({n}) = {s!r}"
            assert lang.accepts(s), f"{name}: sample({n}) = {lang.join(s)!r} is rejected"
            assert lang.accepts(lang.join(s)), f"{name}: join/tokenize round trip of {s!r}"


def check_distributions(lang):
    name = lang.name
    rng = np.random.default_rng(3)
    for dist in lang.distributions:
        for n in (0, 2, 4, 6):
            s = lang.sample_from(dist, n, rng)
            assert s is None or (len(s) == n and lang.accepts(s)), f"{name} {dist}: {s!r}"
    with pytest.raises(langlab.UnknownNameError):
        lang.sample_from("no-such-distribution", 2, rng)


def check_seeded_determinism(lang):
    name = lang.name
    n = next((n for n in (20, 21, 8, 9, 4, 3, 2, 1) if lang.has_member_of_length(n)), 0)

    def draw(seed):
        rng = np.random.default_rng(seed)
        return [lang.sample(n, rng) for _ in range(5)] + lang.sample_many(n, 5, rng)
    assert draw(11) == draw(11)


def chi2_sf(x: float, k: int) -> float:
    """P(X >= x) for X ~ chi-square with k degrees of freedom (regularized upper gamma)."""
    a = k / 2.0
    x = x / 2.0
    if x <= 0:
        return 1.0
    front = math.exp(-x + a * math.log(x) - math.lgamma(a))
    if x < a + 1:  # series for the lower gamma
        term = total = 1.0 / a
        ap = a
        while abs(term) > abs(total) * 1e-15:
            ap += 1
            term *= x / ap
            total += term
        return max(0.0, 1.0 - front * total)
    tiny = 1e-300  # continued fraction for the upper gamma (modified Lentz)
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return front * h


def test_chi2_sf_against_closed_forms():
    for x in (0.1, 1.0, 3.0, 10.0, 40.0):  # k = 2 is the exponential distribution
        assert math.isclose(chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-9)
    assert math.isclose(chi2_sf(3.841458820694124, 1), 0.05, rel_tol=1e-9)
    assert math.isclose(chi2_sf(124.34211340400407, 100), 0.05, rel_tol=1e-7)


def uniformity_length(lang) -> int | None:
    """The smallest n >= 1 with 5..200 members (else 2..400), or None."""
    counts = [(n, lang.count(n)) for n in range(1, 30)]
    for lo, hi in ((5, 200), (2, 400)):
        n = next((n for n, c in counts if lo <= c <= hi), None)
        if n is not None:
            return n
    return None


def check_uniform_chi_square(lang, how):
    name = lang.name
    n = uniformity_length(lang)
    if n is None:
        pytest.skip("no length 1..29 has 2..400 members")
    total = lang.count(n)
    draws = max(2000, 10 * total)
    rng = np.random.default_rng(12345)
    if how == "sample":
        got = Counter(lang.sample(n, rng) for _ in range(draws))
    else:
        got = Counter(lang.sample_many(n, draws, rng))
    members = set(lang.enumerate(n))
    assert len(members) == total
    assert set(got) <= members, f"{name}: samples outside the members of length {n}"
    expected = draws / total
    stat = sum((got.get(m, 0) - expected) ** 2 / expected for m in members)
    p = chi2_sf(stat, total - 1)
    assert p > 1e-4, f"{name}: {how} at n={n} ({total} members) not uniform, p = {p:.2e}"


# ---------------------------------------------------------------- membership and next symbols
def check_random_strings(lang):
    """Random strings (and one-token mutations of samples): accepts agrees with enumeration and
    with next_symbols (a member is exactly a string every prefix of which offers its next token,
    ending where EOS is offered)."""
    name = lang.name
    limit, members = brute(lang)
    sets = {n: set(ms) for n, ms in members.items()}
    rng = np.random.default_rng(99)
    k = len(lang.alphabet)
    cands = [tuple(lang.alphabet[i] for i in rng.integers(0, k, size=n))
             for n in rng.integers(0, 30, size=120)]
    for s in samples(lang):
        for _ in range(3):
            m = list(s)
            m[int(rng.integers(len(m)))] = lang.alphabet[int(rng.integers(k))]
            cands.append(tuple(m))
    for s in cands:
        acc = lang.accepts(s)
        assert type(acc) is bool
        if len(s) <= limit:
            assert acc == (s in sets[len(s)]), f"{name}: accepts({lang.join(s)!r}) = {acc}"
        steps = lang.next_symbols_all(s)
        walk = all(s[i] in steps[i] for i in range(len(s))) and EOS in steps[-1]
        assert acc == walk, f"{name}: accepts({lang.join(s)!r}) = {acc}, next_symbols walk {walk}"


def check_next_symbols_all_prefixes(lang):
    name = lang.name
    k = len(lang.alphabet)
    depth = _cumulative_limit(k, PREFIX_BUDGET, 40)
    for n in range(depth + 1):
        for p in itertools.product(lang.alphabet, repeat=n):
            check_prefix(lang, p)


def check_next_symbols_sample_prefixes(lang):
    name = lang.name
    for s in samples(lang)[::3]:
        for i in range(len(s) + 1):
            check_prefix(lang, s[:i])


def check_next_symbols_all_is_per_prefix(lang):
    name = lang.name
    rng = np.random.default_rng(5)
    k = len(lang.alphabet)
    strings = list(samples(lang)) + [
        tuple(lang.alphabet[i] for i in rng.integers(0, k, size=n)) for n in (0, 1, 3, 10, 25)]
    for s in strings:
        got = lang.next_symbols_all(s)
        want = [lang.next_symbols(s[:i]) for i in range(len(s) + 1)]
        assert got == want, f"{name}: next_symbols_all({lang.join(s)!r}) differs per prefix"
        assert lang.next_symbols_all(lang.join(s)) == want


# ---------------------------------------------------------------- the contract, per language
CHECKS = {
    "alphabet_level_tags": check_alphabet_level_tags,
    "yaml_examples": check_yaml_examples,
    "token_outside_alphabet": check_token_outside_alphabet,
    "count_matches_enumeration": check_count_matches_enumeration,
    "samples_are_members": check_samples_are_members,
    "distributions": check_distributions,
    "seeded_determinism": check_seeded_determinism,
    "uniform_sample": lambda lang: check_uniform_chi_square(lang, "sample"),
    "uniform_sample_many": lambda lang: check_uniform_chi_square(lang, "sample_many"),
    "random_strings": check_random_strings,
    "next_symbols_all_prefixes": check_next_symbols_all_prefixes,
    "next_symbols_sample_prefixes": check_next_symbols_sample_prefixes,
    "next_symbols_all_is_per_prefix": check_next_symbols_all_is_per_prefix,
}


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("name", NAMES)
def test_contract(name, check):
    lang = load(name)
    assert lang.name == name
    CHECKS[check](lang)


# ---------------------------------------------------------------- the contract can fail
class Mutant(Language):
    """A registered language with one method replaced by a buggy one (``bug(base, *args)``)."""

    def __init__(self, base, label: str, **bugs):
        self.base, self.bugs = base, bugs
        self.name, self.alphabet, self.level = f"{base.name}~{label}", base.alphabet, base.level
        self.tags = base.tags

    def _call(self, method, *args):
        bug = self.bugs.get(method)
        return bug(self.base, *args) if bug else getattr(self.base, method)(*args)

    def accepts(self, s):
        return self._call("accepts", self.tokenize(s))

    def count(self, n):
        return self._call("count", n)

    def sample(self, n, rng):
        return self._call("sample", n, rng)

    def next_symbols(self, p):
        return self._call("next_symbols", self.tokenize(p))


_L, _R = "(", ")"
MUTANTS = {  # label: (bugs, the check that must catch them)
    "count+1": ({"count": lambda b, n: b.count(n) + (n == 4)}, "count_matches_enumeration"),
    "lacks-close": ({"next_symbols": lambda b, p: b.next_symbols(p) - {_R} if p == (_L, _L, _R)
                     else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "extra-close": ({"next_symbols": lambda b, p: b.next_symbols(p) | {_R} if p == (_L, _R)
                     else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "eos": ({"next_symbols": lambda b, p: b.next_symbols(p) | {EOS} if p == (_L, _L)
             else b.next_symbols(p)}, "next_symbols_all_prefixes"),
    "deep-lacks": ({"next_symbols": lambda b, p: b.next_symbols(p) - {_L} if len(p) > 15
                    else b.next_symbols(p)}, "next_symbols_sample_prefixes"),
    "biased": ({"sample": lambda b, n, rng: next(s for s in iter(lambda: b.sample(n, rng), 0)
                                                 if s[:2] != (_L, _R) or rng.random() < 0.8)},
               "uniform_sample"),
    "unseeded": ({"sample": lambda b, n, rng: b.sample(n, np.random.default_rng())},
                 "seeded_determinism"),
    "short": ({"sample": lambda b, n, rng: b.sample(n + 2, rng)[:-2] if n == 20 else b.sample(n, rng)},
              "samples_are_members"),
    "accepts-long": ({"accepts": lambda b, s: b.accepts(s) or len(s) == 21}, "random_strings"),
}


@pytest.mark.parametrize("label", list(MUTANTS))
def test_contract_catches_bugs(label):
    """Each planted bug in Dyck-1 is caught by the check meant for it (and the clean one passes)."""
    if "dyck-1" not in NAMES:
        pytest.skip("dyck-1 is not registered")
    bugs, check = MUTANTS[label]
    base = load("dyck-1")
    CHECKS[check](Mutant(base, "clean"))
    with pytest.raises(AssertionError):
        CHECKS[check](Mutant(base, label, **bugs))
