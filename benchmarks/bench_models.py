"""Training throughput of every model, side by side with plain ``nn.LSTM``.

Measures tokens per second of a full training step (forward, per-position cross-entropy through
a linear head, backward, Adam step) at the sizes of Bhattamishra et al. 2020 (width 64, 1-2
layers, batch 64, lengths 50 and 150), on 1 and 2 threads. Each repeat is a separate Python
process (fresh allocator and thread pools, interleaved in time with the others), and the table
shows the median over repeats, the spread (max - min) / median, and the ratio to the baseline.

    python benchmarks/bench_models.py                # 5 repeats, markdown table on stdout
    python benchmarks/bench_models.py --repeats 3 --min-time 0.3 --json out.json

CPU numbers on a shared machine are noisy: read the spread column before the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH, VOCAB, WIDTH = 64, 6, 64
LENGTHS, THREADS = (50, 150), (1, 2)
BASELINE = "nn.LSTM (baseline)"
# name shown -> (registry name, settings); width 64 everywhere (the 2020 paper's larger size).
MODELS: dict[str, tuple[str, dict]] = {
    BASELINE: ("", {}),
    "lstm": ("lstm", {"hidden": WIDTH, "layers": 1}),
    "lstm 2 layers": ("lstm", {"hidden": WIDTH, "layers": 2}),
    "gru": ("gru", {"hidden": WIDTH, "layers": 1}),
    "rnn": ("rnn", {"hidden": WIDTH, "layers": 1}),
    "stack-rnn": ("stack-rnn", {"hidden": WIDTH}),
    "stack-rnn lstm": ("stack-rnn", {"hidden": WIDTH, "controller": "lstm"}),
    "ssm 1 layer": ("ssm", {"d_model": WIDTH, "layers": 1}),
    "ssm 2 layers": ("ssm", {"d_model": WIDTH, "layers": 2}),
    "ssm 2 layers neg": ("ssm", {"d_model": WIDTH, "layers": 2, "negative_eigenvalues": True}),
    "transformer sinusoidal": ("transformer", {"d_model": WIDTH, "heads": 4, "layers": 2, "positional": "sinusoidal"}),
    "transformer rope": ("transformer", {"d_model": WIDTH, "heads": 4, "layers": 2, "positional": "rope"}),
    "transformer alibi": ("transformer", {"d_model": WIDTH, "heads": 4, "layers": 2, "positional": "alibi"}),
    "transformer randomized": ("transformer", {"d_model": WIDTH, "heads": 4, "layers": 2, "positional": "randomized"}),
    # The Tape-RNN at the CHE suite's sizes, and its tape computed by rolling the cells (one
    # gather of the five moved tapes per step, langlab's implementation before the Fourier one).
    "tape-rnn 64 cells": ("tape-rnn", {"hidden": WIDTH, "tape_size": 64, "cell_width": 4, "mlp": 32}),
    "tape-rnn 64 cells, rolls": ("tape-rnn", {"hidden": WIDTH, "tape_size": 64, "cell_width": 4, "mlp": 32}),
    "tape-rnn 512 cells": ("tape-rnn", {"hidden": WIDTH, "tape_size": 512, "cell_width": 4, "mlp": 32}),
    "tape-rnn 512 cells, rolls": ("tape-rnn", {"hidden": WIDTH, "tape_size": 512, "cell_width": 4, "mlp": 32}),
}
ROLLS = ", rolls"


def tape_by_rolls(self, tokens, lengths):
    """The Tape-RNN's forward as it was before the Fourier tape: gather the five moved tapes."""
    import torch

    c = self.config
    B, T = tokens.shape
    M = c.tape_size
    pre = self.input_proj(self.embed(tokens))
    cells = torch.arange(M)
    J = self.jumps(tokens)[..., None] % M
    fixed = torch.stack([cells, (cells + 1) % M, (cells - 1) % M])
    jump = torch.stack([(cells + J) % M, (cells - J) % M], dim=2)
    h, tape = pre.new_zeros(B, c.hidden), pre.new_zeros(B, M, c.cell_width)
    outputs = []
    for t, pre_t in enumerate(pre.unbind(dim=1)):
        h = torch.tanh(pre_t + self.recurrent(torch.cat([h, tape[:, 0]], dim=-1)))
        a = torch.softmax(self.actions(h), dim=-1)[:, :, None, None]
        written = torch.cat([self.write(h)[:, None], tape[:, 1:]], dim=1)
        idx = torch.cat([fixed.expand(B, 3, M), jump[:, t]], dim=1)
        moved = torch.gather(written[:, None].expand(B, 5, M, c.cell_width), 2,
                             idx[..., None].expand(B, 5, M, c.cell_width))
        tape = (a * moved).sum(dim=1)
        outputs.append(torch.cat([h, tape[:, 0]], dim=-1))
    return self.drop(torch.stack(outputs, dim=1)) * self.real_mask(lengths, T)


def baseline_model():
    import torch
    from torch import nn

    class PlainLSTM(nn.Module):  # what one would write without langlab
        def __init__(self):
            super().__init__()
            self.embed, self.rnn, self.output_dim = nn.Embedding(VOCAB, WIDTH), nn.LSTM(WIDTH, WIDTH, batch_first=True), WIDTH

        def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            return self.rnn(self.embed(tokens))[0]

    return PlainLSTM()


def measure(label: str, T: int, threads: int, min_time: float) -> float:
    """Tokens per second of training steps on one random batch (B=64, all rows of length T)."""
    import torch
    from langlab.models import build_model

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    name, settings = MODELS[label]
    model = baseline_model() if label == BASELINE else build_model(name, vocab_size=VOCAB, **settings)
    if label.endswith(ROLLS):
        model.forward = tape_by_rolls.__get__(model)
    head = torch.nn.Linear(model.output_dim, 2)
    opt = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=1e-3)
    tokens = torch.randint(1, VOCAB, (BATCH, T))
    lengths, labels = torch.full((BATCH,), T), torch.randint(0, 2, (BATCH, T))

    def step() -> None:
        loss = torch.nn.functional.cross_entropy(head(model(tokens, lengths)).flatten(0, 1), labels.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()  # warm-up: allocator, kernels, Adam state
    steps, start = 0, time.perf_counter()
    while steps < 2 or time.perf_counter() - start < min_time:
        step()
        steps += 1
    return steps * BATCH * T / (time.perf_counter() - start)


def worker(min_time: float, only: list[str], threads_list: list[int]) -> None:
    results = {}
    for label in only:
        for T in LENGTHS:
            for threads in threads_list:
                results[f"{label}|{T}|{threads}"] = measure(label, T, threads, min_time)
    print(json.dumps(results))


def table(runs: list[dict[str, float]], labels: list[str], threads_list: list[int]) -> str:
    cols = [(T, th) for T in LENGTHS for th in threads_list]
    head = "| model | " + " | ".join(f"T={T}, {th} thr" for T, th in cols) + " |"
    lines = [head, "|" + "---|" * (len(cols) + 1)]
    base = {c: statistics.median(r[f"{BASELINE}|{c[0]}|{c[1]}"] for r in runs) for c in cols}
    for label in labels:
        cells = []
        for T, th in cols:
            vals = [r[f"{label}|{T}|{th}"] for r in runs]
            med = statistics.median(vals)
            spread = (max(vals) - min(vals)) / med * 100
            cells.append(f"{med / 1000:.1f}k ±{spread:.0f}% ({med / base[(T, th)]:.2f}×)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="whole-process repeats")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds timed per cell per repeat")
    parser.add_argument("--models", nargs="*", default=list(MODELS), help="rows (the baseline is always run)")
    parser.add_argument("--threads", type=int, nargs="*", default=list(THREADS), help="torch thread counts")
    parser.add_argument("--json", type=Path, help="also write the raw per-repeat numbers here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        sys.exit(f"unknown rows {unknown}; choose from {list(MODELS)}")
    labels = [BASELINE] + [m for m in args.models if m != BASELINE]
    if args.worker:
        return worker(args.min_time, labels, args.threads)
    runs = []
    for i in range(args.repeats):
        cmd = [sys.executable, __file__, "--worker", "--min-time", str(args.min_time),
               "--threads", *map(str, args.threads), "--models", *labels]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "OMP_NUM_THREADS": "2", "PYTHONPATH": str(ROOT)})
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"repeat {i + 1}/{args.repeats} done", file=sys.stderr)
    print(f"Training tokens/s (forward + backward + Adam), batch {BATCH}, width {WIDTH}; "
          f"median of {args.repeats} processes, ±(max-min)/median, (ratio to {BASELINE}).\n")
    print(table(runs, labels, args.threads))
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "batch": BATCH, "width": WIDTH}, indent=1))


if __name__ == "__main__":
    main()
