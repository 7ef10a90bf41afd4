"""Permuted negatives (a test bin's ``negatives: permuted``): members with transposed symbols,
so that no check of the length and the symbol counts can reject them."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.data.permuted_negatives import transpose
from langlab.errors import LanglabError
from langlab.tasks import build_dataset

TRAIN, VALIDATION = LengthBin(0, 8, 200), LengthBin(0, 8, 40)
PERMUTED = LengthBin(9, 12, 60, negatives="permuted")


def spec(*tests: LengthBin) -> SplitSpec:
    return SplitSpec(train=TRAIN, validation=VALIDATION, test=list(tests))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=12), st.integers(1, 5), st.integers(0, 2**32))
def test_a_transposition_keeps_the_length_and_every_symbol_count(s, k, seed):
    out = transpose(tuple(s), k, random.Random(seed))
    if len(set(s)) < 2:
        assert out is None
        return
    assert Counter(out) == Counter(s) and len(out) == len(s)
    assert sum(x != y for x, y in zip(out, s)) <= 2 * k
    if k == 1:   # one transposition of two different symbols always changes the string
        assert sum(x != y for x, y in zip(out, s)) == 2


@pytest.mark.parametrize("name", ["anbn", "dyck-1", "tomita-3", "flare/marked-copy",
                                  "flare/binary-multiplication", "flare/missing-duplicate-string"])
def test_permuted_negatives_are_non_members_with_a_members_counts(name):
    lang = langlab.load_language(name)
    ds = build_dataset(lang, "recognition", spec(LengthBin(9, 12, 80), PERMUTED))
    split = ds.splits[PERMUTED.name]
    assert split.name == "test-9-12-permuted"
    counts = {n: {frozenset(Counter(m).items()) for m in lang.enumerate(n)} for n in range(9, 13)}
    negatives = [(e, k) for e, k in zip(split.examples, split.arrays.edits.tolist()) if not e.label]
    assert len(negatives) == 30 and int(split.arrays.labels.sum()) == 30
    for e, k in negatives:
        assert not lang.accepts(e.tokens) and k >= 1
        assert frozenset(Counter(e.tokens).items()) in counts[len(e.tokens)], e.tokens
    members = Counter(len(e.tokens) for e in split.examples if e.label)
    assert Counter(len(e.tokens) for e, _ in negatives) == members   # one for one, by length
    others = {e.tokens for n, s in ds.splits.items() if n != split.name for e in s.examples}
    assert not others & {e.tokens for e, _ in negatives}              # disjoint from other splits


def test_a_permuted_bin_leaves_every_other_split_as_it_was():
    lang = langlab.load_language("dyck-1")
    plain = build_dataset(lang, "recognition", spec(LengthBin(9, 12, 80)), negatives="flare")
    with_perm = build_dataset(lang, "recognition", spec(LengthBin(9, 12, 80), PERMUTED),
                              negatives="flare")
    for name, split in plain.splits.items():
        other = with_perm.splits[name]
        assert [e.tokens for e in split.examples] == [e.tokens for e in other.examples]
        assert np.array_equal(split.arrays.edits, other.arrays.edits)
    # and the dataset key differs, so the cache never confuses the two
    assert plain.key != with_perm.key


def test_permuted_negatives_are_deterministic_and_follow_the_seed():
    lang = langlab.load_language("anbn")
    a, b = (build_dataset(lang, "recognition", spec(PERMUTED)) for _ in range(2))
    assert [e.tokens for e in a.splits[PERMUTED.name].examples] == \
        [e.tokens for e in b.splits[PERMUTED.name].examples]
    c = build_dataset(lang, "recognition", spec(PERMUTED).model_copy(update={"seed": 1}))
    assert [e.tokens for e in a.splits[PERMUTED.name].examples] != \
        [e.tokens for e in c.splits[PERMUTED.name].examples]


@pytest.mark.parametrize("name", ["parity", "flare/majority"])
def test_a_language_of_counts_has_no_permuted_negatives(name):
    with pytest.raises(LanglabError, match="no permuted negative found.*reads only the counts"):
        build_dataset(langlab.load_language(name), "recognition", spec(PERMUTED))


def test_permuted_negatives_need_a_task_with_negatives_and_a_test_bin():
    with pytest.raises(LanglabError, match="9-12-permuted asks for permuted negatives, but the "
                                           "next-symbol task has no negatives"):
        build_dataset(langlab.load_language("dyck-1"), "next-symbol", spec(PERMUTED))
    with pytest.raises(ValueError, match="train: negatives: permuted is for test bins only"):
        SplitSpec(train=LengthBin(0, 8, 10, negatives="permuted"), validation=VALIDATION,
                  test=[PERMUTED])
    # the field is left out of dumps when unset, so no stored key changes
    assert "negatives" not in LengthBin(9, 12, 60).model_dump()
    assert LengthBin.model_validate(PERMUTED.model_dump()) == PERMUTED
