"""Recognition datasets: balanced, length-matched, every label checked, scarcity reported."""

from __future__ import annotations

import random
from collections import Counter

import pytest

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.data.negatives import _Maker
from langlab.errors import LanglabError
from langlab.languages.automaton import DFALanguage
from langlab.tasks import build_dataset

SPEC = SplitSpec(train=LengthBin(1, 10, 400), validation=LengthBin(1, 10, 60),
                 test=[LengthBin(1, 10, 100), LengthBin(11, 20, 101)])


def short_or_a() -> DFALanguage:
    """Every string of length <= 2, and longer strings that start with a (no negatives at 1-2)."""
    return DFALanguage("test-short-or-a", ("a", "b"), 0, {0, 1, 2, "A", "b1", "b2"}, {
        0: {"a": 1, "b": "b1"}, 1: {"a": 2, "b": 2}, "b1": {"a": "b2", "b": "b2"},
        2: {"a": "A", "b": "A"}, "A": {"a": "A", "b": "A"}, "b2": {"a": "B", "b": "B"},
        "B": {"a": "B", "b": "B"}})


def check_split_labels(lang, ds):
    owners: dict[tuple, str] = {}
    for split in ds.splits.values():
        exs = split.examples
        assert len(exs) == split.bin.size
        pos = [e for e in exs if e.label == 1]
        neg = [e for e in exs if e.label == 0]
        assert len(pos) == (split.bin.size + 1) // 2
        assert all(lang.accepts(e.tokens) for e in pos)
        assert not any(lang.accepts(e.tokens) for e in neg)
        assert all(len(e.tokens) in split.bin for e in exs)
        for e in exs:
            assert owners.setdefault(e.tokens, split.name) == split.name   # disjoint splits
    return owners


def test_parity_recognition_balanced_matched_and_exact():
    lang = langlab.load_language("parity")
    ds = build_dataset(lang, "recognition", SPEC)
    check_split_labels(lang, ds)
    for split in ds.splits.values():
        pos = Counter(len(e.tokens) for e in split.examples if e.label)
        neg = Counter(len(e.tokens) for e in split.examples if not e.label)
        if not split.notes:
            assert neg <= pos and sum((pos - neg).values()) == split.bin.size % 2
        assert all(e.next is None for e in split.examples)   # no aux targets asked for


def test_aux_targets_on_positives_only():
    lang = langlab.load_language("parity")
    ds = build_dataset(lang, "recognition", SPEC, aux_targets=True)
    for e in ds.splits["test-11-20"].examples:
        if e.label:
            assert list(e.next) == [lang.next_symbols(e.tokens[:i])
                                    for i in range(len(e.tokens) + 1)]
        else:
            assert e.next is None
    batch = next(ds.splits["test-11-20"].batches(64))
    assert batch.next is not None
    assert float(batch.next[batch.labels == 0].abs().sum()) == 0.0


def test_lengths_without_negatives_are_reported_and_moved():
    lang = short_or_a()
    spec = SplitSpec(train=LengthBin(1, 6, 120), validation=LengthBin(1, 6, 20),
                     test=[LengthBin(7, 9, 40)])
    ds = build_dataset(lang, "recognition", spec)
    check_split_labels(lang, ds)
    train = ds.splits["train"]
    assert any("no non-members of length 1-2" in n for n in train.notes)
    negs = [e.tokens for e in train.examples if not e.label]
    assert len(negs) == 60 and min(map(len, negs)) >= 3


def test_universal_language_cannot_make_negatives():
    everything = DFALanguage("test-all", ("a", "b"), 0, {0}, {0: {"a": 0, "b": 0}})
    spec = SplitSpec(train=LengthBin(1, 4, 20), validation=LengthBin(1, 4, 4),
                     test=[LengthBin(5, 6, 4)])
    with pytest.raises(LanglabError, match="no non-members .* recognition needs negatives"):
        build_dataset(everything, "recognition", spec)


def test_edits_keep_length_and_come_from_members():
    import numpy as np

    lang = langlab.load_language("parity")
    rng = np.random.default_rng(0)
    maker = _Maker(lang, "uniform")
    r = random.Random(0)
    made = [maker.edited(12, r, rng, {}) for _ in range(300)]
    made = [s for s in made if s is not None]
    assert len(made) > 200 and all(len(s) == 12 for s in made)
    # one replacement of a member flips parity: edited strings are mostly non-members
    assert sum(not lang.accepts(s) for s in made) > 100


def test_recognition_is_deterministic():
    lang = langlab.load_language("parity")
    a = build_dataset(lang, "recognition", SPEC)
    b = build_dataset(lang, "recognition", SPEC)
    assert all(a.splits[k].examples == b.splits[k].examples for k in a.splits)
