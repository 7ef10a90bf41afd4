"""How many strings of each length each split gets, computed from exact capacities first.

Two rules shape every split:

1. **Disjoint splits.** No string is in two splits. Where the splits covering a length ``n``
   together want more strings than the language has (``count(n)`` is small: short lengths,
   counter languages with one member per length), the members of length ``n`` are *partitioned*
   among those splits in proportion to their sizes (a running largest-remainder count over the
   scarce lengths, so with one member per length the splits take turns; ties go to the split
   listed first). A split may thus get no string of some short length: a note says so. A split
   whose share rounds to nothing at all takes one member from the split with the most.
2. **Distinct within a split, lengths as uniform as possible.** A split of size ``s`` over the
   lengths ``L`` that have members available to it takes ``min(e_n, λ)`` strings of length ``n``
   (``e_n``: its share of length ``n``), with the level ``λ`` chosen so the total is ``s``:
   uniform over ``L`` except that a length with fewer members than its share gives all it has
   and the other lengths make up the rest ("water filling"). Only when the whole range has fewer
   members than ``s`` do strings repeat: every member is used once and the rest are repeats,
   again spread so that lengths are as uniform as possible (``max(e_n, λ)`` at length ``n``).

Capacities come from ``lang.count_capped(n, cap)``, so nothing ever loops waiting for a string
that does not exist.

>>> water_fill({1: 1, 2: 2, 3: 100, 4: 100}, 21, np.random.default_rng(0))
({1: 1, 2: 2, 3: 9, 4: 9}, {1: 0, 2: 0, 3: 0, 4: 0})
>>> water_fill({2: 1, 4: 1}, 5, np.random.default_rng(0))[1] in ({2: 1, 4: 2}, {2: 2, 4: 1})
True
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from langlab.data.spec import LengthBin
from langlab.errors import LanglabError
from langlab.languages.base import Language

# A length with at least this many times the strings it must supply is sampled by rejection
# (expected draws per string <= 4/3); below it, members are picked by rank without replacement.
REJECTION_FACTOR = 4


@dataclass
class Plan:
    """One split's share: distinct strings and repeats per length, plus what to tell the user."""

    name: str
    bin: LengthBin
    size: int
    distinct: dict[int, int] = field(default_factory=dict)   # length -> distinct strings
    repeats: dict[int, int] = field(default_factory=dict)    # length -> extra repeated copies
    notes: list[str] = field(default_factory=list)

    @property
    def n_distinct(self) -> int:
        return sum(self.distinct.values())


def capacities(lang: Language, bins: Mapping[str, LengthBin], sizes: Mapping[str, int],
               taken: Mapping[int, Collection] | None = None) -> dict[int, int]:
    """``count(n)`` capped at ``REJECTION_FACTOR`` times the demand on ``n`` (exact below it),
    less the members ``taken`` at ``n`` by splits drawn before these."""
    demand: dict[int, int] = {}
    for name, b in bins.items():
        for n in b.lengths():
            demand[n] = demand.get(n, 0) + sizes[name]
    gone = {n: len((taken or {}).get(n, ())) for n in demand}
    return {n: lang.count_capped(n, REJECTION_FACTOR * d + gone[n]) - gone[n]
            for n, d in sorted(demand.items())}


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (ties: earlier first).

    >>> largest_remainder(25, [10000, 1000, 2000])
    [19, 2, 4]
    """
    wsum = sum(weights)
    exact = [total * w / wsum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def water_fill(caps: Mapping[int, int], size: int, rng: np.random.Generator
               ) -> tuple[dict[int, int], dict[int, int]]:
    """Distinct strings and repeats per length for a split of ``size`` over ``caps``.

    Returns ``(distinct, repeats)``. Lengths with ``caps[n] == 0`` get nothing. Which lengths get
    the ``+1`` of an uneven division is drawn from ``rng``.
    """
    lengths = [n for n in sorted(caps) if caps[n] > 0]
    if not lengths:
        return {}, {}
    cap = [caps[n] for n in lengths]
    if sum(min(c, size) for c in cap) >= size:
        # Largest level with sum(min(c, level)) <= size, then +1 on some uncapped lengths.
        lo = _largest_level(cap, size, min)
        take = [min(c, lo) for c in cap]
        room = [i for i, c in enumerate(cap) if c > lo]
        for i in rng.choice(len(room), size - sum(take), replace=False) if room else []:
            take[room[i]] += 1
        return dict(zip(lengths, take)), dict.fromkeys(lengths, 0)
    # Fewer members than requested: all of them, then repeats raising the short lengths first.
    lo = _largest_level(cap, size, max)
    total = [max(c, lo) for c in cap]
    low = [i for i, c in enumerate(cap) if c <= lo]
    for i in rng.choice(len(low), size - sum(total), replace=False) if low else []:
        total[low[i]] += 1
    return dict(zip(lengths, cap)), {n: t - c for n, t, c in zip(lengths, total, cap)}


def uniform_fill(caps: Mapping[int, int], size: int, rng: np.random.Generator
                 ) -> tuple[dict[int, int], dict[int, int]]:
    """Distinct strings and repeats per length for a split of ``size`` whose lengths stay exactly
    uniform: each length with members gets ``size // L`` strings (``+1`` on ``size % L`` lengths
    drawn from ``rng``), and a length with fewer members than that repeats them.

    This is the training distribution of Delétang et al. 2023 (a length uniform over the range,
    then a uniform member of it), in expectation per length and per member.

    >>> uniform_fill({1: 2, 2: 4, 3: 100}, 30, np.random.default_rng(0))
    ({1: 2, 2: 4, 3: 10}, {1: 8, 2: 6, 3: 0})
    """
    lengths = [n for n in sorted(caps) if caps[n] > 0]
    if not lengths:
        return {}, {}
    target = dict.fromkeys(lengths, size // len(lengths))
    for i in rng.choice(len(lengths), size % len(lengths), replace=False):
        target[lengths[i]] += 1
    distinct = {n: min(caps[n], target[n]) for n in lengths}
    return distinct, {n: target[n] - distinct[n] for n in lengths}


def plan_splits(lang: Language, bins: Mapping[str, LengthBin], sizes: Mapping[str, int],
                caps: Mapping[int, int], rng: np.random.Generator,
                uniform: Collection[str] = (), gone: Collection[int] = ()) -> dict[str, Plan]:
    """Per split and length, how many distinct strings and repeats to draw (see module doc).
    The splits named in ``uniform`` keep their lengths exactly uniform by repeating the members
    of scarce lengths (:func:`uniform_fill`) instead of spreading their share over the others.
    ``gone``: lengths whose members all went to splits planned before these (capacity 0)."""
    names = list(bins)
    shares: dict[str, dict[int, int]] = {name: {} for name in names}
    # Scarce lengths are shared out so that each split's total over them stays proportional
    # to its size (a running largest-remainder count): with one member per length, the splits
    # take turns instead of the largest taking every length.
    entitled = dict.fromkeys(names, 0.0)
    given = dict.fromkeys(names, 0)
    for n, c in caps.items():
        covering = [name for name in names if n in bins[name]]
        want = [sizes[name] for name in covering]
        if c >= sum(want):   # room for every split's whole size: no contention at n
            for name, w in zip(covering, want):
                shares[name][n] = w
            continue
        for name, w in zip(covering, want):
            entitled[name] += c * w / sum(want)
            shares[name][n] = 0
        for _ in range(c):
            best = max(covering, key=lambda x: (entitled[x] - given[x], -names.index(x)))
            shares[best][n] += 1
            given[best] += 1
    _none_empty_handed(names, shares)
    plans = {}
    for name in names:
        b, size, share = bins[name], sizes[name], shares[name]
        plan = Plan(name, b, size)
        have = sum(share.values())
        if have == 0:
            total = sum(caps[n] for n in b.lengths())
            if total == 0 and any(n in gone for n in b.lengths()):
                raise LanglabError(f"{lang.name}: every member of length {b} is in a split "
                                   f"drawn before {name!r} (one with another depth window): "
                                   f"give {name!r} other lengths or a depth window")
            if total == 0:
                raise LanglabError(f"{lang.name} has no members of length {b}: "
                                   f"cannot fill split {name!r}")
            others = sorted({o for o in names if o != name and _overlap(bins[o], b)})
            raise LanglabError(
                f"{lang.name} has only {total} member(s) of length {b}, too few to give split "
                f"{name!r} any string disjoint from {', '.join(others)}")
        fill = uniform_fill if name in uniform else water_fill
        plan.distinct, plan.repeats = fill(share, size, rng)
        _explain(lang, plan, share, caps, bins, uniform=name in uniform, gone=gone)
        plans[name] = plan
    return plans


def _none_empty_handed(names: list[str], shares: dict[str, dict[int, int]]) -> None:
    """A split whose proportional share rounds to nothing takes one member from the split
    holding the most strings of one of its lengths (when that split keeps at least one)."""
    for name in names:
        if sum(shares[name].values()):
            continue
        best = None
        for n in shares[name]:
            for other in names:
                have = shares[other].get(n, 0)
                if other != name and sum(shares[other].values()) > 1 and have > 0 and (
                        best is None or have > best[0]):
                    best = (have, other, n)
        if best is not None:
            _, other, n = best
            shares[other][n] -= 1
            shares[name][n] += 1


def _overlap(a: LengthBin, b: LengthBin) -> bool:
    return a.lo <= b.hi and b.lo <= a.hi


def _explain(lang: Language, plan: Plan, share: Mapping[int, int], caps: Mapping[int, int],
             bins: Mapping[str, LengthBin], uniform: bool = False,
             gone: Collection[int] = ()) -> None:
    """Notes for the user: repeats, lengths given to other splits, lengths below their share."""
    b = plan.bin
    if uniform:
        rep = sorted(n for n, r in plan.repeats.items() if r)
        if rep:
            plan.notes.append(f"{_lengths(rep)} fewer members than a uniform share: they repeat, "
                              f"so that every length weighs the same (split.train_lengths: uniform)")
    elif any(plan.repeats.values()):
        # Repeats mean every length of the bin is scarce, so these counts are exact.
        total = sum(caps[n] for n in b.lengths())
        whose = ("the language has only that many" if total == plan.n_distinct else
                 f"the language's {total} are shared with other splits")
        plan.notes.append(f"only {plan.n_distinct} distinct string{'s' * (plan.n_distinct > 1)} "
                          f"of length {b} ({whose}; "
                          f"{plan.size} requested): strings repeat")
    lost = [n for n in b.lengths() if (caps[n] > 0 or n in gone) and share.get(n, 0) == 0]
    if lost:
        plan.notes.append(f"no strings of length {ranges(lost)}: their few members went to "
                          f"other splits (splits are disjoint)")
    member_lengths = [n for n in b.lengths() if caps[n] > 0]
    if not any(plan.repeats.values()) and member_lengths:
        level = plan.size / len(member_lengths)
        short = [n for n in member_lengths if 0 < plan.distinct.get(n, 0) < int(level)]
        if short:
            plan.notes.append(f"{_lengths(short)} fewer members than a uniform share "
                              f"({level:.0f}): all their available members are used")
    no_members = [n for n in b.lengths() if caps[n] == 0 and n not in gone]
    if no_members and len(no_members) < len(b.lengths()):
        plan.notes.append(f"no members of length {ranges(no_members)}")


def _lengths(ns: list[int]) -> str:
    """``"length 3 has"`` or ``"lengths 1-4 have"``."""
    return f"length {ns[0]} has" if len(ns) == 1 else f"lengths {ranges(ns)} have"


def ranges(ns: list[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` -> ``"1-3, 7, 9-10"``; ``[1, 3, 5, 7]`` -> ``"1, 3, ..., 7"``."""
    steps = {b - a for a, b in zip(ns, ns[1:])}
    if len(ns) >= 4 and len(steps) == 1 and steps != {1}:
        return f"{ns[0]}, {ns[1]}, ..., {ns[-1]}"
    runs: list[list[int]] = []
    for n in ns:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    return ", ".join(text[:6]) + (", ..." if len(text) > 6 else "")


def _largest_level(cap: list[int], size: int, clip) -> int:
    """The largest level L in [0, size] with sum(clip(c, L) for c in cap) <= size (binary
    search; the sum grows with L for clip = min or max)."""
    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(clip(c, mid) for c in cap) <= size:
            lo = mid
        else:
            hi = mid - 1
    return lo
