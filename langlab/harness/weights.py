"""Trained weights kept per run, and the loader that rebuilds a trained model from them.

A finished run's worker packs its selected checkpoint (model and head state dicts, the settings
that rebuild both, the langlab version) into bytes in the row it returns; the parent writes them
to ``RUN_DIR/weights/KEY.pt`` before it records the row, so only the parent writes files and a
Ray worker needs no shared disk. Packing reads the weights only: it draws no random numbers and
changes nothing the run computes.

:func:`load_run` rebuilds the model, the head and the task of one stored run; a run folder
without weights (an old run, or a committed report, which does not commit them) gets a one-line
:class:`NoWeightsError` that says how to get them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langlab.errors import LanglabError

WEIGHTS_DIR = "weights"
FORMAT = 1  # bump when the file's layout changes


class NoWeightsError(LanglabError):
    """A run (or a whole run folder) without stored weights."""


def pack(model, head, job, vocab_size: int) -> bytes:
    """The weights file's bytes: both state dicts and what rebuilds them."""
    import torch

    from langlab import __version__

    payload = {
        "format": FORMAT, "version": __version__, "key": job.key,
        "language": job.language, "grammars": list(job.grammars), "model": job.model,
        "settings": dict(job.settings), "task": job.task, "split": job.split,
        "vocab_size": vocab_size,
        "model_state": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "head_state": {k: v.detach().clone() for k, v in head.state_dict().items()},
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def weights_path(run_dir: str | Path, key: str) -> Path:
    return Path(run_dir) / WEIGHTS_DIR / f"{key}.pt"


def write(run_dir: str | Path, key: str, data: bytes) -> Path:
    """Write one run's weights atomically (a killed parent leaves no half file)."""
    path = weights_path(run_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


@dataclass
class LoadedRun:
    """One stored run rebuilt: its row, language, dataset spec, task, model and head (eval mode)."""

    row: dict[str, Any]
    language: Any
    vocab: Any
    task: Any
    model: Any
    head: Any
    payload: dict[str, Any]

    def dataset(self, spec, cache_dir: str | Path):
        """The run's language and task options drawn on ``spec`` (new bins for eval and probe)."""
        from langlab.tasks import build_dataset

        task = self.payload["task"]
        return build_dataset(self.language, task=task["name"], spec=spec,
                             target_mode=task["target_mode"], cache_dir=Path(cache_dir),
                             **task["options"])

    def untrained(self, seed: int = 12345):
        """The control: a freshly initialised model and head of the same architecture and size."""
        import torch

        from langlab import build_model

        p = self.payload
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = build_model(p["model"], vocab_size=self.vocab.size, **p["settings"])
            head = self.task.make_head(model.output_dim)
        return model.eval(), head.eval()


def has_weights(run_dir: str | Path, key: str) -> bool:
    return weights_path(run_dir, key).is_file()


def load_run(run_dir: str | Path, row: dict[str, Any]) -> LoadedRun:
    """Rebuild the trained model and head of the stored run ``row`` (a ``Store.rows()`` row)."""
    import torch

    from langlab import build_model, load_language
    from langlab.data.targets import convention
    from langlab.data.tensors import Vocab
    from langlab.tasks import get_task

    path = weights_path(run_dir, row["key"])
    if not path.is_file():
        raise NoWeightsError(
            f"{run_dir}: run {row['language']} × {row['column']} seed {row['seed']} has no "
            f"weights ({WEIGHTS_DIR}/{row['key']}.pt); rerun its suite into a new folder to keep "
            f"them: langlab run {Path(run_dir) / 'suite.yaml'} --out NEW_DIR")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a truncated or foreign file
        raise NoWeightsError(f"{path}: not a langlab weights file ({type(exc).__name__})") from None
    if payload.get("format") != FORMAT:
        raise NoWeightsError(f"{path}: weights format {payload.get('format')}, this langlab "
                             f"reads format {FORMAT}")
    lang = load_language(payload["language"], list(payload["grammars"]))
    vocab = Vocab(lang.alphabet, convention(lang, payload["task"]["target_mode"]))
    task = get_task(payload["task"]["name"], vocab, **payload["task"]["options"])
    model = build_model(payload["model"], vocab_size=vocab.size, **payload["settings"])
    head = task.make_head(model.output_dim)
    model.load_state_dict(payload["model_state"])
    head.load_state_dict(payload["head_state"])
    return LoadedRun(row, lang, vocab, task, model.eval(), head.eval(), payload)


def done_rows(run_dir: str | Path, language: str | None = None) -> list[dict[str, Any]]:
    """The finished runs of a run folder's own suite, with weights required for every one.

    ``language`` narrows to one language (an unknown one is an error naming those present).
    """
    from langlab.errors import UnknownNameError
    from langlab.harness.store import Store
    from langlab.harness.suite import expand, load_suite

    run_dir = Path(run_dir)
    for needed in ("suite.yaml", "results.sqlite"):
        if not (run_dir / needed).is_file():
            raise LanglabError(f"{run_dir} is not a run folder (no {needed}); "
                               "make one with: langlab run SUITE --out DIR")
    keys = {j.key for j in expand(load_suite(run_dir / "suite.yaml"))}
    store = Store(run_dir / "results.sqlite", readonly=True)
    try:
        rows = [r for r in store.rows(status="done") if r["key"] in keys]
    finally:
        store.close()
    if language is not None:
        present = sorted({r["language"] for r in rows})
        if language not in present:
            raise UnknownNameError(f"language of {run_dir}", language, present)
        rows = [r for r in rows if r["language"] == language]
    if not rows:
        raise LanglabError(f"{run_dir}: no finished run to use")
    if not (run_dir / WEIGHTS_DIR).is_dir() or not any(has_weights(run_dir, r["key"]) for r in rows):
        raise NoWeightsError(
            f"{run_dir} has no stored weights (runs before langlab kept them, or a committed "
            f"report); rerun its suite into a new folder to get them: "
            f"langlab run {run_dir / 'suite.yaml'} --out NEW_DIR")
    return rows
