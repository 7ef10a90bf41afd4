"""Task heads, losses and metrics, checked against oracle models with known answers."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import langlab
from langlab.data import LengthBin, SplitSpec
from langlab.errors import LanglabError, UnknownNameError
from langlab.tasks import RecognitionTask, build_dataset, get_task

torch.set_num_threads(1)
SPEC = SplitSpec(train=LengthBin(1, 12, 200), validation=LengthBin(1, 12, 40),
                 test=[LengthBin(13, 20, 60)])


class ParityOracle(nn.Module):
    """States [even, odd, is-BOS] after each prefix of a parity string (exact, no learning)."""

    output_dim = 3

    def __init__(self, one_id: int):
        super().__init__()
        self.one_id = one_id
        self.dummy = nn.Parameter(torch.zeros(()))

    def forward(self, tokens, lengths):
        odd = torch.cumsum((tokens == self.one_id).long(), dim=1) % 2            # (B, T)
        bos = (torch.arange(tokens.shape[1]) == 0).expand_as(tokens)             # (B, T)
        return torch.stack([1 - odd, odd, bos.long()], dim=-1).float()           # (B, T, 3)


class TinyLSTM(nn.Module):
    def __init__(self, vocab_size: int, d: int = 16):
        super().__init__()
        self.output_dim = d
        self.emb = nn.Embedding(vocab_size, d, padding_idx=0)
        self.rnn = nn.LSTM(d, d, batch_first=True)

    def forward(self, tokens, lengths):
        return self.rnn(self.emb(tokens))[0]                                      # (B, T, d)


def set_head(head: nn.Linear, rows: list[list[float]]) -> None:
    """Head weights: rows[k] = the logit of output k from [even, odd, is-BOS]."""
    with torch.no_grad():
        head.weight.copy_(torch.tensor(rows))
        head.bias.zero_()


@pytest.fixture(scope="module")
def parity():
    return langlab.load_language("parity")


@pytest.fixture(scope="module")
def ds(parity):
    return build_dataset(parity, "next-symbol", SPEC)


def test_next_symbol_oracle_scores_perfectly_and_errors_count_exactly(ds):
    task = get_task("next-symbol", ds.vocab)
    model = ParityOracle(ds.vocab.encode(("1",))[1])
    head = task.make_head(3)
    set_head(head, [[10, 10, 0], [10, 10, 0], [10, -10, 0]])   # outputs 0, 1, EOS
    split = ds.splits["test-13-20"]
    m = task.evaluate(model, head, split, batch_size=7)
    by_length = m.pop("by_length")
    assert m == {"accuracy": 1.0, "position_accuracy": 1.0, "n": 60.0}
    lengths = [len(e.tokens) for e in split.examples]
    assert by_length == {str(n): [lengths.count(n)] * 2 for n in sorted(set(lengths))}
    # Wrong EOS at odd states: a string is right iff no prefix has odd parity.
    set_head(head, [[10, 10, 0], [10, 10, 0], [10, 10, 0]])
    m = task.evaluate(model, head, split)
    exs = split.examples
    odd = [[sum(t == "1" for t in e.tokens[:i]) % 2 for i in range(len(e.tokens) + 1)]
           for e in exs]
    assert m["accuracy"] == sum(not any(o) for o in odd) / len(exs)
    assert m["position_accuracy"] == pytest.approx(
        sum(len(o) - sum(o) for o in odd) / sum(len(o) for o in odd))


def test_paper_mode_scores_only_the_membership_bit_after_each_symbol(parity):
    ds = build_dataset(parity, "next-symbol", SPEC, target_mode="paper")
    assert ds.vocab.targets.columns == (2,) and ds.vocab.targets.first_position == 1
    exact = build_dataset(parity, "next-symbol", SPEC)
    model = ParityOracle(ds.vocab.encode(("1",))[1])
    # Right membership bit after every symbol; wrong alphabet columns; wrong EOS at BOS.
    rows = [[-10, -10, 0], [-10, -10, 0], [10, -10, -30]]
    for data, want in ((ds, 1.0), (exact, 0.0)):
        task = get_task("next-symbol", data.vocab)
        head = task.make_head(3)
        set_head(head, rows)
        assert task.evaluate(model, head, data.splits["test-13-20"])["accuracy"] == want
    # the target values themselves are the same in both modes
    assert ds.splits["train"].examples == exact.splits["train"].examples


def test_recognition_oracle_and_per_class_accuracy(parity):
    ds = build_dataset(parity, "recognition", SPEC)
    task = get_task("recognition", ds.vocab)
    model = ParityOracle(ds.vocab.encode(("1",))[1])
    head = task.make_head(3)
    set_head(head, [[10, -10, 0]])
    split = ds.splits["test-13-20"]
    m = task.evaluate(model, head, split)
    assert sum(total for _, total in m.pop("by_length").values()) == 60
    assert m == {"accuracy": 1.0, "n": 60.0, "positive_accuracy": 1.0, "negative_accuracy": 1.0}
    set_head(head, [[10, 10, 0]])   # accepts everything
    m = task.evaluate(model, head, split)
    assert m["positive_accuracy"] == 1.0 and m["negative_accuracy"] == 0.0
    assert m["accuracy"] == 0.5
    assert sum(right for right, _ in m["by_length"].values()) == 30


def test_losses_train_a_tiny_model(ds, parity):
    torch.manual_seed(0)
    rec = build_dataset(parity, "recognition", SPEC, aux_targets=True)
    for data, name, options in ((ds, "next-symbol", {}), (rec, "recognition", {}),
                                (rec, "recognition", {"aux": "next-symbol"}),
                                (rec, "recognition", {"aux": "lm", "aux_weight": 0.5})):
        task = get_task(name, data.vocab, **options)
        model = TinyLSTM(data.vocab.size)
        head = task.make_head(model.output_dim)
        opt = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=0.02)
        losses = []
        for epoch in range(3):
            for batch in data.splits["train"].batches(32, shuffle=True, seed=epoch):
                loss = task.loss(head(model(batch.tokens, batch.lengths)), batch)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
        assert all(torch.isfinite(torch.tensor(losses)))
        first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
        assert last < first, (name, options, first, last)


def test_lm_targets_are_the_next_tokens(parity):
    ds = build_dataset(parity, "recognition", SPEC)
    task = RecognitionTask(ds.vocab, aux="lm")
    split = ds.splits["validation"]
    batch = next(split.batches(40))
    target = task._lm_targets(batch)
    for row, i in enumerate(batch.index.tolist()):
        ex = split.examples[i]
        want = [ds.vocab.output_index(t) for t in ex.tokens] + [ds.vocab.output_index("<eos>")]
        n1 = len(ex.tokens) + 1
        if ex.label:
            assert target[row, :n1].tolist() == want
        else:
            assert (target[row] == -100).all()
        assert (target[row, n1:] == -100).all()


def test_evaluate_restores_modes_and_needs_no_grad(ds):
    task = get_task("next-symbol", ds.vocab)
    model = TinyLSTM(ds.vocab.size)
    head = task.make_head(model.output_dim)
    model.train()
    head.eval()
    task.evaluate(model, head, ds.splits["validation"])
    assert model.training and not head.training


def test_task_errors(ds, parity):
    with pytest.raises(UnknownNameError, match="did you mean 'recognition'"):
        get_task("recognize", ds.vocab)
    with pytest.raises(LanglabError, match="unknown option 'aux' for task next-symbol"):
        get_task("next-symbol", ds.vocab, aux="lm")
    with pytest.raises(LanglabError, match="aux='next' is not one of none, next-symbol, lm"):
        get_task("recognition", ds.vocab, aux="next")
    rec = build_dataset(parity, "recognition", SPEC)
    task = get_task("recognition", rec.vocab, aux="next-symbol")
    batch = next(rec.splits["validation"].batches(8))
    with pytest.raises(LanglabError, match="aux_targets=True"):
        task.loss(torch.zeros(*batch.tokens.shape, 1 + rec.vocab.n_outputs), batch)


def test_paper_conventions_by_language():
    from langlab.data.targets import convention
    from langlab.languages.automaton import DFALanguage

    ones = langlab.load_language("tomita-1")                       # paper_targets: no-eos
    assert convention(ones, "paper").columns == (0, 1)            # no end bit
    other = DFALanguage("mine", ("a", "b", "c"), 0, {0}, {0: {"a": 0}})
    assert convention(other, "paper").columns == (0, 1, 2, 3)     # everything, after symbols
    assert convention(other, "paper").first_position == 1
    other.paper_targets = "membership"                              # as a file may say
    assert convention(other, "paper").columns == (3,)
    other.paper_targets = "bits"
    with pytest.raises(LanglabError, match="paper_targets must be one of"):
        convention(other, "paper")


def test_one_options_dict_serves_dataset_and_task(parity, tmp_path):
    options = {"aux": "next-symbol", "aux_weight": 0.3, "edit_fraction": 0.25}
    ds = build_dataset(parity, "recognition", SPEC, cache_dir=tmp_path, **options)
    assert ds.options == {"aux_targets": True, "edit_fraction": 0.25}   # only what shapes data
    assert next(ds.splits["validation"].batches(8)).next is not None
    task = get_task("recognition", ds.vocab, **options)
    assert task.options == {"threshold": 0.5, "aux": "next-symbol", "aux_weight": 0.3,
                            "lm_loss": 0.0, "next_loss": 0.0}
    # head-only options do not change the data, so they share its cache entry
    again = build_dataset(parity, "recognition", SPEC, cache_dir=tmp_path,
                          **{**options, "aux_weight": 2.0})
    assert again.from_cache and again.key == ds.key
