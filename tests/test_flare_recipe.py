"""FLaRe's recipe for recognition (Butoi et al. 2025): its negatives with their edit counts,
accuracy by edit count, and the auxiliary LM and next-symbol losses on positives."""

from __future__ import annotations

import json
import random
from collections import Counter
from functools import cache

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.data.export import example_rows
from langlab.data.flare_negatives import MEMBER, UNIFORM, geometric, perturb
from langlab.errors import LanglabError
from langlab.tasks import build_dataset, get_task

torch.set_num_threads(1)
SPEC = SplitSpec(train=LengthBin(0, 8, 300), validation=LengthBin(0, 8, 60),
                 test=[LengthBin(9, 12, 80)])


def levenshtein(a: tuple, b: tuple) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


@cache
def members(name: str, n: int) -> tuple[tuple, ...]:
    return tuple(langlab.load_language(name).enumerate(n))


def distance_to_language(name: str, s: tuple, k: int) -> int | None:
    """The edit distance from ``s`` to the nearest member of length within ``k`` of it, if one
    is at most ``k`` away (brute force over the members of those lengths)."""
    best = None
    for n in range(max(0, len(s) - k), len(s) + k + 1):
        for m in members(name, n):
            d = levenshtein(s, m)
            if d <= k and (best is None or d < best):
                best = d
    return best


# ---------------------------------------------------------------------- the edits themselves
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("ab"), max_size=10), st.integers(1, 6), st.integers(0, 2**32),
       st.integers(0, 4), st.integers(0, 6))
def test_perturb_stays_in_bin_and_within_k_edits(s, k, seed, lo_cut, hi_extra):
    s = tuple(s)
    lo, hi = max(0, len(s) - lo_cut), len(s) + hi_extra
    out = perturb(s, k, ("a", "b"), lo, hi, random.Random(seed))
    assert lo <= len(out) <= hi
    assert levenshtein(s, out) <= k


def test_geometric_has_the_stated_law():
    r = random.Random(0)
    for p in (0.5, 0.25):
        ks = [geometric(p, r) for _ in range(20_000)]
        assert min(ks) == 1
        assert abs(ks.count(1) / len(ks) - p) < 0.02                   # P(K = 1) = p
        assert abs(sum(ks) / len(ks) - 1 / p) < 0.1 / p                # E[K] = 1 / p
    assert {geometric(1.0, r) for _ in range(100)} == {1}


# ---------------------------------------------------------------------- datasets
@pytest.mark.parametrize("name", ["parity", "dyck-1", "anbn", "flare/majority"])
def test_flare_negatives_are_non_members_with_their_edit_counts(name):
    lang = langlab.load_language(name)
    ds = build_dataset(lang, "recognition", SPEC, negatives="flare")
    owners: dict[tuple, str] = {}
    for split in ds.splits.values():
        edits = split.arrays.edits
        assert edits is not None and len(edits) == len(split)
        for e, k in zip(split.examples, edits.tolist()):
            assert len(e.tokens) in split.bin
            if e.label:
                assert k == MEMBER and lang.accepts(e.tokens)
                continue
            assert not lang.accepts(e.tokens)
            assert k == UNIFORM or k >= 1
            assert owners.setdefault(e.tokens, split.name) == split.name   # disjoint splits
            if k >= 1 and len(e.tokens) <= 8:
                # k edits of a member made it: some member is at most k edits away (and at
                # least one, since it is a non-member)
                d = distance_to_language(name, e.tokens, k)
                assert d is not None and 1 <= d <= k, (e.tokens, k)
        assert int(split.arrays.labels.sum()) == (split.bin.size + 1) // 2


def test_flare_mix_and_geometric_parameter_are_settings():
    lang = langlab.load_language("dyck-1")
    only_edits = build_dataset(lang, "recognition", SPEC, negatives="flare", edit_fraction=1.0,
                               edit_p=1.0)
    only_uniform = build_dataset(lang, "recognition", SPEC, negatives="flare", edit_fraction=0.0)
    mixed = build_dataset(lang, "recognition", SPEC, negatives="flare")
    for split in only_edits.splits.values():
        assert set(split.arrays.edits[split.arrays.labels == 0].tolist()) == {1}
    for split in only_uniform.splits.values():
        assert set(split.arrays.edits[split.arrays.labels == 0].tolist()) == {UNIFORM}
    counts = Counter(mixed.splits["train"].arrays.edits[
        mixed.splits["train"].arrays.labels == 0].tolist())
    assert counts[UNIFORM] and counts[1] and counts[2]    # both kinds, several edit counts
    assert max(counts) >= 2


def test_flare_positives_are_langlabs_positives():
    """Only the negatives change: the members of each split are the same strings."""
    lang = langlab.load_language("parity")
    ours = build_dataset(lang, "recognition", SPEC)
    theirs = build_dataset(lang, "recognition", SPEC, negatives="flare")
    for name in ours.splits:
        pos = [Counter(e.tokens for e in ds.splits[name].examples if e.label)
               for ds in (ours, theirs)]
        assert pos[0] == pos[1]


def test_default_negatives_are_todays_dataset(tmp_path):
    """``negatives: langlab`` (the default) changes neither the data nor its key or export."""
    lang = langlab.load_language("parity")
    today = build_dataset(lang, "recognition", SPEC)
    named = build_dataset(lang, "recognition", SPEC, negatives="langlab")
    assert today.options == named.options == {"aux_targets": False, "edit_fraction": 0.5}
    assert today.key == named.key
    for name, split in today.splits.items():
        other = named.splits[name].arrays
        assert split.arrays.edits is None and other.edits is None
        assert (split.arrays.ids == other.ids).all()
        assert (split.arrays.labels == other.labels).all()
        assert all("edits" not in row for row in example_rows(today, name))
    flare = build_dataset(lang, "recognition", SPEC, negatives="flare")
    assert flare.key != today.key
    assert flare.options == {"aux_targets": False, "edit_fraction": 0.5, "negatives": "flare",
                             "edit_p": 0.5}


def test_edit_counts_survive_the_cache_and_the_export(tmp_path):
    lang = langlab.load_language("dyck-1")
    built = build_dataset(lang, "recognition", SPEC, cache_dir=tmp_path, negatives="flare",
                          edit_p=0.3)
    again = build_dataset(lang, "recognition", SPEC, cache_dir=tmp_path, negatives="flare",
                          edit_p=0.3)
    assert again.from_cache and not built.from_cache
    for name, split in built.splits.items():
        assert (split.arrays.edits == again.splits[name].arrays.edits).all()
        rows = example_rows(again, name)
        assert [r["edits"] for r in rows] == split.arrays.edits.tolist()
        assert all((r["edits"] == MEMBER) == (r["label"] == 1) for r in rows)
        json.dumps(rows)
    batch = next(again.splits["train"].batches(16))
    assert batch.edits.tolist() == again.splits["train"].arrays.edits[batch.index].tolist()


def test_flare_negatives_are_deterministic():
    lang = langlab.load_language("anbn")
    a, b = (build_dataset(lang, "recognition", SPEC, negatives="flare") for _ in range(2))
    for name in a.splits:
        assert (a.splits[name].arrays.ids == b.splits[name].arrays.ids).all()
        assert (a.splits[name].arrays.edits == b.splits[name].arrays.edits).all()


@pytest.mark.parametrize("options, message", [
    ({"negatives": "flair"}, "negatives='flair' is not one of langlab, flare; did you mean 'flare'?"),
    ({"negatives": "flare", "edit_p": 0.0}, "edit_p (the Geometric parameter"),
    ({"edit_p": 0.3}, "edit_p applies to negatives: flare only"),
    ({"lm_loss": -1.0}, "lm_loss must be >= 0, got -1.0"),
    ({"next_loss": "big"}, "option next_loss must be float, got 'big'"),
])
def test_bad_flare_options(options, message):
    with pytest.raises(LanglabError, match=None) as info:
        build_dataset("parity", "recognition", SPEC, **options)
    assert message in str(info.value)


# ---------------------------------------------------------------------- accuracy by edit count
def test_accuracy_by_edit_count():
    lang = langlab.load_language("dyck-1")
    ds = build_dataset(lang, "recognition", SPEC, negatives="flare")
    split = ds.splits["test-9-12"]
    task = get_task("recognition", ds.vocab)

    def pairs(accept_all: bool):
        for batch in split.batches(32):
            out = torch.full((len(batch), batch.tokens.shape[1], 1), 5.0 if accept_all else -5.0)
            yield batch, out

    a = split.arrays
    want = Counter(a.edits[a.labels == 0].tolist())
    rejecting = task.score(pairs(False))["by_edits"]
    assert {("uniform" if k == UNIFORM else str(k)): [n, n] for k, n in want.items()} == rejecting
    assert list(rejecting)[-1] == "uniform"                          # counts in order, then uniform
    assert [int(k) for k in list(rejecting)[:-1]] == sorted(k for k in want if k != UNIFORM)
    accepting = task.score(pairs(True))["by_edits"]
    assert all(right == 0 for right, _ in accepting.values())
    plain = build_dataset(lang, "recognition", SPEC)
    batches = ((b, torch.zeros(len(b), b.tokens.shape[1], 1))
               for b in plain.splits["test-9-12"].batches(32))
    assert "by_edits" not in get_task("recognition", plain.vocab).score(batches)


# ---------------------------------------------------------------------- auxiliary losses
class TinyGRU(nn.Module):
    def __init__(self, vocab_size: int, d: int = 8):
        super().__init__()
        self.output_dim = d
        self.emb = nn.Embedding(vocab_size, d, padding_idx=0)
        self.rnn = nn.GRU(d, d, batch_first=True)

    def forward(self, tokens, lengths):
        return self.rnn(self.emb(tokens))[0]                                      # (B, T, d)


@pytest.fixture(scope="module")
def rec():
    return build_dataset("dyck-1", "recognition", SPEC, aux_targets=True)


def loss_and_grads(ds, options, copy_from: nn.Linear | None = None):
    torch.manual_seed(0)
    task = get_task("recognition", ds.vocab, **options)
    model = TinyGRU(ds.vocab.size)
    head = task.make_head(model.output_dim)
    if copy_from is not None:   # the same accept (and aux) columns as the reference head
        with torch.no_grad():
            w = copy_from.weight.shape[0]
            head.weight[:w].copy_(copy_from.weight)
            head.bias[:w].copy_(copy_from.bias)
    batch = next(ds.splits["train"].batches(64, shuffle=True, seed=1))
    out = head(model(batch.tokens, batch.lengths))
    loss = task.loss(out, batch)
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in model.parameters()], head, out, batch, task


def today_loss(task, out, batch, aux: str, weight: float):
    """The recognition loss as written before lm_loss/next_loss existed."""
    loss = F.binary_cross_entropy_with_logits(task.final_logits(out, batch), batch.labels)
    if aux == "lm":
        extra = out[..., 1:]
        loss = loss + weight * F.cross_entropy(extra.flatten(0, 1),
                                               task._lm_targets(batch).flatten(),
                                               ignore_index=-100)
    return loss


@pytest.mark.parametrize("aux", [{}, {"aux": "lm", "aux_weight": 0.5}])
def test_zero_coefficients_are_todays_loss_and_gradient_exactly(rec, aux):
    base = loss_and_grads(rec, aux)
    off = loss_and_grads(rec, {**aux, "lm_loss": 0.0, "next_loss": 0.0})
    assert base[2].weight.shape == off[2].weight.shape          # no extra head columns
    assert torch.equal(base[2].weight, off[2].weight)           # hence the same init
    assert torch.equal(base[0], off[0])
    assert all(torch.equal(g, h) for g, h in zip(base[1], off[1]))
    _, _, _, out, batch, task = off
    expect = today_loss(task, out, batch, aux.get("aux", "none"), aux.get("aux_weight", 1.0))
    assert torch.equal(off[0], expect.detach())


def flare_term(out_block, batch, task, kind: str) -> torch.Tensor:
    """FLaRe's per-string mean over positions, averaged over positive strings, by loops."""
    terms = []
    for b in range(len(batch)):
        if batch.labels[b] < 0.5:
            continue
        n1 = int(batch.lengths[b])
        per = []
        for t in range(n1):
            if kind == "lm":
                nxt = (int(batch.tokens[b, t + 1]) - 2 if t + 1 < n1
                       else task.vocab.n_outputs - 1)
                per.append(F.cross_entropy(out_block[b, t][None], torch.tensor([nxt])))
            else:
                per.append(F.binary_cross_entropy_with_logits(out_block[b, t], batch.next[b, t]))
        terms.append(torch.stack(per).mean())
    return torch.stack(terms).mean()


@pytest.mark.parametrize("options", [{"lm_loss": 0.7}, {"next_loss": 2.0},
                                     {"lm_loss": 0.3, "next_loss": 0.1}])
def test_nonzero_coefficients_add_flares_terms_and_change_the_gradient(rec, options):
    base = loss_and_grads(rec, {})
    on = loss_and_grads(rec, options, copy_from=base[2])
    loss, grads, head, out, batch, task = on
    blocks = task.blocks()
    k = task.vocab.n_outputs
    assert head.weight.shape[0] == 1 + k * (("lm_loss" in options) + ("next_loss" in options))
    expect = base[0]
    for kind in ("lm", "next"):
        if f"{kind}_loss" in options:
            expect = expect + options[f"{kind}_loss"] * flare_term(out[..., blocks[kind]].detach(),
                                                                   batch, task, kind)
    assert torch.allclose(loss, expect, atol=1e-6)
    assert any(not torch.allclose(g, h) for g, h in zip(base[1], grads))


def test_next_loss_asks_for_next_symbol_targets():
    ds = build_dataset("parity", "recognition", SPEC, next_loss=1.0)
    assert ds.options["aux_targets"] is True
    assert next(ds.splits["train"].batches(8)).next is not None


def test_flare_losses_train_a_tiny_model(rec):
    torch.manual_seed(0)
    task = get_task("recognition", rec.vocab, lm_loss=0.5, next_loss=0.5)
    model = TinyGRU(rec.vocab.size, d=16)
    head = task.make_head(model.output_dim)
    opt = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=0.02)
    losses = []
    for epoch in range(3):
        for batch in rec.splits["train"].batches(32, shuffle=True, seed=epoch):
            loss = task.loss(head(model(batch.tokens, batch.lengths)), batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5


def test_cli_exports_flare_negatives_with_their_edit_counts(tmp_path):
    from typer.testing import CliRunner

    from langlab.cli import app

    args = ["data", "dyck-1", "--task", "recognition", "--train", "0-8:40", "--validation",
            "0-8:10", "--test", "9-12:20"]
    res = CliRunner().invoke(app, [*args, "--negatives", "flare", "--edit-p", "0.3", "--out",
                                   str(tmp_path / "f")])
    assert res.exit_code == 0, res.output
    lang = langlab.load_language("dyck-1")
    rows = [json.loads(x) for x in (tmp_path / "f" / "train.jsonl").read_text().splitlines()]
    assert all(lang.accepts(r["tokens"]) == (r["edits"] == MEMBER) == bool(r["label"])
               for r in rows)
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "p")])
    assert res.exit_code == 0 and "edits" not in (tmp_path / "p" / "train.jsonl").read_text()
    res = CliRunner().invoke(app, [*args, "--edit-p", "0.3", "--out", str(tmp_path / "x")])
    assert res.exit_code != 0   # the CLI's entry point turns the LanglabError into status 2
    assert "edit_p applies to negatives: flare only" in f"{res.output}{res.exception}"


def test_validation_loss_leaves_the_flare_terms_out(rec):
    base = loss_and_grads(rec, {})
    for options in ({}, {"aux": "lm", "aux_weight": 0.5}):
        _, _, _, out, batch, task = loss_and_grads(rec, options)
        assert torch.equal(task.validation_loss(out, batch), task.loss(out, batch))
    _, _, _, out, batch, task = loss_and_grads(rec, {"lm_loss": 3.0, "next_loss": 1.0},
                                               copy_from=base[2])
    assert torch.equal(task.validation_loss(out, batch).detach(), base[0])   # BCE alone
    assert task.loss(out, batch) > task.validation_loss(out, batch)


def test_a_split_of_one_string_wants_no_negative_and_builds():
    """A split of size 1 holds one member and no negative: FLaRe's negatives draw none for it
    (it used to be an error, and a division by zero)."""
    from langlab.data import DataRequest, LengthBin, SplitSpec, make_dataset

    one = LengthBin(lo=15, hi=15, size=1)
    spec = SplitSpec(train=one, validation=one, test=[LengthBin(lo=16, hi=16, size=4)])
    request = DataRequest("recognition", negatives=True, next_sets=False, negative_kind="flare")
    ds = make_dataset(langlab.load_language("flare/parity"), request, spec)
    assert [e.label for e in ds.splits["train"].examples] == [1]
    assert sorted(e.label for e in ds.splits["test-16-16"].examples) == [0, 0, 1, 1]
