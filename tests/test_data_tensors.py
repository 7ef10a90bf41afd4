"""Padded tensors, length-bucketed batches and the on-disk cache."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import langlab
from langlab.data import LengthBin, SplitSpec, Vocab
from langlab.data import cache as data_cache
from langlab.languages.base import EOS
from langlab.tasks import build_dataset

SPEC = SplitSpec(train=LengthBin(1, 20, 300), validation=LengthBin(1, 20, 40),
                 test=[LengthBin(21, 40, 60)])


@pytest.fixture(scope="module")
def parity():
    return langlab.load_language("parity")


@pytest.fixture(scope="module")
def ds(parity):
    return build_dataset(parity, "next-symbol", SPEC)


def test_vocab_ids_and_outputs():
    v = Vocab(("(", ")"))
    assert v.tokens == ("<pad>", "<bos>", "(", ")") and v.size == 4
    assert v.outputs == ("(", ")", EOS) and v.n_outputs == 3
    assert v.encode(("(", ")")) == [1, 2, 3] and v.decode([1, 2, 3, 0]) == ("(", ")")
    assert list(v.khot(frozenset({")", EOS}))) == [0.0, 1.0, 1.0]


@pytest.mark.parametrize("shuffle", [False, True])
def test_batches_cover_every_example_once_with_little_padding(ds, shuffle):
    split = ds.splits["train"]
    seen, spans, real, cells = [], [], 0, 0
    for batch in split.batches(32, shuffle=shuffle, seed=3):
        B, T = batch.tokens.shape
        assert T == int(batch.lengths.max()) and B <= 32
        spans.append((int(batch.lengths.min()), int(batch.lengths.max())))
        real += int(batch.lengths.sum())
        cells += B * T
        seen.extend(batch.index.tolist())
    assert sorted(seen) == list(range(len(split)))
    # bucketing: batches hold consecutive runs of the length-sorted split, so two batches'
    # length ranges share at most an endpoint, and padding stays small
    spans.sort()
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert cells - real < 0.1 * real   # random batches of 32 would pad ~40%


def test_batch_contents_match_examples(ds):
    split = ds.splits["test-21-40"]
    vocab = ds.vocab
    for batch in split.batches(16, shuffle=True, seed=0):
        assert batch.tokens.dtype == torch.long and batch.labels.dtype == torch.float32
        assert batch.next.shape == (*batch.tokens.shape, vocab.n_outputs)
        for row, i in enumerate(batch.index.tolist()):
            ex = split.examples[i]
            n1 = len(ex.tokens) + 1
            assert batch.lengths[row] == n1
            assert batch.tokens[row, :n1].tolist() == vocab.encode(ex.tokens)
            assert not batch.tokens[row, n1:].any() and not batch.next[row, n1:].any()
            assert batch.mask[row].tolist() == [True] * n1 + [False] * (batch.tokens.shape[1] - n1)
            want = torch.stack([torch.from_numpy(vocab.khot(x)) for x in ex.next])
            assert torch.equal(batch.next[row, :n1], want)
            assert batch.labels[row] == 1.0


def test_shuffled_batches_are_seeded(ds):
    a = [b.index.tolist() for b in ds.splits["train"].batches(50, shuffle=True, seed=1)]
    b = [b.index.tolist() for b in ds.splits["train"].batches(50, shuffle=True, seed=1)]
    c = [b.index.tolist() for b in ds.splits["train"].batches(50, shuffle=True, seed=2)]
    assert a == b and a != c


def all_tensors(dataset):
    return {name: [(b.tokens, b.lengths, b.labels, b.next, b.mask) for b in s.batches(64)]
            for name, s in dataset.splits.items()}


def test_cache_returns_identical_tensors(parity, tmp_path):
    first = build_dataset(parity, "recognition", SPEC, cache_dir=tmp_path, aux_targets=True)
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and not first.from_cache
    again = build_dataset(parity, "recognition", SPEC, cache_dir=tmp_path, aux_targets=True)
    assert again.from_cache and again.key == first.key
    ta, tb = all_tensors(first), all_tensors(again)
    for name in ta:
        for xa, xb in zip(ta[name], tb[name]):
            for u, v in zip(xa, xb):
                assert (u is None and v is None) or torch.equal(u, v)
        assert first.splits[name].examples == again.splits[name].examples
        assert first.splits[name].notes == again.splits[name].notes
        assert first.splits[name].n_distinct == again.splits[name].n_distinct


def test_cache_key_tracks_spec_options_and_language(parity, tmp_path):
    k = data_cache.dataset_key
    base = k(parity, "recognition", SPEC, "exact", {"aux_targets": False, "edit_fraction": 0.5})
    assert base == k(parity, "recognition", SPEC, "exact",
                     {"aux_targets": False, "edit_fraction": 0.5})
    assert base != k(parity, "recognition", SPEC.model_copy(update={"seed": 5}), "exact",
                     {"aux_targets": False, "edit_fraction": 0.5})
    assert base != k(parity, "recognition", SPEC, "exact",
                     {"aux_targets": True, "edit_fraction": 0.5})
    other = langlab.languages.automaton.DFALanguage(
        "parity", ("0", "1"), 0, {1}, {0: {"0": 0, "1": 1}, 1: {"0": 1, "1": 0}})
    assert base != k(other, "recognition", SPEC, "exact",
                     {"aux_targets": False, "edit_fraction": 0.5})


def test_stale_or_broken_cache_files_are_rebuilt(parity, tmp_path):
    ds = build_dataset(parity, "next-symbol", SPEC, cache_dir=tmp_path)
    path = next(tmp_path.glob("*.npz"))
    path.write_bytes(b"not a zip file")
    again = build_dataset(parity, "next-symbol", SPEC, cache_dir=tmp_path)
    assert not again.from_cache
    assert again.splits["train"].examples == ds.splits["train"].examples
    meta, arrays = data_cache.load(path)
    data_cache.save(path, {**meta, "data_version": -1}, arrays)
    assert data_cache.load(path) is None
    assert not build_dataset(parity, "next-symbol", SPEC, cache_dir=tmp_path).from_cache


def test_arrays_are_compact(ds):
    a = ds.splits["train"].arrays
    assert a.ids.dtype == np.int16 and a.next_ids.dtype == np.int32
    assert a.ids.shape[1] == int(a.lengths.max())
