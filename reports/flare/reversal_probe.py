"""Does the LSTM compare the two halves of an Unmarked Reversal string (w w^R over {0, 1})?

    python reports/flare/reversal_probe.py RUN_DIR       # a `langlab run suites/flare.yaml` folder

The committed report keeps no weights, so this reads a run folder of your own that has them.
For every finished `flare/unmarked-reversal` run of that folder it scores strings made for the
question, at even lengths 322-500 (the test's last bin), 400 of each kind, drawn with a fixed seed:

- ``members``: w w^R, w uniform;
- ``one flip``: a member with one symbol flipped at a uniform position, so exactly one mirrored
  pair differs (even length, the same counts of everything a finite-state check could count
  up to one symbol);
- ``flip, 1st half`` / ``flip, 2nd half``: the same with the flip in one half only;
- ``flip, near centre``: the flip within 8 symbols of the centre;
- ``mirror flip``: both symbols of one mirrored pair flipped, which keeps the string a member;
- ``uniform``: uniform strings of even length (members with probability 2^-n/2);
- ``D = 0`` / ``D = ±4, ±8`` / ``D = ±2, ±6``: uniform strings of even length, kept when their
  imbalance D (1s at even positions minus 1s at odd positions, 0 for every member) is as
  named. None of them is a member (to within 2^-160). A model that checks D modulo 4, a
  finite-state property, accepts the first two and rejects the third.

It prints, per run, the share each kind is accepted: a model that compares the halves accepts
members and mirror flips and rejects every one-flip string, wherever the flip is.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

KINDS = ("members", "one flip", "flip, 1st half", "flip, 2nd half", "flip, near centre",
         "mirror flip", "uniform", "D = 0", "D = ±4, ±8", "D = ±2, ±6")
N, LENGTHS = 400, range(322, 501, 2)


def flip(s: list[str], i: int) -> None:
    s[i] = "1" if s[i] == "0" else "0"


def imbalance(s: list[str]) -> int:
    """D: the 1s at even positions minus the 1s at odd positions. A member w w^R of even length
    has D = 0 (position i and its mirror n-1-i have opposite parity), and one flip moves D by 1."""
    return s[0::2].count("1") - s[1::2].count("1")


def strings(kind: str, rng: random.Random) -> list[list[str]]:
    out = []
    for _ in range(N):
        n = rng.choice(LENGTHS)
        half = [rng.choice("01") for _ in range(n // 2)]
        s = half + half[::-1]
        if kind == "one flip":
            flip(s, rng.randrange(n))
        elif kind == "flip, 1st half":
            flip(s, rng.randrange(n // 2))
        elif kind == "flip, 2nd half":
            flip(s, rng.randrange(n // 2, n))
        elif kind == "flip, near centre":
            flip(s, rng.randrange(n // 2 - 8, n // 2 + 8))
        elif kind == "mirror flip":
            i = rng.randrange(n // 2)
            flip(s, i)
            flip(s, n - 1 - i)
        elif kind == "uniform":
            s = [rng.choice("01") for _ in range(n)]
        elif kind.startswith("D ="):   # uniform strings of even length with that imbalance
            want = {"D = 0": {0}, "D = ±4, ±8": {4, 8}, "D = ±2, ±6": {2, 6}}[kind]
            while abs(imbalance(s := [rng.choice("01") for _ in range(n)])) not in want:
                pass
        out.append(s)
    return out


def accepted(loaded, batch: list[list[str]]) -> float:
    import torch

    ids = [loaded.vocab.encode(s) for s in batch]
    lengths = torch.tensor([len(x) for x in ids])
    tokens = torch.zeros(len(ids), int(lengths.max()), dtype=torch.long)
    for row, x in enumerate(ids):
        tokens[row, :len(x)] = torch.tensor(x)
    with torch.no_grad():
        out = loaded.head(loaded.model(tokens, lengths))
    logits = out[torch.arange(len(ids)), lengths - 1, 0]
    return float((logits > loaded.task.cut()).float().mean())


def main(run_dir: str) -> None:
    import torch

    from langlab.harness.weights import done_rows, load_run

    torch.set_num_threads(1)
    rng = random.Random(20261202)
    sets = {k: strings(k, rng) for k in KINDS}
    lang = "flare/unmarked-reversal"
    from langlab import load_language

    member = load_language(lang).accepts   # the language's own check on what was built
    for kind, batch in sets.items():
        share = sum(member("".join(s)) for s in batch) / len(batch)
        if kind in ("members", "mirror flip"):
            assert share == 1.0, (kind, share)
        elif kind in KINDS[1:5]:
            assert share == 0.0, (kind, share)
    rows = [r for r in done_rows(Path(run_dir), lang) if r["column"] == "lstm"]
    print("| seed | trial | test 321-500 | " + " | ".join(KINDS) + " |")
    print("|---|---|---:|" + "---:|" * len(KINDS))
    for row in sorted(rows, key=lambda r: (r["seed"], r["config_id"])):
        loaded = load_run(run_dir, row)
        test = row["metrics"]["test-321-500"]["accuracy"]
        cells = [f"{100 * accepted(loaded, sets[k]):.1f}" for k in KINDS]
        print(f"| {row['seed']} | {row['config_id'][:6]} | {100 * test:.1f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python reports/flare/reversal_probe.py RUN_DIR")
    main(sys.argv[1])
