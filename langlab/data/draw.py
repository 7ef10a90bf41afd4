"""Drawing the strings a plan asks for: distinct members per length, handed out to the splits.

At each length ``n`` all splits' distinct strings are drawn together, so no string lands in two
splits. Each length has its own random stream, ``default_rng([seed, n, stream])``, so the strings
of one length do not depend on how many were drawn at another.

- ``uniform``: when the language has at least ``REJECTION_FACTOR`` times the strings needed,
  draw with ``sample_many`` and drop duplicates; otherwise (the exact count is then known and
  small) pick distinct ranks and ``unrank`` them, or, for languages without ``unrank``, draw
  until ``k`` distinct members have turned up (enumerating only if that takes twenty times
  longer than expected): exact, and never an unbounded loop.
- a named distribution (``lang.sample_from(name, n, rng)``): draw and drop duplicates, with a
  bounded number of attempts; if the sampler cannot supply enough distinct strings (few members,
  a sampler that favours some), the rest are drawn uniformly and a note says so.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("a*b", ("a", "b"), 0, {1}, {0: {"a": 0, "b": 1}})
>>> draw_distinct(L, 3, 1, 1, "uniform", np.random.default_rng(0))
([('a', 'a', 'b')], 0)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from langlab.data.allocate import REJECTION_FACTOR, Plan, ranges
from langlab.errors import LanglabError
from langlab.languages.base import Language, Tokens

POSITIVE_STREAM = 1


def length_rng(seed: int, n: int, stream: int) -> np.random.Generator:
    """The random stream of length ``n`` for one purpose (positives, negatives, ...)."""
    return np.random.default_rng([seed, n, stream])


def draw_distinct(lang: Language, n: int, k: int, capacity: int, distribution: str,
                  rng: np.random.Generator, exclude: frozenset[Tokens] = frozenset()
                  ) -> tuple[list[Tokens], int]:
    """``k`` distinct members of length ``n`` (``capacity``: count(n) capped, >= k), and how
    many of them had to be drawn uniformly because the named distribution fell short.

    ``exclude``: members already taken elsewhere, never returned; ``capacity`` then counts the
    members left (exact below ``REJECTION_FACTOR * k``, as always). The draw stays uniform
    over the members not excluded."""
    if k == 0:
        return [], 0
    got: dict[Tokens, None] = {}
    if exclude:
        return _draw_excluding(lang, n, k, capacity, rng, exclude), 0
    if distribution != "uniform":
        attempts = 20 * k + 200
        while len(got) < k and attempts > 0:
            s = lang.sample_from(distribution, n, rng)
            attempts -= 1
            if s is not None:
                got[tuple(s)] = None
    need = k - len(got)
    shortfall = need if distribution != "uniform" else 0
    if need and capacity >= REJECTION_FACTOR * k:
        while len(got) < k:   # each draw is new with probability >= 3/4
            batch = lang.sample_many(n, k - len(got) + 2, rng)
            if not batch:
                raise LanglabError(f"{lang.name}: count({n}) > 0 but sample({n}) found nothing")
            for s in batch:
                got[tuple(s)] = None
                if len(got) == k:
                    break
    elif need:   # few members: capacity is the exact count here
        if getattr(lang, "unrank", None) is None:
            _collect(lang, n, k, capacity, rng, got)
        if len(got) < k:
            pool = _members(lang, n, capacity, rng, exclude=got)
            for s in pool[:k - len(got)]:
                got[s] = None
    return list(got), shortfall


def _draw_excluding(lang: Language, n: int, k: int, capacity: int, rng: np.random.Generator,
                    exclude: frozenset[Tokens]) -> list[Tokens]:
    """Uniform draws of ``k`` distinct members of length ``n`` outside ``exclude`` (members
    only; ``capacity`` of them left): by rejection when there is room, else by rank among the
    exact ``count(n)``."""
    total = lang.count_capped(n, REJECTION_FACTOR * (k + len(exclude)))   # exact below the cap
    if capacity < k:
        raise LanglabError(f"{lang.name}: {k} strings of length {n} asked, {capacity} left")
    got: dict[Tokens, None] = {}
    if total >= REJECTION_FACTOR * (k + len(exclude)):
        while len(got) < k:   # each draw is new and not excluded with probability >= 3/4
            for s in lang.sample_many(n, k - len(got) + 2, rng):
                if tuple(s) not in exclude:
                    got[tuple(s)] = None
                    if len(got) == k:
                        break
        return list(got)
    return _members(lang, n, total, rng, exclude=exclude)[:k]


def _collect(lang: Language, n: int, k: int, count: int, rng: np.random.Generator,
             got: dict[Tokens, None]) -> None:
    """Uniform draws until ``got`` holds ``k`` distinct members of length ``n`` (of ``count``),
    within about twenty times the expected number of draws; the caller enumerates if short."""
    have = len(got)
    expected = sum(count / (count - j) for j in range(have, k))
    budget = int(20 * expected) + 100
    while len(got) < k and budget > 0:
        batch = lang.sample_many(n, min(budget, k - len(got) + 2), rng)
        if not batch:
            return
        budget -= len(batch)
        for s in batch:
            got[tuple(s)] = None
            if len(got) == k:
                return


def _members(lang: Language, n: int, count: int, rng: np.random.Generator,
             exclude: Mapping[Tokens, None]) -> list[Tokens]:
    """The members of length ``n`` (exactly ``count`` of them) not in ``exclude``, in random
    order: by rank where the language can ``unrank``, else by enumeration."""
    order = rng.permutation(count)
    unrank = getattr(lang, "unrank", None)
    if unrank is not None:
        out = []
        for r in order:
            s = tuple(unrank(n, int(r)))
            if s not in exclude:
                out.append(s)
        return out
    members = [tuple(s) for s in lang.enumerate(n)]
    return [members[i] for i in order if members[i] not in exclude]


def draw_plans(lang: Language, plans: Mapping[str, Plan], caps: Mapping[int, int],
               distribution: str, seed: int, stream: int = POSITIVE_STREAM,
               exclude: Mapping[int, frozenset[Tokens]] | None = None
               ) -> dict[str, list[Tokens]]:
    """Every split's strings (distinct ones and repeats, shuffled), per the plans. ``exclude``:
    per length, members taken by other splits (``caps`` then counts the members left);
    ``stream``: the random stream (one per group of splits drawn from one population)."""
    names = list(plans)
    out: dict[str, list[Tokens]] = {name: [] for name in names}
    lengths = sorted({n for p in plans.values() for n in p.distinct})
    fallback: dict[str, list[int]] = {name: [] for name in names}
    for n in lengths:
        want = [plans[name].distinct.get(n, 0) for name in names]
        rng = length_rng(seed, n, stream)
        strings, shortfall = draw_distinct(lang, n, sum(want), caps[n], distribution, rng,
                                           exclude=(exclude or {}).get(n, frozenset()))
        start = 0
        for name, k in zip(names, want):
            mine = strings[start:start + k]
            start += k
            r = plans[name].repeats.get(n, 0)
            if r:
                mine = mine + [mine[i] for i in rng.integers(0, len(mine), r)]
            out[name].extend(mine)
            if shortfall and k:
                fallback[name].append(n)
    for i, name in enumerate(names):
        if fallback[name]:
            plans[name].notes.append(
                f"distribution {distribution!r} could not supply enough distinct strings of "
                f"length {ranges(fallback[name])}: the rest were drawn uniformly")
        order = np.random.default_rng([seed, 0, stream, i]).permutation(len(out[name]))
        out[name] = [out[name][j] for j in order]
    return out
