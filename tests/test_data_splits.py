"""Length-generalization splits: leakage, lengths, labels, targets, scarcity, determinism."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import langlab
from langlab.data import LengthBin, SplitSpec, make_spec
from langlab.data.allocate import largest_remainder, uniform_fill, water_fill
from langlab.errors import LanglabError, UnknownNameError
from langlab.languages.automaton import DFALanguage
from langlab.languages.base import EOS, StateLanguage
from langlab.tasks import build_dataset

SMALL = SplitSpec(train=LengthBin(1, 12, 300), validation=LengthBin(1, 12, 60),
                  test=[LengthBin(1, 12, 80), LengthBin(13, 20, 80), LengthBin(21, 30, 50)])


class AnBn(StateLanguage):
    """a^n b^n, n >= 1: exactly one member of each even length (a counter language)."""

    name, alphabet, level = "test-anbn", ("a", "b"), "context-free"

    def start(self):
        return (0, 0)            # (phase: 0 reading a's / 1 reading b's, open a's)

    def step(self, q, t):
        phase, c = q
        if t == "a":
            return (0, c + 1) if phase == 0 else None
        return (1, c - 1) if c > 0 else None

    def accepting(self, q):
        return q == (1, 0)

    def live(self, q):
        return True

    def completions(self, q, m):
        phase, c = q
        if phase == 1:
            return int(m == c)
        j2 = m - c               # 2j: further a's and their b's
        return int(j2 >= 0 and j2 % 2 == 0 and (c > 0 or j2 > 0))


def exactly_aaa() -> DFALanguage:
    return DFALanguage("test-aaa", ("a",), 0, {3}, {0: {"a": 1}, 1: {"a": 2}, 2: {"a": 3}})


def brute_next(lang, prefix, max_extra=6):
    """Next-symbol set by search: t such that prefix + t + w is accepted for a short w."""
    out = set()
    for t in lang.alphabet:
        frontier = [tuple(prefix) + (t,)]
        for _ in range(max_extra + 1):
            if any(lang.accepts(s) for s in frontier):
                out.add(t)
                break
            frontier = [s + (u,) for s in frontier for u in lang.alphabet]
    if lang.accepts(prefix):
        out.add(EOS)
    return frozenset(out)


@pytest.fixture(scope="module")
def parity_default():
    return build_dataset(langlab.load_language("parity"), "next-symbol")


def test_default_spec_is_the_papers():
    spec = SplitSpec()
    assert (spec.train.lo, spec.train.hi, spec.train.size) == (1, 50, 10_000)
    assert [(b.lo, b.hi, b.size) for b in spec.test] == [(1, 50, 2000), (51, 100, 2000),
                                                         (101, 150, 2000)]
    assert spec.split_names() == ["train", "validation", "test-1-50", "test-51-100",
                                  "test-101-150"]


def test_spec_rejects_bad_input():
    with pytest.raises(Exception, match="extra"):
        SplitSpec(train=LengthBin(1, 5, 10), tset=[])
    with pytest.raises(LanglabError, match="empty"):
        make_spec(train={"lo": 9, "hi": 3, "size": 5})
    with pytest.raises(LanglabError, match="repeat"):
        make_spec(test=[{"lo": 1, "hi": 5, "size": 3}, {"lo": 1, "hi": 5, "size": 4}])
    with pytest.raises(LanglabError, match="LO-HI:SIZE"):
        LengthBin.parse("1-x:5")
    assert LengthBin.parse("7:3") == LengthBin(7, 7, 3)


def test_default_parity_no_leakage_lengths_and_targets(parity_default):
    ds = parity_default
    lang = langlab.load_language("parity")
    assert list(ds.splits) == SplitSpec().split_names()
    seen: dict[tuple, str] = {}
    for split in ds.splits.values():
        exs = split.examples
        assert len(exs) == split.bin.size == split.n_requested
        strings = [e.tokens for e in exs]
        assert len(set(strings)) == len(strings) == split.n_distinct   # parity has plenty
        for s in set(strings):
            assert s not in seen, f"{s} in {seen.get(s)} and {split.name}"
            seen[s] = split.name
        assert all(split.bin.lo <= len(s) <= split.bin.hi for s in strings)
        for e in exs[:200]:
            assert lang.accepts(e.tokens) and e.label == 1
            assert list(e.next) == [lang.next_symbols(e.tokens[:i])
                                    for i in range(len(e.tokens) + 1)]
    # lengths are (nearly) uniform where members are plentiful
    counts = Counter(len(e.tokens) for e in ds.splits["test-51-100"].examples)
    assert set(counts) == set(range(51, 101)) and max(counts.values()) - min(counts.values()) <= 1


def test_next_targets_match_brute_force():
    # Tomita-4-like DFA (no "000"), small enough for a brute-force next-symbol search.
    lang = DFALanguage("test-no000", ("0", "1"), 0, {0, 1, 2},
                       {0: {"0": 1, "1": 0}, 1: {"0": 2, "1": 0}, 2: {"0": 3, "1": 0},
                        3: {"0": 3, "1": 3}})
    spec = SplitSpec(train=LengthBin(1, 7, 60), validation=LengthBin(1, 7, 10),
                     test=[LengthBin(8, 9, 10)])
    ds = build_dataset(lang, "next-symbol", spec)
    for split in ds.splits.values():
        for e in split.examples:
            assert e.next == tuple(brute_next(lang, e.tokens[:i]) for i in range(len(e.tokens) + 1))


def test_same_seed_same_dataset_other_seed_differs():
    lang = langlab.load_language("parity")
    a = build_dataset(lang, "next-symbol", SMALL)
    b = build_dataset(lang, "next-symbol", SMALL)
    c = build_dataset(lang, "next-symbol", SMALL.model_copy(update={"seed": 1}))
    for name in a.splits:
        assert a.splits[name].examples == b.splits[name].examples
    assert a.splits["test-21-30"].examples != c.splits["test-21-30"].examples


def test_counter_language_partitions_and_repeats_with_notes():
    lang = AnBn()
    ds = build_dataset(lang, "next-symbol", SMALL)
    members_1_12 = {("a",) * k + ("b",) * k for k in range(1, 7)}
    owners: dict[tuple, str] = {}
    for split in ds.splits.values():
        strings = [e.tokens for e in split.examples]
        assert len(strings) == split.bin.size
        assert all(lang.accepts(s) and len(s) in split.bin for s in strings)
        assert split.n_distinct == len(set(strings))
        for s in set(strings):
            assert owners.setdefault(s, split.name) == split.name   # disjoint
    # 6 members of lengths 1-12 are shared out among train, validation and test-1-50 ...
    shared = [ds.splits[n] for n in ("train", "validation", "test-1-12")]
    assert sum(s.n_distinct for s in shared) == len(members_1_12)
    assert [s.n_distinct for s in shared] == largest_remainder(6, [300, 60, 80])
    # ... and every split says its strings repeat; test-13-20 holds all 4 members of 13-20
    assert all(any("repeat" in n for n in s.notes) for s in ds.splits.values())
    assert ds.splits["test-13-20"].n_distinct == 4
    # repeats keep lengths as uniform as possible: 80 strings over 4 lengths, 20 each
    assert set(Counter(len(e.tokens) for e in ds.splits["test-13-20"].examples).values()) == {20}


def test_scarce_short_lengths_go_to_train_first():
    lang = langlab.load_language("parity")
    ds = build_dataset(lang, "next-symbol", SMALL)
    train = {e.tokens for e in ds.splits["train"].examples}
    assert ("0",) in train            # the only member of length 1
    assert ("0",) not in {e.tokens for e in ds.splits["validation"].examples}
    assert any("went to other splits" in n for n in ds.splits["validation"].notes)


def test_clear_error_when_a_bin_cannot_be_filled():
    upto4 = DFALanguage("test-a1to4", ("a",), 0, {1, 2, 3, 4},
                        {0: {"a": 1}, 1: {"a": 2}, 2: {"a": 3}, 3: {"a": 4}})
    spec = SplitSpec(train=LengthBin(1, 4, 10), validation=LengthBin(1, 4, 5),
                     test=[LengthBin(5, 10, 10)])
    with pytest.raises(LanglabError, match="no members of length 5-10: cannot fill split "
                                           "'test-5-10'"):
        build_dataset(upto4, "next-symbol", spec)
    spec = SplitSpec(train=LengthBin(1, 4, 10), validation=LengthBin(2, 3, 5),
                     test=[LengthBin(1, 4, 5)])
    with pytest.raises(LanglabError, match="only 1 member.* disjoint from test-1-4, train"):
        build_dataset(exactly_aaa(), "next-symbol", spec)


def test_bad_task_mode_option_and_distribution():
    lang = langlab.load_language("parity")
    with pytest.raises(UnknownNameError, match="did you mean"):
        build_dataset(lang, "next-symbols", SMALL)
    with pytest.raises(UnknownNameError):
        build_dataset(lang, "next-symbol", SMALL, target_mode="papers")
    with pytest.raises(LanglabError, match="unknown option 'aux_targets'"):
        build_dataset(lang, "next-symbol", SMALL, aux_targets=True)
    with pytest.raises(UnknownNameError, match="distribution"):
        build_dataset(lang, "next-symbol", SMALL.model_copy(update={"distribution": "paper"}))


class Skewed(DFALanguage):
    """Parity with a named sampler that only ever returns all-zero strings."""

    def __init__(self):
        super().__init__("test-skewed", ("0", "1"), 0, {0},
                         {0: {"0": 0, "1": 1}, 1: {"0": 1, "1": 0}})

    @property
    def distributions(self):
        return {"uniform": self.sample, "zeros": lambda n, rng: ("0",) * n}


def test_named_distribution_is_used_and_completed_uniformly():
    spec = SplitSpec(train=LengthBin(3, 6, 40), validation=LengthBin(3, 6, 8),
                     test=[LengthBin(7, 8, 10)], distribution="zeros")
    ds = build_dataset(Skewed(), "next-symbol", spec)
    for split in ds.splits.values():
        strings = [e.tokens for e in split.examples]
        assert len(set(strings)) == len(strings)
        assert any("could not supply" in n for n in split.notes)
    every = [e.tokens for s in ds.splits.values() for e in s.examples]
    assert sum(s == ("0",) * len(s) for s in every) == 6   # one all-zero string per length 3..8


def test_water_fill_properties():
    rng = np.random.default_rng(0)
    for _ in range(200):
        caps = {n: int(c) for n, c in enumerate(rng.integers(0, 30, rng.integers(1, 8)))}
        size = int(rng.integers(1, 120))
        distinct, repeats = water_fill(caps, size, rng)
        if sum(caps.values()) == 0:
            assert distinct == {}
            continue
        assert sum(distinct.values()) + sum(repeats.values()) == size
        assert all(distinct[n] <= caps[n] for n in distinct)
        if sum(caps.values()) >= size:   # no repeats, and no length starved below another's level
            assert not any(repeats.values())
            free = [distinct[n] for n in distinct if distinct[n] < caps[n]]
            assert not free or max(free) - min(free) <= 1
            assert all(distinct[n] >= min(caps[n], min(free or [caps[n]])) for n in distinct)
        else:                            # every member used once
            assert all(distinct[n] == caps[n] for n in distinct)


def test_uniform_fill_properties():
    rng = np.random.default_rng(1)
    for _ in range(200):
        caps = {n: int(c) for n, c in enumerate(rng.integers(0, 30, rng.integers(1, 8)))}
        size = int(rng.integers(1, 120))
        distinct, repeats = uniform_fill(caps, size, rng)
        lengths = [n for n in caps if caps[n] > 0]
        assert sorted(distinct) == sorted(lengths)
        if not lengths:
            continue
        total = {n: distinct[n] + repeats[n] for n in lengths}
        assert sum(total.values()) == size
        assert max(total.values()) - min(total.values()) <= 1        # exactly uniform lengths
        for n in lengths:                                            # repeats only when scarce
            assert distinct[n] == min(caps[n], total[n])


@pytest.mark.parametrize("task,lang", [("transduction", "che/parity-check"),
                                       ("recognition", "parity"), ("next-symbol", "tomita-3")])
def test_train_lengths_uniform_repeats_scarce_lengths(task, lang):
    """``train_lengths: uniform``: every training length weighs the same, scarce lengths repeat
    their members (never another split's), and the default stays distinct."""
    base = SplitSpec(train=LengthBin(1, 12, 1200), validation=LengthBin(1, 12, 60),
                     test=[LengthBin(13, 16, 40)])
    uni = base.model_copy(update={"train_lengths": "uniform"})
    spread, even = build_dataset(lang, task, base), build_dataset(lang, task, uni)

    def members(ds, name):
        split = ds.splits[name]
        return [e.tokens for e in split.examples if e.label]

    train = members(even, "train")
    per_length = Counter(len(s) for s in train)
    assert max(per_length.values()) - min(per_length.values()) <= 1, per_length
    assert len(set(train)) < len(train)                      # scarce lengths repeat
    assert any("they repeat" in n for n in even.splits["train"].notes)
    old = Counter(len(s) for s in members(spread, "train"))
    assert max(old.values()) > max(per_length.values())      # spread: long lengths make up
    assert len(set(members(spread, "train"))) == len(members(spread, "train"))
    held = {s for k in even.splits if k != "train" for s in members(even, k)}
    assert not held & set(train)                             # splits stay disjoint
    assert "train_lengths" not in base.describe() and uni.describe()["train_lengths"] == "uniform"
    assert spread.key != even.key
