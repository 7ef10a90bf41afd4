"""Negative strings for the recognition task, at exactly the lengths of the positives.

Each split's negatives mirror its positives' lengths one for one (so a classifier cannot tell
the classes apart by length). For a negative of length ``n``:

- **edit** (a fraction ``edit_fraction``, default half): take ``K ~ Geometric(0.5)`` (K >= 1)
  random edits, each an insertion, deletion or replacement (by a different symbol), chosen
  uniformly; their net change ``d = #insertions - #deletions`` fixes the source length
  ``n - d``; apply them to a member of that length drawn from the split's distribution. The
  result has length ``n`` exactly (this is how lengths stay matched; a member at the source
  length must exist, otherwise the edits are redrawn). After ``EDIT_ATTEMPTS`` edit sequences
  that all give members (e.g. "starts with 1": only edits at the front leave it), the
  negative is a random string instead, and a note counts these.
- **random**: a uniformly random string of length ``n`` over the alphabet.

Every candidate is checked with ``accepts`` and kept only if it is a non-member not already in
another split (splits stay disjoint) nor already in this one. At short lengths (at most
``ENUMERATE`` strings of that length) the non-members are enumerated, so scarcity is exact and
shared among the splits in proportion to their needs. When a split has none left at a length,
it repeats its own negatives of that length if it has any; otherwise the negative is drawn at
another length of the split's bin (unary languages such as (aa)* have non-members only at the
lengths where members are missing), and, failing that, repeats one of the split's negatives.
Notes say each of these, and where no non-member of a length exists at all.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("a*", ("a", "b"), 0, {0}, {0: {"a": 0}})
>>> negs, notes = draw_negatives(L, {"train": [2, 2, 3]}, {"train": LengthBin(2, 3, 6)},
...                              "uniform", 0.5, seed=0)
>>> [L.accepts(s) for s in negs["train"]], sorted(len(s) for s in negs["train"])
([False, False, False], [2, 2, 3])
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping

import numpy as np

from langlab.data.allocate import largest_remainder, ranges
from langlab.data.draw import length_rng
from langlab.data.spec import LengthBin
from langlab.errors import LanglabError
from langlab.languages.base import Language, Tokens

NEGATIVE_STREAM = 2
ENUMERATE = 4096       # enumerate all strings of a length when there are at most this many
ATTEMPTS = 30          # random strings tried per negative before a length counts as exhausted
EDIT_ATTEMPTS = 10     # edit sequences tried per negative before falling back to a random string


class _Length:
    """The non-members of one length, as far as they are known (enumerated when few)."""

    def __init__(self, lang: Language, n: int, seed: int):
        self.n = n
        self.pool: list[Tokens] | None = None   # every non-member, when enumerable
        self.free: list[Tokens] = []            # the pool in random order; owned ones skipped
        if len(lang.alphabet) ** n <= ENUMERATE:
            allstr: list[Tokens] = [()]
            for _ in range(n):
                allstr = [s + (t,) for s in allstr for t in lang.alphabet]
            self.pool = [s for s in allstr if not lang.accepts(s)]
            order = length_rng(seed, n, NEGATIVE_STREAM * 1000 - 1).permutation(len(self.pool))
            self.free = [self.pool[j] for j in order]
        # When the splits want more non-members of this length than exist, each split may take
        # at most its proportional share (as for positives); None: no limit.
        self.quota: dict[str, int] | None = None
        self.taken: Counter[str] = Counter()

    def share_out(self, demand: Mapping[str, int]) -> None:
        if self.pool is not None and sum(demand.values()) > len(self.pool):
            names = list(demand)
            parts = largest_remainder(len(self.pool), [demand[k] for k in names])
            self.quota = dict(zip(names, parts))

    def full(self, name: str) -> bool:
        return self.quota is not None and self.taken[name] >= self.quota.get(name, 0)

    def take_free(self, owner: Mapping[Tokens, str]) -> Tokens | None:
        """The next enumerated non-member nobody owns yet (a uniformly random one)."""
        while self.free and self.free[-1] in owner:
            self.free.pop()
        return self.free.pop() if self.free else None


def draw_negatives(lang: Language, lengths: Mapping[str, list[int]],
                   bins: Mapping[str, LengthBin], distribution: str, edit_fraction: float,
                   seed: int) -> tuple[dict[str, list[Tokens]], dict[str, list[str]]]:
    """Negatives for each split, one per entry of ``lengths[split]`` (all within ``bins[split]``);
    and notes per split."""
    owner: dict[Tokens, str] = {}
    out: dict[str, list[Tokens]] = {name: [] for name in lengths}
    notes: dict[str, list[str]] = {name: [] for name in lengths}
    maker = _Maker(lang, distribution)
    needs = {name: Counter(want) for name, want in lengths.items()}
    cache = _Cache(lang, seed)
    for n in sorted({n for c in needs.values() for n in c}):
        cache[n].share_out({name: c[n] for name, c in needs.items() if c[n]})
    missing: dict[str, list[int]] = {name: [] for name in lengths}
    repeated: dict[str, list[int]] = {name: [] for name in lengths}
    for i, name in enumerate(lengths):   # first every split at its own lengths ...
        need = needs[name]
        for n in sorted(need):
            rng = length_rng(seed, n, NEGATIVE_STREAM * 1000 + i)
            n_edit = int(round(edit_fraction * need[n]))
            own: list[Tokens] = []
            for j in range(need[n]):
                s = maker.one(cache[n], name, owner, j < n_edit, rng)
                if s is None:
                    if cache[n].pool is not None and own:
                        s = own[int(rng.integers(len(own)))]
                        repeated[name].append(n)
                    else:
                        missing[name].append(n)
                        continue
                else:
                    owner[s] = name
                    own.append(s)
                out[name].append(s)
    # ... then the rest at other lengths of each split's bin, the splits taking turns
    _relocate(maker, bins, out, owner, missing, cache, edit_fraction, seed, notes)
    for i, name in enumerate(lengths):
        if maker.fallbacks[name]:
            notes[name].append(f"{maker.fallbacks[name]} edit negative(s) are random strings "
                               f"instead: {EDIT_ATTEMPTS} edit sequences each gave only members")
        if repeated[name]:
            notes[name].append(f"negatives repeat at length {ranges(sorted(set(repeated[name])))}"
                               f": too few non-members of that length to give every split its "
                               f"own")
        if not out[name]:
            raise LanglabError(f"{lang.name} has no non-members of length {bins[name]} "
                               f"available to split {name!r}: recognition needs negatives")
        order = np.random.default_rng([seed, 0, NEGATIVE_STREAM, i]).permutation(len(out[name]))
        out[name] = [out[name][j] for j in order]
    return out, notes


class _Cache(dict):
    """Length -> :class:`_Length`, built on first use."""

    def __init__(self, lang: Language, seed: int):
        super().__init__()
        self.lang, self.seed = lang, seed

    def __missing__(self, n: int) -> _Length:
        info = self[n] = _Length(self.lang, n, self.seed)
        return info


def _relocate(maker, bins, out, owner, missing, cache, edit_fraction, seed, notes) -> None:
    """Draw the negatives that found no room at their own length at other lengths of their
    split's bin; splits take turns in proportion to what they miss, so scarce non-members are
    shared. What still cannot be found repeats the split's own negatives."""
    for name, miss in missing.items():
        empty = sorted(n for n in set(miss) if cache[n].pool == [])
        if empty:
            notes[name].append(f"no non-members of length {ranges(empty)} (every string of that "
                               f"length is a member)")
        other = sorted(set(miss) - set(empty))
        if other:
            notes[name].append(f"non-members of length {ranges(other)} too few or too rare to "
                               f"give this split its own")
    turns = sorted(((j + 0.5) / len(miss), k, name) for k, (name, miss) in
                   enumerate(missing.items()) for j in range(len(miss)))
    rng = np.random.default_rng([seed, 0, NEGATIVE_STREAM, 1])
    exhausted: set[int] = set()
    moved: Counter[str] = Counter()
    stuck: set[str] = set()
    for _, _, name in turns:
        if name in stuck:
            continue
        lengths = [n for n in bins[name].lengths() if n not in exhausted]
        for j in rng.permutation(len(lengths)):
            n = lengths[int(j)]
            s = maker.one(cache[n], name, owner, rng.random() < edit_fraction, rng, quota=False)
            if s is not None:
                owner[s] = name
                out[name].append(s)
                moved[name] += 1
                break
            exhausted.add(n)
        else:
            stuck.add(name)
    for name, miss in missing.items():
        if moved[name]:
            notes[name].append(f"{moved[name]} negative(s) drawn at other lengths of the split "
                               f"instead, so negative and positive lengths differ")
        short = len(miss) - moved[name]
        if short and out[name]:   # the bin has fewer non-members than the split needs
            pick = rng.integers(0, len(out[name]), short)
            out[name].extend([out[name][j] for j in pick])
            notes[name].append(f"{short} negative(s) repeat: too few non-members of length "
                               f"{bins[name]} for this split")


class _Maker:
    """Makes single negatives; remembers which lengths have members and counts, per split, the
    edit negatives that fell back to random strings (edits that keep leaving the language)."""

    def __init__(self, lang: Language, distribution: str):
        self.lang, self.distribution = lang, distribution
        self.has_member: dict[int, bool] = {}
        self.fallbacks: Counter[str] = Counter()

    def one(self, info: _Length, name: str, owner: Mapping[Tokens, str], edit: bool,
            rng: np.random.Generator, quota: bool = True) -> Tokens | None:
        """A non-member of length ``info.n`` that no split owns yet (within split ``name``'s
        share of a scarce length when ``quota``), or None if none is left."""
        if quota and info.full(name):
            return None
        # The many small draws below come from a Python generator seeded from ``rng`` (numpy's
        # per-call overhead dominated); still one deterministic stream per length and split.
        r = random.Random(int(rng.integers(2**63)))
        if edit:
            sources: dict[int, Tokens | None] = {}   # one member per source length, re-edited
            for _ in range(EDIT_ATTEMPTS):
                s = self.edited(info.n, r, rng, sources)
                if s is not None and s not in owner and not self.lang.accepts(s):
                    info.taken[name] += 1
                    return s
            self.fallbacks[name] += 1
        s = self.random(info, owner, r)
        if s is not None:
            info.taken[name] += 1
        return s

    def random(self, info: _Length, owner: Mapping[Tokens, str], r: random.Random
               ) -> Tokens | None:
        if info.pool is not None:
            return info.take_free(owner)
        alpha, lang = self.lang.alphabet, self.lang
        for _ in range(ATTEMPTS):
            s = tuple(r.choices(alpha, k=info.n))
            if s not in owner and not lang.accepts(s):
                return s
        return None

    def edited(self, n: int, r: random.Random, rng: np.random.Generator,
               sources: dict[int, Tokens | None]) -> Tokens | None:
        """A member of length ``n - d`` with ``K ~ Geometric(0.5)`` edits of net change ``d``
        (``rng`` draws the member, ``r`` the edits)."""
        alpha = self.lang.alphabet
        kinds = ("insert", "delete", "replace") if len(alpha) > 1 else ("insert", "delete")
        k = 1
        while r.random() < 0.5:   # K ~ Geometric(0.5) on {1, 2, ...}
            k += 1
        ops = r.choices(kinds, k=k)
        m = n - ops.count("insert") + ops.count("delete")
        if m < 0:
            return None
        if m not in self.has_member:
            self.has_member[m] = self.lang.has_member_of_length(m)
        if not self.has_member[m]:
            return None
        if m not in sources:
            sources[m] = self.lang.sample_from(self.distribution, m, rng)
        if sources[m] is None:
            return None
        s = list(sources[m])
        for op in ops:
            if op == "insert":
                s.insert(r.randrange(len(s) + 1), r.choice(alpha))
            elif not s:
                return None
            elif op == "delete":
                del s[r.randrange(len(s))]
            else:
                p = r.randrange(len(s))
                s[p] = r.choice([t for t in alpha if t != s[p]])
        return tuple(s)
