"""The on-disk dataset cache: one ``.npz`` file per dataset, keyed by what determines its content.

The key is the SHA-256 of: the split spec, the task, its options, the target mode, the
language's definition (:func:`language_fingerprint`) and :data:`DATA_VERSION` (bump it whenever
a change to ``langlab.data`` changes which strings or targets a spec produces). Same key, same
file, same arrays: re-running a suite never re-samples.

Files are written to a temporary name and renamed, so parallel workers building the same dataset
never see a half-written file.

>>> from langlab.languages.automaton import DFALanguage
>>> L = DFALanguage("even-a", ("a",), 0, {0}, {0: {"a": 1}, 1: {"a": 0}})
>>> len(language_fingerprint(L))
64
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from langlab.languages.base import Language

DATA_VERSION = 1


def language_fingerprint(lang: Language) -> str:
    """A hash of everything that defines ``lang``: its name and alphabet, its YAML file (when it
    came from one), the source of every module its class hierarchy lives in, and, for automata,
    the transition table (languages built in code have no file)."""
    h = hashlib.sha256()
    h.update(json.dumps([lang.name, list(lang.alphabet)]).encode())
    path = getattr(lang, "source_path", None)
    if path is not None and Path(path).is_file():
        h.update(Path(path).read_bytes())
    for cls in type(lang).__mro__:
        module = sys.modules.get(cls.__module__)
        if module is None or cls.__module__ == "builtins":
            continue
        try:
            h.update(inspect.getsource(module).encode())
        except (OSError, TypeError):   # defined interactively: fall back to the names
            h.update(cls.__qualname__.encode())
    for attr in ("_delta", "_accept", "state_names"):   # DFALanguage's definition
        if hasattr(lang, attr):
            h.update(repr(getattr(lang, attr)).encode())
    custom = getattr(lang, "fingerprint", None)
    if callable(custom):
        h.update(str(custom()).encode())
    return h.hexdigest()


def dataset_key(lang: Language, task: str, spec: Any, target_mode: str,
                options: dict[str, Any]) -> str:
    """The cache key of a dataset (hex SHA-256)."""
    payload = {
        "data_version": DATA_VERSION,
        "language": language_fingerprint(lang),
        "task": task,
        "target_mode": target_mode,
        "options": options,
        "spec": spec.describe(),
    }
    if getattr(spec, "files", None) is not None:
        payload["files"] = files_digest(Path(spec.files.path))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def files_digest(folder: Path) -> str:
    """SHA-256 over the names and bytes of every file under ``folder`` (a data source): a
    changed file is a new dataset."""
    h = hashlib.sha256()
    for p in sorted(q for q in Path(folder).rglob("*") if q.is_file()):
        h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def cache_path(cache_dir: Path, lang: Language, task: str, key: str) -> Path:
    safe = lang.name.replace("/", "__")
    return Path(cache_dir) / f"{safe}.{task}.{key[:20]}.npz"


def save(path: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write ``meta`` (JSON-able) and ``arrays`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.savez(f, __meta__=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)


def load(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """``(meta, arrays)`` from ``path``, or None when the file is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["__meta__"]))
            arrays = {k: z[k] for k in z.files if k != "__meta__"}
    except (OSError, ValueError, KeyError):
        return None
    if meta.get("data_version") != DATA_VERSION:
        return None
    return meta, arrays
