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
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LanglabError(f"{path}: cannot be read ({exc})") from None


def _data_info(folder: Path) -> dict:
    path = folder / "data_info.json"
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    if not isinstance(info, dict):
        raise SpecError(f"{path}:1:1: expected a JSON object")
    return info


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
    info = _data_info(folder)
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
        notes = []
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


READERS = {"bhattamishra2020": read_bhattamishra2020}


def read_folder(fmt: str, folder: str | Path, alphabet: Tokens) -> list[FileSplit]:
    """The splits of ``folder`` in format ``fmt`` (one of :data:`READERS`)."""
    from langlab.errors import UnknownNameError

    if fmt not in READERS:
        raise UnknownNameError("data format", fmt, sorted(READERS))
    return READERS[fmt](Path(folder), tuple(alphabet))
