"""Negatives that keep a member's symbol counts (a test bin's ``negatives: permuted``).

A recognizer can score high on FLaRe's negatives (:mod:`.flare_negatives`) or langlab's own
(:mod:`.negatives`) without the language's structure: half of those negatives are uniform
strings, and most edits change a count that a counter, or a regular "shape" check (one ``×``
and one ``=``; exactly one ``_`` and an even length), sees at once. A *permuted* negative is a
member with ``K ~ Geometric(edit_p)`` transpositions (``K >= 1``), each of two positions that
hold different symbols, kept only if it is not a member. It has the member's length and the
member's number of every symbol (its Parikh vector), so every check that reads only the length
and the symbol counts accepts it, and so does every regular check that a transposition keeps
(a bit swapped with a bit in ``x×y=z``). Accuracy on a bin of these negatives is what a model
knows of the order of the symbols.

A language whose membership depends only on the counts (Parity, Majority) has no permuted
negatives at any length: every proposal is a member, and the bin gets a one-line error. Each negative records ``K`` as its edit count
(an edit distance of at most ``2K``), so the report's "accuracy by edit distance" table reads
it as it reads FLaRe's.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("a*b*", ("a", "b"), 0, {0, 1}, {0: {"a": 0, "b": 1}, 1: {"b": 1}})
>>> negs, edits, notes = draw_permuted_negatives(L, {"t": [4, 4, 5]}, "uniform", 0.5, seed=0)
>>> [len(s) for s in negs["t"]], any(L.accepts(s) for s in negs["t"]), min(edits["t"]) >= 1
([4, 4, 5], False, True)
"""

from __future__ import annotations

import random
from collections.abc import Mapping

import numpy as np

from langlab.data.flare_negatives import ATTEMPTS, fill_by_repeats, geometric
from langlab.errors import LanglabError
from langlab.languages.base import Language, Tokens

PERMUTED_STREAM = 6   # the seed stream (langlab's negatives use 2, FLaRe's 5)


def transpose(s: Tokens, k: int, r: random.Random) -> Tokens | None:
    """``s`` after ``k`` transpositions, each of a uniform position ``i`` and a uniform position
    ``j`` among those holding a symbol other than ``s[i]``; None when ``s`` has fewer than two
    distinct symbols (no transposition changes it).

    >>> transpose(("a", "b"), 1, random.Random(0)), transpose(("a", "a"), 1, random.Random(0))
    (('b', 'a'), None)
    """
    if len(set(s)) < 2:
        return None
    out = list(s)
    for _ in range(k):
        i = r.randrange(len(out))
        others = [j for j, t in enumerate(out) if t != out[i]]
        j = r.choice(others)
        out[i], out[j] = out[j], out[i]
    return tuple(out)


def draw_permuted_negatives(lang: Language, lengths: Mapping[str, list[int]], distribution: str,
                            edit_p: float, seed: int, taken: frozenset[Tokens] = frozenset()
                            ) -> tuple[dict[str, list[Tokens]], dict[str, list[int]],
                                       dict[str, list[str]]]:
    """Permuted negatives for each split, one per entry of ``lengths[split]`` (the lengths of
    its positives), their transposition counts, and notes per split. No negative is one of
    ``taken`` (the other splits' strings) or another split's; within a split they may repeat,
    and after ``ATTEMPTS`` proposals that all give members a split repeats one of its own."""
    owner: dict[Tokens, str] = {}
    out: dict[str, list[Tokens]] = {}
    edits: dict[str, list[int]] = {}
    notes: dict[str, list[str]] = {name: [] for name in lengths}
    for i, (name, want) in enumerate(lengths.items()):
        rng = np.random.default_rng([seed, 0, PERMUTED_STREAM, i])   # draws the members
        r = random.Random(int(rng.integers(2**63)))                   # draws the transpositions
        negs: list[Tokens] = []
        counts: list[int] = []
        repeats = 0
        for n in want:
            found = None
            for _ in range(ATTEMPTS):
                source = lang.sample_from(distribution, n, rng)
                if source is None:
                    break   # no member of this length to permute
                k = geometric(edit_p, r)
                s = transpose(source, k, r)
                if (s is not None and s not in taken and owner.get(s, name) == name
                        and not lang.accepts(s)):
                    found = (s, k)
                    break
            if found is None:
                if not negs:
                    continue
                j = r.randrange(len(negs))
                found = (negs[j], counts[j])
                repeats += 1
            owner[found[0]] = name
            negs.append(found[0])
            counts.append(found[1])
        if want and not negs:
            raise LanglabError(f"{lang.name}: no permuted negative found for split {name!r} "
                               f"in {ATTEMPTS} proposals per string: every transposition of "
                               f"its members is a member (the language reads only the counts)")
        repeats += fill_by_repeats(negs, counts, len(want), r)
        if repeats:
            notes[name].append(f"{repeats} permuted negative(s) repeat: {ATTEMPTS} proposals "
                               f"each gave only members or strings of other splits")
        out[name], edits[name] = negs, counts
    return out, edits, notes
