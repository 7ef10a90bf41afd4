"""The summary table of ``langlab run / train / status`` stays legible in an 80-column terminal."""

from __future__ import annotations

import io

import pytest

SIX = [(1, 50), (51, 100), (101, 150), (151, 200), (201, 250), (251, 300)]


def cells(seeds: int, bins=SIX, languages=("dyck-1", "flare/binary-addition"),
          columns=("rnn", "lstm", "transformer")):
    from langlab.harness.results import summarize

    rows = []
    for lang in languages:
        for col in columns:
            for seed in range(seeds):
                metrics = {"validation": {"accuracy": 1.0, "loss": 0.1}}
                metrics.update({f"test-{lo}-{hi}": {"accuracy": round(0.987 - 0.1 * i - 0.01 * seed, 3)}
                                for i, (lo, hi) in enumerate(bins)})
                rows.append({"language": lang, "column": col, "config_id": "c", "seed": seed,
                             "status": "done", "metrics": metrics})
    return summarize(rows)


def render(c, width: int = 80) -> str:
    from rich.console import Console

    from langlab.cli.run_cmd import summary_table
    from langlab.harness.results import test_bins

    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(summary_table(c, ["validation", *test_bins(c)], "title", width))
    return console.file.getvalue()


@pytest.mark.parametrize("seeds", [1, 3])
@pytest.mark.parametrize("bins", [SIX, SIX[:3]])
def test_summary_fits_80_columns_without_truncation(seeds, bins):
    text = render(cells(seeds, bins))
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for name in ("dyck-1", "flare/binary-addition", "transformer", "val", "251-300" if bins == SIX else "101-150"):
        assert name in text
    assert "98.7" in text
    assert ("±" in text) == (seeds > 1)  # no mean ± sd line for a single seed


def test_few_bins_keep_one_row_per_language_and_model():
    text = render(cells(1, SIX[:3], languages=("dyck-1",)))
    assert "dyck-1 " in text and "│ lstm" in text  # a model column entry, not transposed
    wide = render(cells(1, SIX), width=80)
    assert "│ bin" in wide or "bin " in wide  # six bins: transposed to fit
