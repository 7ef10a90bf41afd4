"""Contract tests for every registered model and every Transformer positional scheme.

Each case must: give (B, T, D) outputs, zero at padding; be causal (later tokens never change
earlier outputs); be padding-invariant; be reproducible from a seed; meet parameter budgets;
and overfit 32 short Dyck-1-like strings.
"""

from __future__ import annotations

import random

import pytest
import torch

from langlab.errors import LanglabError, UnknownNameError
from langlab.models import build_model, list_models
from langlab.models.common import count_parameters, parse_params
from langlab.models.positional import alibi_bias, alibi_slopes, random_positions, rope
from langlab.models.ssm import chunked_scan

SMALL = {  # widths that keep the suite cheap
    "rnn": {"hidden": 32}, "lstm": {"hidden": 32}, "gru": {"hidden": 32},
    "stack-rnn": {"hidden": 32, "stack_depth": 16, "stack_width": 4},
    "tape-rnn": {"hidden": 32, "tape_size": 12, "cell_width": 4, "mlp": 16},
    "ssm": {"d_model": 32, "layers": 2, "chunk": 4},
    "transformer": {"d_model": 32, "heads": 4, "layers": 2},
}
CASES = [("rnn", {}), ("lstm", {}), ("lstm", {"input": "onehot"}), ("gru", {}), ("stack-rnn", {}),
         ("stack-rnn", {"controller": "lstm"}),
         ("tape-rnn", {}), ("tape-rnn", {"mlp": 0}),
         ("ssm", {}), ("ssm", {"negative_eigenvalues": True}), ("transformer", {"norm": "post"})]
CASES += [("transformer", {"positional": p}) for p in ("none", "sinusoidal", "learned", "rope", "alibi")]
CASES += [("transformer", {"positional": "randomized", "randomized_base": b, "random_range": 32})
          for b in ("sinusoidal", "learned", "rope")]
CASES += [("transformer", {"causal": False, "positional": p}) for p in ("sinusoidal", "alibi")]
IDS = [name + "".join(f"-{v}" for v in s.values()) for name, s in CASES]
VOCAB = 5


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def make(name: str, settings: dict, seed: int = 0):
    torch.manual_seed(seed)
    return build_model(name, vocab_size=VOCAB, **{**SMALL[name], **settings})


def random_batch(B: int, T: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, T + 1, (B,), generator=g)
    lengths[0] = T
    tokens = torch.randint(1, VOCAB, (B, T), generator=g)
    tokens[torch.arange(T)[None] >= lengths[:, None]] = 0
    return tokens, lengths


def test_every_registered_model_is_covered():
    assert sorted({name for name, _ in CASES}) == list_models()
    assert list_models() == ["gru", "lstm", "rnn", "ssm", "stack-rnn", "tape-rnn", "transformer"]


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_shapes_and_zero_padding(name, settings):
    model = make(name, settings).eval()
    tokens, lengths = random_batch(4, 9, seed=1)
    out = model(tokens, lengths)
    assert out.shape == (4, 9, model.output_dim) and out.dtype == torch.float32
    assert torch.isfinite(out).all()
    pad = torch.arange(9)[None] >= lengths[:, None]
    assert (out[pad] == 0).all() and (out[~pad].abs().sum(-1) > 0).all()
    assert model.config.vocab_size == VOCAB
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_causal(name, settings):
    """Later tokens never change earlier outputs; for a model that attends both ways
    (``causal: false``) they do, and the model says so."""
    model = make(name, settings).eval()
    assert model.causal == settings.get("causal", True)
    tokens, lengths = random_batch(3, 12, seed=2)
    lengths[:] = 12
    tokens[tokens == 0] = 1
    base = model(tokens, lengths)
    for t in (0, 5, 10):
        changed = tokens.clone()
        changed[:, t + 1:] = tokens[:, t + 1:] % (VOCAB - 1) + 1  # every later token replaced
        out = model(changed, lengths)
        if not model.causal:
            assert not torch.allclose(out[:, : t + 1], base[:, : t + 1], atol=1e-5)
            continue
        torch.testing.assert_close(out[:, : t + 1], base[:, : t + 1], atol=1e-5, rtol=1e-5)
        if t < 10:
            assert not torch.allclose(out[:, t + 1:], base[:, t + 1:]), "later tokens must matter"


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_prefix_state_is_state_after_reading_prefix(name, settings):
    """Running only the prefix gives the same states; randomized positions depend on length."""
    model = make(name, settings).eval()
    tokens, _ = random_batch(2, 10, seed=3)
    tokens[tokens == 0] = 2
    full = model(tokens, torch.tensor([10, 10]))
    prefix = model(tokens[:, :4], torch.tensor([4, 4]))
    same = torch.allclose(full[:, :4], prefix, atol=1e-5)
    assert same != (settings.get("positional") == "randomized" or not model.causal)


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_padding_invariance(name, settings):
    model = make(name, settings).eval()
    tokens, lengths = random_batch(5, 8, seed=4)
    out = model(tokens, lengths)
    wider = torch.cat([tokens, torch.zeros(5, 6, dtype=torch.long)], dim=1)
    junk = wider.clone()  # whatever sits in the padding must not matter either
    pad = torch.arange(14)[None] >= lengths[:, None]
    junk[pad] = torch.randint(1, VOCAB, (int(pad.sum()),))
    for batch in (wider, junk):
        torch.testing.assert_close(model(batch, lengths)[:, :8], out, atol=1e-5, rtol=1e-5)
    for i in range(5):  # alone, without any padding
        n = int(lengths[i])
        alone = model(tokens[i: i + 1, :n], lengths[i: i + 1])
        torch.testing.assert_close(alone[0], out[i, :n], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_same_seed_same_outputs(name, settings):
    tokens, lengths = random_batch(3, 7, seed=5)
    a, b, c = make(name, settings, seed=11), make(name, settings, seed=11), make(name, settings, seed=12)
    for model in (a, b, c):
        model.train()
    torch.manual_seed(3)
    out_a = a(tokens, lengths)
    torch.manual_seed(3)
    torch.testing.assert_close(b(tokens, lengths), out_a, atol=0, rtol=0)
    torch.manual_seed(3)
    assert not torch.allclose(c(tokens, lengths), out_a)


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru", "stack-rnn", "tape-rnn", "ssm", "transformer"])
@pytest.mark.parametrize("budget", ["20k", "64k", 250_000])
def test_parameter_budget_met_within_10_percent(name, budget):
    model = build_model(name, vocab_size=VOCAB, params=budget)
    target = parse_params(budget)
    assert abs(model.num_parameters() - target) <= 0.1 * target
    assert count_parameters(type(model), model.config) == model.num_parameters()


@pytest.mark.parametrize("positional", ["none", "sinusoidal", "learned", "rope", "alibi", "randomized"])
def test_transformer_budget_for_every_scheme(positional):
    model = build_model("transformer", vocab_size=VOCAB, params="64k", positional=positional, layers=1)
    assert abs(model.num_parameters() - 64_000) <= 6_400


def dyck_like_batch(n: int = 32, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """n strings over '(' = 1, ')' = 2 of length 2..12; label at t: is the prefix a Dyck-1 word?"""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        length, depth, row = rng.randint(2, 12), 0, []
        for _ in range(length):  # a walk that mostly stays valid, so both labels occur
            close = depth > 0 and rng.random() < 0.5 or rng.random() < 0.1
            row.append(2 if close else 1)
            depth += -1 if close else 1
        rows.append(row)
    T = max(map(len, rows))
    tokens, labels = torch.zeros(n, T, dtype=torch.long), torch.zeros(n, T, dtype=torch.long)
    for i, row in enumerate(rows):
        depth, ok = 0, True
        for t, sym in enumerate(row):
            depth += 1 if sym == 1 else -1
            ok = ok and depth >= 0
            labels[i, t] = int(ok and depth == 0)
        tokens[i, : len(row)] = torch.tensor(row)
    return tokens, torch.tensor([len(r) for r in rows]), labels


@pytest.mark.parametrize("name,settings", CASES, ids=IDS)
def test_overfits_a_tiny_batch(name, settings):
    tokens, lengths, labels = dyck_like_batch()
    real = torch.arange(tokens.size(1))[None] < lengths[:, None]
    assert 0.1 < labels[real].float().mean() < 0.9
    model = make(name, settings)
    if not model.causal:   # a two-way model is fit to what it is for: the whole string's label
        labels = labels[torch.arange(len(lengths)), lengths - 1][:, None].expand_as(labels)
        assert 0.1 < labels[real].float().mean() < 0.9
    head = torch.nn.Linear(model.output_dim, 2)
    params = [*model.parameters(), *head.parameters()]
    # Transformers spike and stall at 1e-2 on this batch; 1e-3 is their usual rate.
    opt = torch.optim.Adam(params, lr=1e-3 if name == "transformer" else 1e-2)
    accuracy = 0.0
    for step in range(800):  # most cases stop within 200; randomized learned needs ~400
        logits = head(model(tokens, lengths))[real]  # (positions, 2)
        loss = torch.nn.functional.cross_entropy(logits, labels[real])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 20 == 19:
            accuracy = (logits.argmax(-1) == labels[real]).float().mean().item()
            if accuracy == 1.0:
                break
    assert accuracy == 1.0, f"{name} {settings}: training accuracy {accuracy:.3f} after {step + 1} steps"


# ------------------------------------------------------------------------- errors users see

ERRORS = [
    (("lstmm", {}), "unknown model 'lstmm'; did you mean 'lstm'"),
    (("lstm", {"hiden": 64}), "model 'lstm' has no setting 'hiden'; did you mean 'hidden'?"),
    (("transformer", {"positional": "rotary"}), "positional='rotary' is not one of none, sinusoidal"),
    (("transformer", {"positinal": "rope"}), "did you mean 'positional'?"),
    (("transformer", {"d_model": 64, "heads": 3}), "heads=3 must divide d_model=64"),
    (("lstm", {"hidden": "64"}), "setting 'hidden' must be int, got '64'"),
    (("lstm", {"hidden": True}), "setting 'hidden' must be int"),
    (("lstm", {"hidden": 0}), "hidden must be > 0"),
    (("gru", {"dropout": 1.5}), "dropout must be in [0, 1)"),
    (("ssm", {"negative_eigenvalues": "yes"}), "must be bool"),
    (("lstm", {"params": "64q"}), "params must look like 64000, '64k' or '1.5M'"),
    (("lstm", {"params": "64k", "hidden": 32}), "give either params or hidden, not both"),
    (("lstm", {"params": 10}), "cannot meet params=10 within 10%"),
    (("stack-rnn", {"controller": "gru"}), "controller='gru' is not one of rnn, lstm"),
    (("tape-rnn", {"tape_size": 0}), "tape_size must be > 0"),
    (("tape-rnn", {"mlp": -1}), "mlp must be >= 0"),
]


@pytest.mark.parametrize("call,message", ERRORS, ids=[m[:30] for _, m in ERRORS])
def test_bad_settings_get_one_line_errors(call, message):
    name, settings = call
    with pytest.raises(LanglabError) as info:
        build_model(name, vocab_size=VOCAB, **settings)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_unknown_model_is_unknown_name_error_and_bad_vocab():
    with pytest.raises(UnknownNameError):
        build_model("mamba", vocab_size=VOCAB)
    with pytest.raises(LanglabError, match="vocab_size must be an int >= 2"):
        build_model("lstm", vocab_size=1)


def test_positions_beyond_the_learned_table_are_an_error():
    model = build_model("transformer", vocab_size=VOCAB, positional="learned", max_len=8, d_model=8, heads=2)
    model(torch.ones(1, 8, dtype=torch.long), torch.tensor([8]))
    with pytest.raises(LanglabError, match="exceeds the learned positions"):
        model(torch.ones(1, 9, dtype=torch.long), torch.tensor([9]))


# ------------------------------------------------------------------------- components

def sequential_scan(x, a, B, C):
    """The recurrence H_t = a_t H_{t-1} + x_t B_t^T, y_t = H_t C_t, one step at a time."""
    b, T, H, P = x.shape
    state, ys = torch.zeros(b, H, P, B.size(-1), dtype=x.dtype), []
    for t in range(T):
        state = a[:, t, :, None, None] * state + x[:, t, :, :, None] * B[:, t, None, None, :]
        ys.append((state * C[:, t, None, None, :]).sum(-1))
    return torch.stack(ys, dim=1)


@pytest.mark.parametrize("negative", [False, True])
@pytest.mark.parametrize("T,chunk", [(1, 4), (7, 3), (16, 4), (37, 8), (20, 64)])
def test_chunked_scan_matches_the_step_by_step_recurrence(negative, T, chunk):
    g = torch.Generator().manual_seed(T * 10 + chunk)
    x = torch.randn(2, T, 3, 4, generator=g, dtype=torch.float64)
    B, C = (torch.randn(2, T, 5, generator=g, dtype=torch.float64) for _ in range(2))
    a = torch.rand(2, T, 3, generator=g, dtype=torch.float64)
    if negative:
        a = 2 * a - 1
    y = chunked_scan(x, a.abs().log(), (a < 0) if negative else None, B, C, chunk)
    torch.testing.assert_close(y, sequential_scan(x, a, B, C))


def parity_accuracy(negative_eigenvalues: bool) -> float:
    """Train one small SSM layer on prefix parity at length 16; accuracy at length 64."""
    torch.manual_seed(0)
    model = build_model("ssm", vocab_size=3, d_model=16, layers=1, d_state=4, heads=2, d_conv=1,
                        chunk=16, negative_eigenvalues=negative_eigenvalues)
    head = torch.nn.Linear(model.output_dim, 2)
    opt = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=3e-3)

    def batch(B, T):
        tokens = torch.randint(1, 3, (B, T))
        return tokens, torch.full((B,), T), (tokens == 2).cumsum(1) % 2

    for _ in range(300):
        tokens, lengths, parity = batch(32, 16)
        loss = torch.nn.functional.cross_entropy(head(model(tokens, lengths)).flatten(0, 1), parity.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
    tokens, lengths, parity = batch(64, 64)
    return (head(model.eval()(tokens, lengths)).argmax(-1) == parity).float().mean().item()


@pytest.mark.parametrize("negative", [False, True])
def test_chunked_scan_float32_stays_close_to_float64(negative):
    """Long chunks with strong and near-zero decays: the in-chunk log differences stay exact enough."""
    g = torch.Generator().manual_seed(7)
    x = torch.randn(2, 200, 2, 4, generator=g, dtype=torch.float64)
    B, C = (torch.randn(2, 200, 3, generator=g, dtype=torch.float64) for _ in range(2))
    a = torch.rand(2, 200, 2, generator=g, dtype=torch.float64) ** 4  # many tiny decays
    a = 2 * a - 1 if negative else a
    a = a.where(a.abs() > 1e-6, torch.full_like(a, 1e-6))  # the model clamps |a| at 1e-6 too
    ref = sequential_scan(x, a, B, C)
    y = chunked_scan(x.float(), a.abs().log().float(), (a < 0) if negative else None, B.float(), C.float(), 64)
    torch.testing.assert_close(y.double(), ref, atol=1e-4, rtol=1e-4)


def test_negative_eigenvalues_let_one_ssm_layer_track_parity():
    """Grazzi et al. 2025: with transitions in (-1, 1) one layer learns parity and runs it at
    4x the training length; with transitions in (0, 1) it cannot."""
    assert parity_accuracy(negative_eigenvalues=True) > 0.99
    assert parity_accuracy(negative_eigenvalues=False) < 0.75


def test_rope_scores_depend_only_on_relative_position():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(1, 1, 1, 7, generator=g), torch.randn(1, 1, 1, 7, generator=g)  # odd width too
    def score(i, j):
        return (rope(q, torch.tensor([[i]])) * rope(k, torch.tensor([[j]]))).sum()
    torch.testing.assert_close(score(3, 1), score(103, 101))
    assert not torch.allclose(score(3, 1), score(3, 2))


def test_alibi_matches_the_paper():
    # Press et al. 2022: for 8 heads the slopes are 1/2, 1/4, ..., 1/256.
    torch.testing.assert_close(alibi_slopes(8), torch.tensor([2.0 ** -i for i in range(1, 9)]))
    assert alibi_slopes(6).tolist()[:4] == alibi_slopes(4).tolist()
    bias = alibi_bias(2, 3, torch.device("cpu"))[0, 0]  # slope 1/16
    assert bias[2, 0] == -2 / 16 and bias[2, 2] == 0 and bias[0, 1] == float("-inf")


def test_random_positions():
    lengths = torch.tensor([5, 2, 5])
    torch.manual_seed(0)
    train = random_positions(lengths, 6, 50, training=True)
    for row, n in zip(train, lengths.tolist()):
        real = row[:n]
        assert (real.diff() > 0).all() and real.min() >= 0 and real.max() < 50
    assert not torch.equal(train, random_positions(lengths, 6, 50, training=True))
    evals = random_positions(lengths, 6, 50, training=False)
    assert torch.equal(evals[0], evals[2]) and torch.equal(evals, random_positions(lengths, 6, 50, training=False))
    torch.testing.assert_close(random_positions(lengths, 9, 50, training=False)[:, :5], evals[:, :5])


def test_tape_rnn_jumps_by_the_input_length_at_the_blanks():
    from langlab.models.tape_rnn import TapeRNNEncoder

    tokens = torch.tensor([[1, 2, 2, 3, 4, 4, 4, 4]])   # BOS, x = 2 2 3, then four blanks (4)
    assert TapeRNNEncoder.jumps(tokens).tolist() == [[0, 1, 1, 3, 4, 4, 4, 4]]


def test_onehot_input_feeds_the_recurrent_layer_the_token_vectors():
    """The 2020 paper's LSTM reads one-hot tokens: no embedding, input width = vocabulary."""
    from langlab.models import build_model

    m = build_model("lstm", vocab_size=VOCAB, hidden=64, input="onehot")
    assert m.embed is None and m.rnn.input_size == VOCAB
    assert m.num_parameters() == 4 * 64 * (VOCAB + 64) + 2 * 4 * 64
    torch.manual_seed(0)
    default = build_model("lstm", vocab_size=VOCAB, hidden=8)
    torch.manual_seed(0)
    explicit = build_model("lstm", vocab_size=VOCAB, hidden=8, input="embedding")
    assert all(torch.equal(a, b) for a, b in zip(default.state_dict().values(),
                                                 explicit.state_dict().values()))


@pytest.mark.parametrize("controller", ["rnn", "lstm"])
def test_a_stack_deeper_than_the_input_changes_no_number(controller):
    """T steps push at most T values, so the Stack-RNN cuts its stack to min(stack_depth, T)
    rows: outputs and gradients are bit-identical for every depth >= T, and a shallower stack
    (which loses pushed values) differs."""
    def run(depth):
        torch.manual_seed(0)
        model = build_model("stack-rnn", vocab_size=VOCAB, hidden=8, stack_depth=depth,
                            stack_width=3, controller=controller)
        tokens = torch.randint(1, VOCAB, (3, 12), generator=torch.Generator().manual_seed(1))
        out = model(tokens, torch.tensor([12, 9, 5]))
        out.pow(2).sum().backward()
        return out.detach(), [p.grad.clone() for p in model.parameters()]

    ref_out, ref_grads = run(12)
    for depth in (13, 40, 512):
        out, grads = run(depth)
        assert torch.equal(out, ref_out)
        assert all(torch.equal(a, b) for a, b in zip(grads, ref_grads))
    assert not torch.equal(run(2)[0], ref_out)


def _tape_by_shifts(model, tokens):
    """The Tape-RNN's recurrence written directly on the cells, as CHE states it: write under
    the head, then the soft sum of the tape rolled by 0, +1, -1, +J, -J."""
    c = model.config
    B, T = tokens.shape
    pre = model.input_proj(model.embed(tokens))
    J = model.jumps(tokens)
    h, tape = pre.new_zeros(B, c.hidden), pre.new_zeros(B, c.tape_size, c.cell_width)
    outs = []
    for t in range(T):
        h = torch.tanh(pre[:, t] + model.recurrent(torch.cat([h, tape[:, 0]], dim=-1)))
        a = torch.softmax(model.actions(h), dim=-1)
        written = torch.cat([model.write(h)[:, None], tape[:, 1:]], dim=1)
        rows = []
        for b in range(B):
            j = int(J[b, t])
            moved = [torch.roll(written[b], -s, dims=0) for s in (0, 1, -1, j, -j)]
            rows.append(sum(a[b, k] * moved[k] for k in range(5)))
        tape = torch.stack(rows)
        outs.append(torch.cat([h, tape[:, 0]], dim=-1))
    return torch.stack(outs, dim=1)


@pytest.mark.parametrize("tape_size", [1, 2, 7, 8, 40])
def test_the_tape_in_the_fourier_domain_is_the_tape_of_shifts(tape_size):
    """The encoder keeps the tape as its DFT (a shift is a product there); it must compute the
    same outputs and gradients as rolling the cells, on odd and even tapes, jumps beyond the
    tape's size included."""
    torch.manual_seed(0)
    model = build_model("tape-rnn", vocab_size=VOCAB, hidden=8, tape_size=tape_size,
                        cell_width=3, mlp=5).double()
    tokens = torch.randint(1, VOCAB, (3, 25), generator=torch.Generator().manual_seed(2))
    tokens[0, 10:] = VOCAB - 1                                  # a long run: J = 10 > some tapes
    lengths = torch.full((3,), 25)
    out = model(tokens, lengths)
    ref = _tape_by_shifts(model, tokens)
    torch.testing.assert_close(out, ref, rtol=1e-9, atol=1e-10)
    grads = torch.autograd.grad(out.pow(2).sum(), list(model.parameters()))
    ref_grads = torch.autograd.grad(ref.pow(2).sum(), list(model.parameters()))
    for g, r in zip(grads, ref_grads):
        torch.testing.assert_close(g, r, rtol=1e-8, atol=1e-10)


def test_rnn_nonlinearity_is_a_setting_and_tanh_stays_the_default():
    tokens, lengths = torch.tensor([[1, 2, 1, 1, 2, 1, 1, 1]]), torch.tensor([8])
    out = {}
    for settings in ({}, {"nonlinearity": "tanh"}, {"nonlinearity": "relu"}):
        torch.manual_seed(0)
        m = build_model("rnn", vocab_size=3, hidden=16, **settings)
        with torch.no_grad():
            for p in m.parameters():   # large weights: tanh saturates at 1, relu does not
                p.mul_(4)
            out[settings.get("nonlinearity", "default")] = m(tokens, lengths)
    assert torch.equal(out["default"], out["tanh"])
    assert out["tanh"].abs().max() <= 1 and out["relu"].min() >= 0
    assert out["relu"].max() > 1
    with pytest.raises(LanglabError, match="nonlinearity='sigmoid' is not one of tanh, relu"):
        build_model("rnn", vocab_size=3, nonlinearity="sigmoid")
    with pytest.raises(LanglabError, match="no setting 'nonlinearity'"):
        build_model("lstm", vocab_size=3, nonlinearity="relu")
