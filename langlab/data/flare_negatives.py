"""FLaRe's negative strings for the recognition task (``negatives: flare``), with edit counts.

Butoi et al. (2025), "Training Neural Networks as Recognizers of Formal Languages" (ICLR 2025),
Section 4 and their ``src/recognizers/string_sampling/sample_dataset.py``
(github.com/rycolab/neural-network-recognizers, defaults: ``--perturbation-probability 0.5``,
no ``--strict-num-edits-distribution``). Each *proposal* for a negative is, with probability
``edit_fraction``, a **perturbed member**, otherwise a **uniform string**; a proposal that is a
member is rejected and a new one is drawn (the kind is redrawn with it, as in FLaRe's default).
So where edits often lead back into the language (Majority), fewer than ``edit_fraction`` of
the negatives are edits; a note gives the share when it is off by more than 0.1 (in a split
of 50 negatives or more).

- perturbed: a member drawn from the split's distribution, then ``K ~ Geometric(edit_p)``
  (``K >= 1``) random edits. Each edit is chosen uniformly among those allowed: an insertion
  (a uniform symbol at a uniform position) while the string is shorter than the split's
  longest length, a replacement (by a different symbol) when the string is not empty and the
  alphabet has two symbols or more, a deletion while it is longer than the shortest length.
  The result stays in the split's length bin, but its length may differ from the member's.
- uniform: a uniformly random string over the alphabet.

Where FLaRe draws a length uniformly over the split's range, both kinds here start from the
length of one of the split's positives (one for one): langlab's positives are spread over
lengths as uniformly as the language allows, so the negatives follow the same length
distribution, also where a language has no members at some lengths.

Each negative records its **edit count**: ``K``, the number of edit operations applied (FLaRe's
``num-edits.txt``), an upper bound on its edit distance to the language; :data:`UNIFORM` (-1)
for a uniform string. Members count 0 (:data:`MEMBER`).

Splits stay disjoint: a proposal that another split already holds is rejected too. Within a
split a negative may repeat, as in FLaRe's files. After ``ATTEMPTS`` rejected proposals the
split repeats one of its own negatives, and a note says how often.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("a*", ("a", "b"), 0, {0}, {0: {"a": 0}})
>>> negs, edits, notes = draw_flare_negatives(L, {"train": [2, 3, 3, 4]},
...     {"train": LengthBin(2, 4, 8)}, "uniform", 0.5, 0.5, seed=0)
>>> [L.accepts(s) for s in negs["train"]], all(k == UNIFORM or k >= 1 for k in edits["train"])
([False, False, False, False], True)
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping

import numpy as np

from langlab.data.spec import LengthBin
from langlab.errors import LanglabError
from langlab.languages.base import Language, Tokens

MEMBER = 0       # the edit count of a positive
UNIFORM = -1     # the edit count of a uniform random negative
ATTEMPTS = 100   # proposals per negative before repeating one (FLaRe: 100 tries, then an error)
FLARE_STREAM = 5  # the negatives' seed stream (langlab's own negatives use stream 2)


def geometric(p: float, r: random.Random) -> int:
    """``K ~ Geometric(p)`` on ``{1, 2, ...}``: ``P(K = k) = (1 - p)^(k - 1) p``.

    >>> r = random.Random(0)
    >>> min(geometric(0.5, r) for _ in range(100)), geometric(1.0, r)
    (1, 1)
    """
    k = 1
    while r.random() >= p:
        k += 1
    return k


def perturb(s: Tokens, k: int, alphabet: Tokens, lo: int, hi: int, r: random.Random) -> Tokens:
    """``s`` after ``k`` random edits that keep its length within ``lo..hi`` (FLaRe's
    ``apply_random_edit``: each edit chosen uniformly among insertion, replacement and deletion,
    where allowed). Its edit distance to ``s`` is at most ``k``.

    >>> perturb(("a", "b"), 1, ("a", "b"), 2, 2, random.Random(0))   # only replacement fits
    ('a', 'a')
    """
    out = list(s)
    for _ in range(k):
        kinds = []
        if len(out) < hi:
            kinds.append("insert")
        if out and len(alphabet) > 1:
            kinds.append("replace")
        if len(out) > lo:
            kinds.append("delete")
        if not kinds:   # lo == hi == 0 and one symbol: no edit keeps the length
            break
        kind = r.choice(kinds)
        if kind == "insert":
            out.insert(r.randrange(len(out) + 1), r.choice(alphabet))
        elif kind == "replace":
            i = r.randrange(len(out))
            out[i] = r.choice([t for t in alphabet if t != out[i]])
        else:
            del out[r.randrange(len(out))]
    return tuple(out)


def fill_by_repeats(negs: list[Tokens], counts: list[int], n: int, r: random.Random) -> int:
    """Repeat uniformly chosen negatives (with their edit counts) until there are ``n``; how
    many were added."""
    added = 0
    while len(negs) < n:
        j = r.randrange(len(negs))
        negs.append(negs[j])
        counts.append(counts[j])
        added += 1
    return added


def draw_flare_negatives(lang: Language, lengths: Mapping[str, list[int]],
                         bins: Mapping[str, LengthBin], distribution: str, edit_fraction: float,
                         edit_p: float, seed: int
                         ) -> tuple[dict[str, list[Tokens]], dict[str, list[int]],
                                    dict[str, list[str]]]:
    """Negatives for each split, one per entry of ``lengths[split]`` (the lengths of its
    positives), their edit counts, and notes per split."""
    owner: dict[Tokens, str] = {}
    out: dict[str, list[Tokens]] = {}
    edits: dict[str, list[int]] = {}
    notes: dict[str, list[str]] = {name: [] for name in lengths}
    for i, (name, want) in enumerate(lengths.items()):
        b = bins[name]
        rng = np.random.default_rng([seed, 0, FLARE_STREAM, i])   # draws the members
        r = random.Random(int(rng.integers(2**63)))                # draws everything else
        negs: list[Tokens] = []
        counts: list[int] = []
        repeats = 0
        kinds: Counter[str] = Counter()
        for n in want:
            s, k = _propose_until_negative(lang, name, owner, n, b, distribution, edit_fraction,
                                           edit_p, rng, r, kinds)
            if s is None:
                if not negs:
                    continue   # nothing to repeat yet; the split ends up shorter
                j = r.randrange(len(negs))
                s, k = negs[j], counts[j]
                repeats += 1
            owner[s] = name
            negs.append(s)
            counts.append(k)
        if want and not negs:
            raise LanglabError(f"{lang.name}: no non-member found for split {name!r} "
                               f"(lengths {b}) in {ATTEMPTS} proposals each: recognition needs "
                               f"negatives")
        repeats += fill_by_repeats(negs, counts, len(want), r)   # the first proposals failed
        if repeats:
            notes[name].append(f"{repeats} negative(s) repeat: {ATTEMPTS} proposals each gave "
                               f"only members or strings of other splits")
        if kinds["source"]:
            notes[name].append(f"{kinds['source']} perturbation(s) found no member to start "
                               f"from and were proposed as uniform strings")
        share = sum(k != UNIFORM for k in counts) / max(len(counts), 1)
        if len(counts) >= 50 and abs(share - edit_fraction) > 0.1:   # not a small sample
            notes[name].append(f"{share:.0%} of the negatives are edited members (edit_fraction "
                               f"{edit_fraction}): edits gave members more or less often than "
                               f"uniform strings did, and members are rejected")
        out[name], edits[name] = negs, counts
    return out, edits, notes


def _propose_until_negative(lang, name, owner, n, b, distribution, edit_fraction, edit_p, rng,
                            r, kinds) -> tuple[Tokens | None, int]:
    """A non-member no other split holds, and its edit count; (None, 0) after ``ATTEMPTS``."""
    alpha = lang.alphabet
    for _ in range(ATTEMPTS):
        k = UNIFORM
        if r.random() < edit_fraction:
            source = lang.sample_from(distribution, n, rng)
            if source is None:
                kinds["source"] += 1
            else:
                k = geometric(edit_p, r)
                s = perturb(source, k, alpha, b.lo, b.hi, r)
        if k == UNIFORM:
            s = tuple(r.choice(alpha) for _ in range(n))
        if owner.get(s, name) == name and not lang.accepts(s):
            return s, k
    return None, 0
