"""Splits read from data files (``split.files``, ``langlab data-import``): the three formats,
every bad input as one ``FILE:LINE`` message, and the peers' real data in ``../shared/external``.

Fixture folders are written by the tests themselves (``tmp_path``); the tests on the peers' data
skip where ``../shared/external`` is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_languages_bhattamishra_data import FOLDERS
from typer.testing import CliRunner

import langlab
from langlab.cli import app
from langlab.data import DataRequest, FileSource, LengthBin, SplitSpec, make_dataset
from langlab.data.export import export_dataset
from langlab.data.files import READERS, read_folder
from langlab.errors import LanglabError
from langlab.tasks import build_dataset

ROOT = Path(__file__).resolve().parent.parent
BITS = ("0", "1")


# ----------------------------------------------------------------- fixture writers
def write_flare(folder: Path, splits: dict[str, list[tuple[str, int]]]) -> Path:
    """``splits["train"]`` at the top, every other in ``datasets/<name>/``; strings as FLaRe
    writes them (tokens joined by spaces)."""
    for name, rows in splits.items():
        where = folder if name == "train" else folder / "datasets" / name
        where.mkdir(parents=True, exist_ok=True)
        (where / "main.tok").write_text("".join(f"{s}\n" for s, _ in rows))
        (where / "labels.txt").write_text("".join(f"{y}\n" for _, y in rows))
    return folder


def parity_rows(strings: list[str]) -> list[tuple[str, int]]:   # flare/parity: odd number of 1s
    return [(" ".join(s), s.count("1") % 2) for s in strings]


def small_flare(tmp_path: Path) -> Path:
    train = parity_rows(["", "1", "0", "11", "10", "01", "111", "0110", "1000", "1101"])
    return write_flare(tmp_path / "parity", {
        "train": train,
        "validation-long": parity_rows(["1" * 12, "0" * 9 + "1", "10" * 7, "0" * 11]),
        "test-short-held-out": parity_rows(["0100", "11100", "101", "000"]),
    })


def write_bhattamishra(folder: Path, train: list[str], bins: list[list[str]],
                       info: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train_src.txt").write_text("".join(f"{s}\n" for s in train))
    for k, b in enumerate(bins):
        (folder / f"val_src_bin{k}.txt").write_text("".join(f"{s}\n" for s in b))
    if info is not None:
        (folder / "data_info.json").write_text(json.dumps(info))
    return folder


def dyck1_folder(tmp_path: Path) -> Path:
    return write_bhattamishra(
        tmp_path / "Dyck-1", ["()", "(())", "()()", "()"], [["()()", "(()())"], ["((()))()"]],
        {"Train Lengths": [2, 4], "Val Bin-0 Lengths": [2, 6], "Val Bin-1 Lengths": [8, 8]})


def files_spec(fmt: str, path: Path, validation: int = 0) -> SplitSpec:
    return SplitSpec(files=FileSource(format=fmt, path=str(path), validation=validation))


def members_only(next_sets: bool = False) -> DataRequest:
    return DataRequest("next-symbol", next_sets=next_sets)


def recognition() -> DataRequest:
    return DataRequest("recognition", negatives=True, next_sets=False)


# ----------------------------------------------------------------- flare
def test_flare_reader_names_and_tokens(tmp_path):
    folder = small_flare(tmp_path)
    read = read_folder("flare", folder, BITS)
    assert [fs.name for fs in read] == ["train", "validation-long", "test-3-5"]
    train = read[0]
    assert train.strings[:3] == [(), ("1",), ("0",)]       # an empty line is the empty string
    assert train.labels[:3] == [0, 1, 0] and train.lines[:3] == [1, 2, 3]
    assert (train.lo, train.hi) == (0, 4)
    assert read[2].notes == ["FLaRe's split test-short-held-out"]
    assert read[2].path == folder / "datasets" / "test-short-held-out" / "main.tok"


def test_flare_multi_character_tokens(tmp_path):
    lang = langlab.load_language("flare/stack-manipulation")
    folder = write_flare(tmp_path / "sm", {"train": [("0 1 PUSH 0 # 0 1 0", 1),
                                                     ("0 POP # 0", 0)]})
    read = read_folder("flare", folder, lang.alphabet)
    assert read[0].strings[0] == ("0", "1", "PUSH", "0", "#", "0", "1", "0")
    assert [lang.accepts(s) for s in read[0].strings] == [True, False]


def test_flare_dataset_holds_out_validation_and_drops_wrong_labels(tmp_path):
    folder = small_flare(tmp_path)
    tok = folder / "main.tok"
    labels = (folder / "labels.txt").read_text().splitlines()
    labels[3] = "1"                            # line 4, "1 1", is no member of flare/parity
    (folder / "labels.txt").write_text("\n".join(labels) + "\n")
    lang = langlab.load_language("flare/parity")
    ds = make_dataset(lang, recognition(), files_spec("flare", folder, validation=3))
    assert list(ds.splits) == ["train", "validation", "validation-long", "test-3-5"]
    train, val = ds.splits["train"], ds.splits["validation"]
    assert len(train) + len(val) == 9          # 7 + 3 held out, line 4 dropped from one
    assert "held out from main.tok (3 strings)" in val.notes
    held = [n for s in ds.splits.values() for n in s.notes if "labelled wrongly" in n]
    assert held == [f"1 string(s) labelled wrongly by the file, dropped (first: {tok}:4, "
                    f"'11' labelled 1)"]
    assert ds.splits["validation-long"].bin == LengthBin(10, 14, 4)
    for s in ds.splits.values():
        assert all(lang.accepts(e.tokens) == bool(e.label) for e in s.examples)


def test_flare_for_next_symbol_keeps_members_only(tmp_path):
    lang = langlab.load_language("flare/parity")
    ds = make_dataset(lang, members_only(next_sets=True), files_spec("flare", small_flare(tmp_path)))
    train = ds.splits["train"]
    assert len(train) == 6 and all(e.label == 1 for e in train.examples)
    assert "4 non-member(s) left out: the next-symbol task reads members only" in train.notes
    assert "no held-out validation in the files: validation is the training split itself" \
        in ds.splits["validation"].notes
    e = train.examples[0]
    assert [set(x) for x in e.next] == [set(lang.next_symbols(e.tokens[:i]))
                                        for i in range(len(e.tokens) + 1)]


# ----------------------------------------------------------------- bhattamishra2020
def test_bhattamishra_reader_bins_and_end_token(tmp_path):
    read = read_folder("bhattamishra2020", dyck1_folder(tmp_path), ("(", ")"))
    assert [fs.name for fs in read] == ["train", "test-2-6", "test-8-8"]
    assert all(set(fs.labels) == {1} for fs in read)
    folder = write_bhattamishra(tmp_path / "ab", ["abT", "aabbT"], [["abbT"]])
    read = read_folder("bhattamishra2020", folder, ("a", "b"))
    assert read[0].strings == [("a", "b"), ("a", "a", "b", "b")]
    assert read[1].name == "test-3-3"                      # no data_info.json: observed lengths
    assert read[0].notes == ["the paper's end token 'T' removed from every string"]


def test_bhattamishra_info_with_the_papers_bad_escapes(tmp_path):
    """The published Concatv1 ``data_info.json`` puts a backslash before ``{``, which JSON
    forbids; the reader takes it literally and says so."""
    folder = dyck1_folder(tmp_path)
    text = (folder / "data_info.json").read_text()
    (folder / "data_info.json").write_text(text[:-1] + ', "Lang": "\\{a,b\\}*"}')
    read = read_folder("bhattamishra2020", folder, ("(", ")"))
    assert [fs.name for fs in read] == ["train", "test-2-6", "test-8-8"]
    assert read[0].notes == ["data_info.json: backslashes that JSON does not allow read as "
                             "backslashes"]


def test_bhattamishra_dataset_counts_duplicates_and_overlaps(tmp_path):
    lang = langlab.load_language("dyck-1")
    ds = make_dataset(lang, members_only(), files_spec("bhattamishra2020", dyck1_folder(tmp_path)))
    train, test = ds.splits["train"], ds.splits["test-2-6"]
    assert (len(train), train.n_distinct) == (4, 3)
    assert "1 duplicate(s) within the split, kept as in the file (3 distinct of 4)" in train.notes
    assert "1 distinct string(s) also in train, kept as in the files" in test.notes
    with pytest.raises(LanglabError, match="the files hold members only; the recognition task"):
        make_dataset(lang, recognition(), files_spec("bhattamishra2020", dyck1_folder(tmp_path)))


# ----------------------------------------------------------------- jsonl
@pytest.mark.parametrize("task", ["next-symbol", "recognition"])
def test_jsonl_round_trip(tmp_path, task):
    spec = SplitSpec(train=LengthBin(1, 8, 40), validation=LengthBin(1, 8, 10),
                     test=[LengthBin(9, 12, 20)], validation_long=LengthBin(13, 14, 6))
    ds = build_dataset("parity", task, spec)
    export_dataset(ds, tmp_path / "out")
    back = build_dataset("parity", task, files_spec("jsonl", tmp_path / "out"))
    assert list(back.splits) == list(ds.splits)
    for name, s in ds.splits.items():
        b = back.splits[name]
        assert [(e.tokens, e.label) for e in b.examples] == \
            [(e.tokens, e.label) for e in s.examples]
        assert b.bin == s.bin and b.n_distinct == s.n_distinct
        assert [e.next for e in b.examples] == [e.next for e in s.examples]
        assert not [n for n in b.notes if "also in" in n or "wrongly" in n]


def test_jsonl_without_spec_yaml_reads_every_file(tmp_path):
    rows = {"test-a": [["1", "1", "1"]], "validation": [["1"]], "train": [["0", "1"], ["1"]]}
    for name, strings in rows.items():
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps({"tokens": s, "label": 1}) + "\n" for s in strings))
    read = read_folder("jsonl", tmp_path, BITS)
    assert [fs.name for fs in read] == ["train", "validation", "test-a"]
    assert (read[0].lo, read[0].hi) == (1, 2)


# ----------------------------------------------------------------- bad input
def _flare_case(tmp_path, tok: str, labels: str, where: str = "") -> Path:
    folder = small_flare(tmp_path)
    d = folder / where if where else folder
    d.mkdir(parents=True, exist_ok=True)
    if tok is not None:
        (d / "main.tok").write_text(tok)
    if labels is not None:
        (d / "labels.txt").write_text(labels)
    return folder


def _jsonl_case(tmp_path, train: str | None, spec: str | None = "default") -> Path:
    ds = build_dataset("parity", "recognition", SplitSpec(
        train=LengthBin(1, 6, 10), validation=LengthBin(1, 6, 4), test=[LengthBin(7, 8, 4)]))
    out = tmp_path / "export"
    export_dataset(ds, out)
    if train is None:
        (out / "train.jsonl").unlink()
    else:
        (out / "train.jsonl").write_text(train)
    if spec is None:
        (out / "spec.yaml").unlink()
    elif spec != "default":
        (out / "spec.yaml").write_text(spec)
    return out


def _bhatt_case(tmp_path, info_text: str | None = None, train: str | None = "()\n",
                bin0: str = "()()\n", info_dir: bool = False) -> Path:
    folder = tmp_path / "b"
    folder.mkdir()
    if train is not None:
        (folder / "train_src.txt").write_text(train)
    (folder / "val_src_bin0.txt").write_text(bin0)
    if info_text is not None:
        (folder / "data_info.json").write_text(info_text)
    if info_dir:
        (folder / "data_info.json").mkdir()
    return folder


J_ROW = '{"tokens": ["1"], "label": 1, "next": null}\n'
BAD = {   # case: (format, alphabet, make(tmp_path) -> the folder, the message it starts with)
    "flare lines differ": ("flare", BITS, lambda t: _flare_case(t, "1\n0\n1\n", "1\n0\n"),
                           "{f}/main.tok:3: no matching line in labels.txt (main.tok has 3 "
                           "lines, labels.txt 2)"),
    "flare label 2": ("flare", BITS, lambda t: _flare_case(t, "1\n0\n", "1\n2\n"),
                      "{f}/labels.txt:2: label '2' is neither 0 nor 1"),
    "flare token": ("flare", BITS, lambda t: _flare_case(t, "1\n0 x\n", "1\n0\n"),
                    "{f}/main.tok:2:3: token 'x' is not in the alphabet (0 1)"),
    "flare two spaces": ("flare", BITS, lambda t: _flare_case(t, "1  0\n", "1\n"),
                         "{f}/main.tok:1:3: an empty token (two spaces in a row, "
                         "or a space at an end)"),
    "flare missing labels": ("flare", BITS, lambda t: _flare_case(
        t, "1\n", None, "datasets/test-x"), "{f}/datasets/test-x/labels.txt: no such file"),
    "flare empty split": ("flare", BITS, lambda t: _flare_case(t, "", "", "datasets/test-x"),
                          "{f}/datasets/test-x/main.tok:1: empty split: the file holds no "
                          "strings"),
    "flare no folder": ("flare", BITS, lambda t: t / "nope",
                        "{f}: no such data folder (format flare)"),
    "jsonl malformed": ("jsonl", BITS, lambda t: _jsonl_case(t, J_ROW + '{"tokens": [\n'),
                        "{f}/train.jsonl:2:13: not valid JSON (Expecting value)"),
    "jsonl label": ("jsonl", BITS, lambda t: _jsonl_case(t, '{"tokens": [], "label": 2}\n'),
                    "{f}/train.jsonl:1: 'label' must be 0 or 1, not 2"),
    "jsonl bool label": ("jsonl", BITS, lambda t: _jsonl_case(
        t, '{"tokens": [], "label": true}\n'), "{f}/train.jsonl:1: 'label' must be 0 or 1, "
                                                "not True"),
    "jsonl tokens": ("jsonl", BITS, lambda t: _jsonl_case(t, '{"tokens": "01", "label": 1}\n'),
                     "{f}/train.jsonl:1: 'tokens' must be a list of strings, not '01'"),
    "jsonl token": ("jsonl", BITS, lambda t: _jsonl_case(t, J_ROW + '{"tokens": ["1", "2"], '
                                                         '"label": 1}\n'),
                    "{f}/train.jsonl:2: token 2 '2' is not in the alphabet (0 1)"),
    "jsonl key": ("jsonl", BITS, lambda t: _jsonl_case(t, '{"tokens": [], "label": 0, "x": 1}\n'),
                  "{f}/train.jsonl:1: unknown key 'x' (known: tokens, label, next, edits)"),
    "jsonl transduction": ("jsonl", BITS, lambda t: _jsonl_case(
        t, '{"input": ["1"], "output": ["1"]}\n'),
        "{f}/train.jsonl:1: transduction rows (input/output) cannot be imported"),
    "jsonl not object": ("jsonl", BITS, lambda t: _jsonl_case(t, "[1]\n"),
                         '{f}/train.jsonl:1: expected a JSON object {{"tokens": [...], "label": '
                         '0 or 1}}'),
    "jsonl empty line": ("jsonl", BITS, lambda t: _jsonl_case(t, J_ROW + "\n" + J_ROW),
                         "{f}/train.jsonl:2: empty line (one JSON object per line)"),
    "jsonl empty split": ("jsonl", BITS, lambda t: _jsonl_case(t, ""),
                          "{f}/train.jsonl:1: empty split: the file holds no examples"),
    "jsonl missing file": ("jsonl", BITS, lambda t: _jsonl_case(t, None),
                           "{f}/train.jsonl: no such file"),
    "jsonl bad yaml": ("jsonl", BITS, lambda t: _jsonl_case(t, J_ROW, "files: [\n  a: b: c\n"),
                       "{f}/spec.yaml:2: cannot be read as YAML"),
    "jsonl no files": ("jsonl", BITS, lambda t: _jsonl_case(t, J_ROW, "language: parity\n"),
                       "{f}/spec.yaml: no 'files' list (the splits langlab's export writes)"),
    "jsonl no train": ("jsonl", BITS, lambda t: _jsonl_case(
        t, J_ROW, "files:\n- {split: test-1-1, file: train.jsonl, lengths: 1-1}\n"),
        "{f}: no train split (format jsonl)"),
    "bhatt malformed info": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(
        t, '{"Train Lengths": [2, 4],\n "x": }'),
        "{f}/data_info.json:2:7: not valid JSON (Expecting value)"),
    "bhatt info not object": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(t, "[1]"),
                              "{f}/data_info.json:1:1: expected a JSON object"),
    "bhatt info unreadable": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(
        t, info_dir=True), "{f}/data_info.json: cannot be read (Is a directory)"),
    "bhatt info range": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(
        t, '{"Val Bin-0 Lengths": "2-4"}'),
        "{f}/data_info.json: 'Val Bin-0 Lengths' must be [lo, hi], not '2-4'"),
    "bhatt token": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(t, train="()\n(]\n"),
                    "{f}/train_src.txt:2:2: token ']' is not in the alphabet (( ))"),
    "bhatt missing train": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(t, train=None),
                            "{f}/train_src.txt: no such file"),
    "bhatt empty bin": ("bhattamishra2020", ("(", ")"), lambda t: _bhatt_case(t, bin0=""),
                        "{f}/val_src_bin0.txt:1: empty split: the file holds no strings"),
    "unknown format": ("flar", BITS, lambda t: t,
                       "unknown data format 'flar'; did you mean 'flare'?"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_naming_the_place(tmp_path, case):
    fmt, alphabet, make, expected = BAD[case]
    folder = make(tmp_path)
    with pytest.raises(LanglabError) as info:
        read_folder(fmt, folder, alphabet)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(expected.format(f=folder)), msg


def test_every_format_has_a_bad_input_case():
    assert {fmt for fmt, *_ in BAD.values()} >= set(READERS)


# ----------------------------------------------------------------- the command
def test_data_import_prints_counts_and_notes_and_exports(tmp_path):
    folder = small_flare(tmp_path)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["data-import", "flare", str(folder), "--language",
                                   "flare/parity", "--task", "recognition", "--validation", "2",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == f"{out}/train.jsonl: 8 strings (8 distinct), lengths 0-4"
    assert f"{out}/test-3-5.jsonl: 4 strings (4 distinct), lengths 3-5" in lines
    assert "    note: FLaRe's split test-short-held-out" in lines
    assert "    note: held out from main.tok (2 strings)" in lines
    assert sorted(p.name for p in out.iterdir()) == [
        "spec.yaml", "test-3-5.jsonl", "train.jsonl", "validation-long.jsonl",
        "validation.jsonl"]
    rows = [json.loads(x) for x in (out / "test-3-5.jsonl").read_text().splitlines()]
    assert [r["label"] for r in rows] == [1, 1, 0, 0]
    res = CliRunner().invoke(app, ["data-import", "jsonl", str(out), "--language",
                                   "flare/parity", "--task", "recognition", "--out",
                                   str(tmp_path / "again")])
    assert res.exit_code == 0, res.output
    for name in ("train", "validation", "validation-long", "test-3-5"):
        assert (tmp_path / "again" / f"{name}.jsonl").read_text() == \
            (out / f"{name}.jsonl").read_text()


def test_data_import_errors_are_one_line(tmp_path):
    folder = _flare_case(tmp_path, "1\n0\n", "1\n2\n")
    r = subprocess.run([sys.executable, "-m", "langlab", "data-import", "flare", str(folder),
                        "--language", "flare/parity", "--out", str(tmp_path / "o")], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr == f"error: {folder}/labels.txt:2: label '2' is neither 0 nor 1\n"


# ----------------------------------------------------------------- the peers' data
BHATTAMISHRA = FOLDERS   # folder -> langlab name, one table for both test files


def _wrong(ds) -> list[str]:
    return [n for s in ds.splits.values() for n in s.notes if "labelled wrongly" in n]


@pytest.mark.parametrize("folder,name", sorted(BHATTAMISHRA.items()))
def test_every_bhattamishra_folder_imports(shared_external, folder, name):
    path = shared_external / "bhattamishra2020" / folder
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    ds = make_dataset(langlab.load_language(name), members_only(),
                      files_spec("bhattamishra2020", path))
    assert _wrong(ds) == []
    assert list(ds.splits)[:2] == ["train", "validation"] and len(ds.splits) >= 4
    assert all(n.startswith("test-") for n in list(ds.splits)[2:])


def test_bhattamishra_known_facts(shared_external):
    root = shared_external / "bhattamishra2020"
    if not (root / "Parity").is_dir() or not (root / "Dyck-1").is_dir():
        pytest.skip("Parity or Dyck-1 is not present")
    ds = make_dataset(langlab.load_language("parity"), members_only(),
                      files_spec("bhattamishra2020", root / "Parity"))
    train = ds.splits["train"]
    assert (len(train), train.n_distinct) == (10_000, 8_579)
    ds = make_dataset(langlab.load_language("dyck-1"), members_only(),
                      files_spec("bhattamishra2020", root / "Dyck-1"))
    first = list(ds.splits.values())[2]
    assert "510 distinct string(s) also in train, kept as in the files" in first.notes


@pytest.mark.parametrize("name", ["parity", "dyck-2-3", "majority", "marked-copy",
                                  "binary-addition", "stack-manipulation", "cycle-navigation"])
def test_flare_folders_import_with_labels_that_agree(shared_external, name):
    path = shared_external / "flare" / name
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    ds = make_dataset(langlab.load_language(f"flare/{name}"), recognition(),
                      files_spec("flare", path, validation=500))
    assert _wrong(ds) == []
    assert list(ds.splits)[:3] == ["train", "validation", "validation-long"]
    assert len(ds.splits["train"]) + len(ds.splits["validation"]) == 10_000
    assert ds.splits["validation-long"].bin.hi == 80
    tests = [s for n, s in ds.splits.items() if n.startswith("test-")]
    assert tests and "FLaRe's split test-short-held-out" in tests[0].notes


# ----------------------------------------------------------------- drawn bins beside the files
def test_drawn_tests_extend_the_files_with_exact_drawn_bins(tmp_path):
    """FLaRe's files stop at some length; ``files.drawn_tests`` bins are drawn beyond it with the
    request's negatives (FLaRe's, with edit counts), every label exact, and appear after the
    files' splits with a note; the next-symbol sets of drawn members share the dataset's table."""
    folder = small_flare(tmp_path)
    lang = langlab.load_language("flare/parity")
    bins = [LengthBin(lo=15, hi=18, size=40), LengthBin(lo=30, hi=31, size=12)]
    spec = SplitSpec(files=FileSource(format="flare", path=str(folder), validation=3,
                                      drawn_tests=bins))
    request = DataRequest("recognition", negatives=True, next_sets=True, negative_kind="flare")
    ds = make_dataset(lang, request, spec)
    assert list(ds.splits) == ["train", "validation", "validation-long", "test-3-5",
                               "test-15-18", "test-30-31"]
    for b in bins:
        split = ds.splits[b.name]
        assert len(split) == b.size and split.bin == b
        assert "drawn by langlab (the files stop at length 14)" in split.notes
        assert all(b.lo <= len(e.tokens) <= b.hi for e in split.examples)
        assert all(lang.accepts(e.tokens) == bool(e.label) for e in split.examples)
        assert {e.label for e in split.examples} == {0, 1}
        assert split.arrays.edits is not None and (split.arrays.edits[split.arrays.labels == 1] == 0).all()
        for e in split.examples:   # members carry exact next-symbol sets from the shared table
            if e.label:
                assert e.next[-1] == lang.next_symbols(e.tokens)
    # the files' own splits are what they were without drawn bins
    plain = make_dataset(lang, request, files_spec("flare", folder, validation=3))
    for name in plain.splits:
        assert [e.tokens for e in ds.splits[name].examples] == [e.tokens for e in plain.splits[name].examples]
    # cached and reloaded: the same splits
    cached = make_dataset(lang, request, spec, cache_dir=tmp_path / "c")
    again = make_dataset(lang, request, spec, cache_dir=tmp_path / "c")
    assert [e.tokens for e in again.splits["test-30-31"].examples] == \
        [e.tokens for e in cached.splits["test-30-31"].examples]


def test_a_drawn_bin_that_could_hold_a_file_string_is_an_error(tmp_path):
    folder = small_flare(tmp_path)
    spec = SplitSpec(files=FileSource(format="flare", path=str(folder),
                                      drawn_tests=[LengthBin(lo=12, hi=20, size=10)]))
    with pytest.raises(LanglabError, match=r"bin 12-20 starts at or below the longest string of "
                                           r"the files \(14\); a drawn bin must start at 15"):
        make_dataset(langlab.load_language("flare/parity"), recognition(), spec)


def test_drawn_tests_at_their_default_change_no_key():
    """Run and cache keys of file-based runs stored before the field existed stay the same."""
    spec = SplitSpec(files=FileSource(format="flare", path="x"))
    assert "drawn_tests" not in spec.describe()["files"]
    longer = SplitSpec(files=FileSource(format="flare", path="x", drawn_tests=[LengthBin(lo=90, hi=99, size=5)]))
    assert longer.describe()["files"]["drawn_tests"] == [{"lo": 90, "hi": 99, "size": 5}]
