"""Dataset invariants over registered languages of every family (skipped where not registered)."""

from __future__ import annotations

import pytest

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.tasks import build_dataset

SPEC = SplitSpec(train=LengthBin(1, 16, 120), validation=LengthBin(1, 16, 24),
                 test=[LengthBin(1, 16, 30), LengthBin(17, 30, 30)])
FAMILIES = ["tomita-3", "aa-star", "anbn", "dyck-2", "reset-dyck-1", "shuffle-2", "boolean-3",
            "d-3", "copy", "flare/majority", "flare/stack-manipulation"]


def registered(name: str):
    if name not in langlab.list_languages():
        pytest.skip(f"{name} is not registered")
    return langlab.load_language(name)


@pytest.mark.parametrize("name", FAMILIES)
def test_next_symbol_dataset_invariants(name):
    lang = registered(name)
    ds = build_dataset(lang, "next-symbol", SPEC)
    owner: dict[tuple, str] = {}
    for split in ds.splits.values():
        assert len(split) == split.bin.size
        for e in split.examples:
            assert len(e.tokens) in split.bin and e.label == 1 and lang.accepts(e.tokens)
            assert owner.setdefault(e.tokens, split.name) == split.name
        for e in {e.tokens: e for e in split.examples}.values():
            assert list(e.next) == [lang.next_symbols(e.tokens[:i])
                                    for i in range(len(e.tokens) + 1)]


@pytest.mark.parametrize("name", FAMILIES)
def test_recognition_dataset_invariants(name):
    lang = registered(name)
    ds = build_dataset(lang, "recognition", SPEC)
    owner: dict[tuple, str] = {}
    for split in ds.splits.values():
        labels = [e.label for e in split.examples]
        assert len(labels) == split.bin.size and sum(labels) == (split.bin.size + 1) // 2
        for e in split.examples:
            assert len(e.tokens) in split.bin
            assert lang.accepts(e.tokens) == bool(e.label)
            assert owner.setdefault(e.tokens, split.name) == split.name
