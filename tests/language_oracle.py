"""Brute-force oracles for the language contract (``test_language_contract.py``).

Everything here is built on ``accepts`` alone, or on candidates that ``accepts`` verifies:

- :func:`brute`: every string of length ``<= L`` tried, ``L`` the largest length whose
  cumulative enumeration stays within ``ENUM_BUDGET`` strings (binary 13, three tokens 8, four
  7, twelve 4; unary alphabets go to 64);
- :func:`known_prefixes`: every prefix of a known member (enumerated, or a sample that
  ``accepts`` verifies);
- :func:`find_completion`: a member starting with a given prefix, found by trying candidates
  and verifying each with ``accepts`` (so no candidate source needs to be trusted);
- :func:`check_prefix`: ``next_symbols(p)`` against those, in both directions;
- :func:`chi2_sf`: the chi-square tail probability (no scipy dependency).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import deque

import numpy as np

from langlab import EOS
from langlab.languages.base import StateLanguage

ENUM_BUDGET = 25_000    # strings tried by brute force per language
PREFIX_BUDGET = 400     # exhaustively checked prefixes per language
SEARCH_BUDGET = 4_000   # next_symbols expansions per breadth-first witness search
# Languages whose next_symbols cannot be checked for soundness by search, with the reason.
SEARCH_EXEMPT: dict[str, str] = {}


def cumulative_limit(k: int, budget: int, unary_cap: int) -> int:
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
    limit = cumulative_limit(len(lang.alphabet), ENUM_BUDGET, 64)
    members = {n: [s for s in itertools.product(lang.alphabet, repeat=n) if lang.accepts(s)]
               for n in range(limit + 1)}
    return limit, members


@functools.cache
def samples(lang) -> tuple[tuple[str, ...], ...]:
    """Uniform members of lengths 18..24, longest first, then 6..17 (where there are members)."""
    rng = np.random.default_rng(20240)
    out = []
    for n in [*range(24, 17, -1), *range(6, 18)]:
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
