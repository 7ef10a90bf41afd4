"""``langlab data``: JSON Lines export, spec.yaml, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml
from typer.testing import CliRunner

import langlab
from langlab.cli import app
from langlab.data import LengthBin, SplitSpec
from langlab.tasks import build_dataset

ARGS = ["--train", "1-10:60", "--validation", "1-10:12", "--test", "11-14:20", "--test", "15-18:9"]


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_next_symbol_export_matches_the_language(tmp_path):
    res = CliRunner().invoke(app, ["data", "parity", "--task", "next-symbol", "--out",
                                   str(tmp_path), *ARGS])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["spec.yaml", "test-11-14.jsonl", "test-15-18.jsonl", "train.jsonl",
                     "validation.jsonl"]
    lang = langlab.load_language("parity")
    order = {t: i for i, t in enumerate((*lang.alphabet, langlab.EOS))}
    seen = set()
    for name, size in (("train", 60), ("validation", 12), ("test-11-14", 20), ("test-15-18", 9)):
        rows = read_jsonl(tmp_path / f"{name}.jsonl")
        assert len(rows) == size
        for row in rows:
            toks = tuple(row["tokens"])
            assert row["label"] == 1 and lang.accepts(toks)
            assert [set(x) for x in row["next"]] == [set(lang.next_symbols(toks[:i]))
                                                     for i in range(len(toks) + 1)]
            assert all(x == sorted(x, key=order.get) for x in row["next"])
            assert toks not in seen
            seen.add(toks)
    doc = yaml.safe_load((tmp_path / "spec.yaml").read_text())
    assert doc["language"] == "parity" and doc["task"] == "next-symbol"
    assert doc["split"]["test"] == [{"lo": 11, "hi": 14, "size": 20},
                                    {"lo": 15, "hi": 18, "size": 9}]
    assert SplitSpec(**doc["split"]).test[1] == LengthBin(15, 18, 9)   # the spec round-trips
    names = ("train", "validation", "test-11-14", "test-15-18")
    assert [f["file"] for f in doc["files"]] == [n + ".jsonl" for n in names]
    assert doc["token_ids"] == {"<pad>": 0, "<bos>": 1, "0": 2, "1": 3}


def test_recognition_export_has_null_next_for_negatives(tmp_path):
    res = CliRunner().invoke(app, ["data", "parity", "--task", "recognition", "--out",
                                   str(tmp_path), *ARGS])
    assert res.exit_code == 0, res.output
    lang = langlab.load_language("parity")
    rows = read_jsonl(tmp_path / "test-15-18.jsonl")
    assert sum(r["label"] for r in rows) == 5 and len(rows) == 9
    for r in rows:
        assert lang.accepts(r["tokens"]) == bool(r["label"])
        assert (r["next"] is None) == (r["label"] == 0)
    res = CliRunner().invoke(app, ["data", "parity", "--task", "recognition", "--no-next",
                                   "--out", str(tmp_path / "plain"), *ARGS])
    assert all(r["next"] is None for r in read_jsonl(tmp_path / "plain" / "train.jsonl"))


def test_export_equals_the_built_dataset(tmp_path):
    from langlab.data.export import example_rows, export_dataset

    spec = SplitSpec(train=LengthBin(2, 6, 30), validation=LengthBin(2, 6, 5),
                     test=[LengthBin(7, 9, 8)], seed=4)
    ds = build_dataset("parity", "next-symbol", spec, target_mode="paper")
    export_dataset(ds, tmp_path)
    for name in ds.splits:
        assert read_jsonl(tmp_path / f"{name}.jsonl") == example_rows(ds, name)
    doc = yaml.safe_load((tmp_path / "spec.yaml").read_text())
    assert doc["targets"] == {"outputs": ["0", "1", "<eos>"], "scored_outputs": ["<eos>"],
                              "first_scored_position": 1}


def test_bad_input_is_one_line_error(tmp_path, monkeypatch, capsys):
    import pytest

    from langlab.cli import main

    for args, message in ((["--task", "recog"], "did you mean 'recognition'"),
                          (["--train", "1-50"], "expected LO-HI:SIZE"),
                          (["--train", "9-3:5"], "hi < lo"),
                          (["--distribution", "paper"], "unknown distribution of parity")):
        monkeypatch.setattr(sys, "argv", ["langlab", "data", "parity", "--out", str(tmp_path),
                                          *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_data_help_does_not_import_torch():
    code = ("import sys; from typer.testing import CliRunner; from langlab.cli import app; "
            "r = CliRunner().invoke(app, ['data', '--help']); "
            "assert r.exit_code == 0 and '--task' in r.output; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
