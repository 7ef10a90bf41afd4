"""Splits read from a peer's published data files instead of drawn: the readers of each format.

A reader turns a folder into named :class:`FileSplit` s (``train``, optionally ``validation`` and
``validation-long``, and the test splits in the folder's order), each string with the file and
line it came from, so that a bad line is reported as ``FILE:LINE: ...``. The readers only read;
checking the strings against the language (non-members, duplicates, overlaps between splits)
is :func:`langlab.data.splits.dataset_from_files`, which turns every finding into a data note.

Formats:

- ``bhattamishra2020``: the folder format of Bhattamishra, Ahuja & Goyal (2020)'s public data:
  ``train_src.txt`` and ``val_src_bin0.txt``, ``val_src_bin1.txt``, ... (one positive string
  per line, one character per token) with an optional ``data_info.json`` that gives each bin's
  length range ("Val Bin-0 Lengths": [lo, hi]). The paper had no validation set: bin 0 holds
  strings of the training lengths. Where every line of a file ends with ``T`` and ``T`` is not
  in the alphabet, the ``T`` is the paper's end token (its aa*bb*cc*dd*ee* data) and is removed.
- ``flare``: a language folder of the FLaRe benchmark (Butoi et al. 2025): ``main.tok`` (one
  string per line, tokens separated by single spaces, an empty line the empty string) and
  ``labels.txt`` (``1`` member, ``0`` non-member, line for line) at the top for ``train``, and
  the same pair in each ``datasets/<split>/``: ``validation-long`` keeps its name (langlab's
  split of that name), a test folder becomes ``test-LO-HI`` by its observed lengths, with
  FLaRe's folder name in a note. FLaRe has no short validation split: ``split.files.validation``
  holds strings out of train for it.
- ``jsonl``: langlab's own export (:mod:`langlab.data.export`): ``<split>.jsonl`` per split, in
  the order and with the length ranges that ``spec.yaml`` lists (without ``spec.yaml``: every
  ``*.jsonl``, ``train`` first, observed lengths). Only ``tokens`` and ``label`` are read;
  ``next`` is recomputed from the language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from langlab.errors import LanglabError, SpecError
from langlab.languages.base import Tokens


@dataclass
class FileSplit:
    """One split as a file gave it: strings, the labels the file claims (1 = member), and where
    each came from (``path`` and 1-based ``lines``). ``lo``/``hi``: its stated length range."""

    name: str
    strings: list[Tokens]
    labels: list[int]
    path: Path
    lines: list[int]
    lo: int
    hi: int
    notes: list[str] = field(default_factory=list)


def _bad(path: Path, line: int, message: str) -> SpecError:
    return SpecError(f"{path}:{line}: {message}")


def _char_tokens(text: str, alphabet: Tokens, path: Path, line: int) -> Tokens:
    known = set(alphabet)
    for col, ch in enumerate(text, start=1):
        if ch not in known:
            raise SpecError(f"{path}:{line}:{col}: token {ch!r} is not in the alphabet "
                            f"({' '.join(alphabet)})")
    return tuple(text)


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise LanglabError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LanglabError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})"
                           ) from None
    # not str.splitlines: a token may be any character but the newline
    lines = [x.removesuffix("\r") for x in text.split("\n")]
    return lines[:-1] if lines[-1] == "" else lines


def _data_info(folder: Path) -> tuple[dict, list[str]]:
    """The folder's ``data_info.json`` (``{}`` where absent) and a note on what was repaired."""
    path = folder / "data_info.json"
    if not path.exists():
        return {}, []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LanglabError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    notes = []
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        # the published Concatv1 file writes "\{a,b\}*": a backslash JSON has no escape for
        fixed = re.sub(r'\\(?=[^"\\/bfnrtu])', r"\\\\", text)
        try:
            info = json.loads(fixed)
        except json.JSONDecodeError:
            raise SpecError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"
                            ) from None
        notes.append(f"{path.name}: backslashes that JSON does not allow read as backslashes")
    if not isinstance(info, dict):
        raise SpecError(f"{path}:1:1: expected a JSON object")
    return info, notes


def _range(info: dict, key: str, path: Path) -> tuple[int, int] | None:
    value = info.get(key)
    if value is None:
        return None
    try:
        lo, hi = (int(v) for v in value)
    except (TypeError, ValueError):
        raise SpecError(f"{path / 'data_info.json'}: {key!r} must be [lo, hi], "
                        f"not {value!r}") from None
    return lo, hi


def read_bhattamishra2020(folder: Path, alphabet: Tokens) -> list[FileSplit]:
    """The train split and the test bins of a 2020-paper data folder, in bin order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LanglabError(f"{folder}: no such data folder (format bhattamishra2020)")
    info, info_notes = _data_info(folder)
    bins = sorted(folder.glob("val_src_bin*.txt"),
                  key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if not bins:
        raise LanglabError(f"{folder}: no val_src_bin*.txt test files (format bhattamishra2020)")
    files = [("train", folder / "train_src.txt", "Train Lengths")]
    for p in bins:
        k = int(re.sub(r"\D", "", p.stem))
        files.append((f"bin{k}", p, f"Val Bin-{k} Lengths"))
    out, names = [], set()
    for name, path, key in files:
        lines = _read_lines(path)
        notes = list(info_notes) if name == "train" else []
        end_token = ("T" not in alphabet and lines
                     and all(x.endswith("T") for x in lines if x))
        if end_token:
            lines = [x[:-1] for x in lines]
            notes.append("the paper's end token 'T' removed from every string")
        strings = [_char_tokens(x, alphabet, path, i) for i, x in enumerate(lines, start=1)]
        if not strings:
            raise _bad(path, 1, "empty split: the file holds no strings")
        stated = _range(info, key, folder)
        lo, hi = stated or (min(map(len, strings)), max(map(len, strings)))
        if name != "train":
            name = f"test-{lo}-{hi}"
            while name in names:  # two bins of one range: keep both, apart
                name += "'"
        names.add(name)
        out.append(FileSplit(name, strings, [1] * len(strings), path,
                             list(range(1, len(strings) + 1)), lo, hi, notes))
    return out


def _space_tokens(text: str, alphabet: Tokens, path: Path, line: int) -> Tokens:
    if not text:
        return ()
    known, col, out = set(alphabet), 1, text.split(" ")
    for tok in out:
        if tok not in known:
            what = "an empty token (two spaces in a row, or a space at an end)" if not tok \
                else f"token {tok!r} is not in the alphabet ({' '.join(alphabet)})"
            raise SpecError(f"{path}:{line}:{col}: {what}")
        col += len(tok) + 1
    return tuple(out)


def _flare_split(name: str, where: Path, alphabet: Tokens) -> FileSplit:
    tok, lab = where / "main.tok", where / "labels.txt"
    lines, labels = _read_lines(tok), _read_lines(lab)
    if not lines:
        raise _bad(tok, 1, "empty split: the file holds no strings")
    if len(lines) != len(labels):
        longer, shorter = (tok, lab) if len(lines) > len(labels) else (lab, tok)
        n = min(len(lines), len(labels))
        raise _bad(longer, n + 1, f"no matching line in {shorter.name} ({tok.name} has "
                                  f"{len(lines)} lines, {lab.name} {len(labels)})")
    strings = [_space_tokens(x, alphabet, tok, i) for i, x in enumerate(lines, start=1)]
    ys = []
    for i, y in enumerate(labels, start=1):
        if y.strip() not in ("0", "1"):
            raise _bad(lab, i, f"label {y!r} is neither 0 nor 1")
        ys.append(int(y))
    lo, hi = min(map(len, strings)), max(map(len, strings))
    return FileSplit(name, strings, ys, tok, list(range(1, len(strings) + 1)), lo, hi)


def read_flare(folder: Path, alphabet: Tokens) -> list[FileSplit]:
    """FLaRe's training set, then ``validation-long``, then its test sets (folder order)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LanglabError(f"{folder}: no such data folder (format flare)")
    out = [_flare_split("train", folder, alphabet)]
    sub = folder / "datasets"
    dirs = sorted(p for p in sub.iterdir() if p.is_dir()) if sub.is_dir() else []
    named = {"validation-short": "validation", "validation": "validation",
             "validation-long": "validation-long"}   # langlab's split names
    rank = {"validation": 0, "validation-long": 1}   # then the tests, in folder order
    dirs.sort(key=lambda p: rank.get(named.get(p.name, ""), 2))
    names = {"train"}
    for d in dirs:
        fs = _flare_split(named.get(d.name, d.name), d, alphabet)
        if d.name not in named:
            fs.name = f"test-{fs.lo}-{fs.hi}"
            while fs.name in names:
                fs.name += "'"
            fs.notes.append(f"FLaRe's split {d.name}")
        names.add(fs.name)
        out.append(fs)
    return out


JSONL_KEYS = ("tokens", "label", "next", "edits")   # what export writes; next, edits unread


def _jsonl_row(text: str, alphabet: Tokens, path: Path, line: int) -> tuple[Tokens, int]:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}:{line}:{exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise _bad(path, line, "expected a JSON object {\"tokens\": [...], \"label\": 0 or 1}")
    if "input" in row:
        raise _bad(path, line, "transduction rows (input/output) cannot be imported")
    extra = sorted(set(row) - set(JSONL_KEYS))
    if extra:
        raise _bad(path, line, f"unknown key {extra[0]!r} (known: {', '.join(JSONL_KEYS)})")
    toks, y = row.get("tokens"), row.get("label")
    if not isinstance(toks, list) or not all(isinstance(t, str) for t in toks):
        raise _bad(path, line, f"'tokens' must be a list of strings, not {toks!r}")
    if type(y) is not int or y not in (0, 1):
        raise _bad(path, line, f"'label' must be 0 or 1, not {y!r}")
    known = set(alphabet)
    for k, t in enumerate(toks, start=1):
        if t not in known:
            raise _bad(path, line, f"token {k} {t!r} is not in the alphabet "
                                   f"({' '.join(alphabet)})")
    return tuple(toks), y


def _jsonl_files(folder: Path) -> list[tuple[str, Path, tuple[int, int] | None]]:
    spec = folder / "spec.yaml"
    if not spec.exists():
        found = sorted(folder.glob("*.jsonl"))
        if not found:
            raise LanglabError(f"{folder}: no spec.yaml and no *.jsonl files (format jsonl)")
        first = ("train", "validation", "validation-long")
        found.sort(key=lambda p: first.index(p.stem) if p.stem in first else len(first))
        return [(p.stem, p, None) for p in found]
    import yaml

    try:
        doc = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{spec}:{mark.line + 1}" if mark is not None else str(spec)
        raise LanglabError(f"{where}: cannot be read as YAML "
                           f"({getattr(exc, 'problem', None) or exc})") from None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list) or not files:
        raise SpecError(f"{spec}: no 'files' list (the splits langlab's export writes)")
    out = []
    for k, f in enumerate(files, start=1):
        try:
            lo, hi = (int(v) for v in str(f["lengths"]).split("-"))
            out.append((str(f["split"]), folder / str(f["file"]), (lo, hi)))
        except (TypeError, KeyError, ValueError):
            raise SpecError(f"{spec}: files[{k}] must have split, file and lengths LO-HI, "
                            f"not {f!r}") from None
    return out


def read_jsonl(folder: Path, alphabet: Tokens) -> list[FileSplit]:
    """The splits of a folder written by ``langlab data`` (``export_dataset``), in its order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LanglabError(f"{folder}: no such data folder (format jsonl)")
    out = []
    for name, path, stated in _jsonl_files(folder):
        lines = _read_lines(path)
        if not lines:
            raise _bad(path, 1, "empty split: the file holds no examples")
        rows = []
        for i, x in enumerate(lines, start=1):
            if not x.strip():
                raise _bad(path, i, "empty line (one JSON object per line)")
            rows.append(_jsonl_row(x, alphabet, path, i))
        strings = [s for s, _ in rows]
        lo, hi = stated or (min(map(len, strings)), max(map(len, strings)))
        out.append(FileSplit(name, strings, [y for _, y in rows], path,
                             list(range(1, len(rows) + 1)), lo, hi))
    if "train" not in [fs.name for fs in out]:
        raise LanglabError(f"{folder}: no train split (format jsonl)")
    return sorted(out, key=lambda fs: fs.name != "train")


READERS = {"bhattamishra2020": read_bhattamishra2020, "flare": read_flare, "jsonl": read_jsonl}


def read_folder(fmt: str, folder: str | Path, alphabet: Tokens) -> list[FileSplit]:
    """The splits of ``folder`` in format ``fmt`` (one of :data:`READERS`)."""
    from langlab.errors import UnknownNameError

    if fmt not in READERS:
        raise UnknownNameError("data format", fmt, sorted(READERS))
    return READERS[fmt](Path(folder), tuple(alphabet))
