"""Export a dataset as JSON Lines, one file per split, plus ``spec.yaml`` (see docs/data-format.md).

Each line is one example::

    {"tokens": ["0", "1", "1"], "label": 1, "next": [["0", "1", "<eos>"], ["0", "1"], ...]}

``next`` holds ``n + 1`` sets (after the empty prefix, after 1 token, ..., after the whole
string), each listed in output order (alphabet order, then ``"<eos>"``); it is ``null`` for
non-members and when the dataset was built without next-symbol targets. A recognition dataset
with FLaRe's negatives (``negatives: flare``) adds ``"edits"``: 0 for a member, the number of
edits applied for an edited negative, -1 for a uniform random one.

>>> import tempfile, json, langlab
>>> from langlab.data import DataRequest, LengthBin, SplitSpec, make_dataset
>>> ds = make_dataset("parity", DataRequest("next-symbol"), SplitSpec(train=LengthBin(1, 5, 10),
...                   validation=LengthBin(1, 5, 4), test=[LengthBin(6, 8, 5)]))
>>> out = tempfile.mkdtemp()
>>> [p.name for p in export_dataset(ds, out)]
['train.jsonl', 'validation.jsonl', 'test-6-8.jsonl', 'spec.yaml']
>>> row = json.loads(open(out + "/test-6-8.jsonl").readline())
>>> sorted(row), len(row["next"]) == len(row["tokens"]) + 1
(['label', 'next', 'tokens'], True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from langlab.data.cache import DATA_VERSION
from langlab.data.splits import Dataset


def example_rows(ds: Dataset, split: str) -> list[dict[str, Any]]:
    """The JSON objects of one split, in the split's order. A transduction dataset's rows are
    ``{"input": x, "output": f(x)}`` (the model reads ``x`` and one ``<blank>`` per output
    token)."""
    order = ds.vocab.output_index
    rows = []
    if ds.vocab.targets.mode == "transduction":
        for e in ds.splits[split].examples:
            out = [min(x) for x in e.next if x]
            rows.append({"input": list(e.tokens[:len(e.tokens) - len(out)]), "output": out})
        return rows
    edits = ds.splits[split].arrays.edits   # recorded by FLaRe's negatives only
    for r, e in enumerate(ds.splits[split].examples):
        nxt = None if e.next is None else [sorted(x, key=order) for x in e.next]
        row = {"tokens": list(e.tokens), "label": e.label, "next": nxt}
        if edits is not None:
            row["edits"] = int(edits[r])
        rows.append(row)
    return rows


def spec_document(ds: Dataset) -> dict[str, Any]:
    """What ``spec.yaml`` holds: the recipe, the vocabulary, the target convention, the splits."""
    import langlab

    conv = ds.vocab.targets
    return {
        "langlab_version": langlab.__version__,
        "data_version": DATA_VERSION,
        "language": ds.language,
        "alphabet": list(ds.vocab.alphabet),
        "task": ds.task,
        "task_options": dict(ds.options),
        "target_mode": ds.target_mode,
        "targets": {"outputs": list(ds.vocab.outputs),
                    "scored_outputs": [ds.vocab.outputs[i] for i in conv.columns],
                    "first_scored_position": conv.first_position},
        "token_ids": {t: i for i, t in enumerate(ds.vocab.tokens)},
        "split": ds.spec.model_dump(mode="json"),
        "files": [{"split": s.name, "file": f"{s.name}.jsonl", "lengths": str(s.bin),
                   "n": len(s), "n_requested": s.n_requested, "n_distinct": s.n_distinct,
                   "n_positive": int(s.arrays.labels.sum()), "notes": list(s.notes)}
                  for s in ds.splits.values()],
        "cache_key": ds.key,
    }


def export_dataset(ds: Dataset, out_dir: Path | str) -> list[Path]:
    """Write ``<split>.jsonl`` for every split and ``spec.yaml`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ds.splits:
        path = out / f"{name}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for row in example_rows(ds, name):
                f.write(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) + "\n")
        written.append(path)
    path = out / "spec.yaml"
    path.write_text(yaml.safe_dump(spec_document(ds), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    written.append(path)
    return written
