"""Random search, a suite option beside grids: ``search`` draws ``trials`` seeded points from
declared ranges, and every job of the suite runs once per point.

Butoi et al. (2025) search 10 random trials per language and model: learning rate log-uniform
in [1e-4, 1e-2], 128-4,096 tokens per batch, the coefficients of the auxiliary losses
log-uniform in [0.01, 10]; the best trial is chosen on validation. As a suite block::

    search:
      trials: 10
      seed: 0
      space:
        training.lr: {log_uniform: [1.0e-4, 1.0e-2]}
        training.batch_size: {choice: [8, 16, 32, 64]}
        task.options.lm_loss: {log_uniform: [0.01, 10]}

A path names a training setting (``training.NAME``) or a task option (``task.options.NAME``);
each is checked where the suite is read, with its position. A distribution is one of
``uniform: [lo, hi]``, ``log_uniform: [lo, hi]`` (lo > 0), ``int_uniform: [lo, hi]``,
``log_int_uniform: [lo, hi]`` (integers spread evenly in log scale) or ``choice: [values]``.

A trial's value of a path depends only on ``seed``, the trial's index and the path (its own
random stream), so that adding a path or trials leaves the other values as they were. By
default every language x model cell runs the same points; ``draw: per-cell`` gives each cell
its own (the stream is salted with the language and the column), as FLaRe's search does. A trial
is a grid point like another: its values are part of each job's description and key, and
selection picks among trials on validation as among grid points. A suite without ``search``
expands exactly as before.

>>> s = Search(trials=3, space={"training.lr": {"log_uniform": [1e-4, 1e-2]}})
>>> points = s.points()
>>> len(points), all(1e-4 <= p["training.lr"] <= 1e-2 for p in points)
(3, True)
>>> points == Search(trials=3, space={"training.lr": {"log_uniform": [1e-4, 1e-2]}}).points()
True
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

Strict = ConfigDict(extra="forbid")
PREFIXES = ("training.", "task.options.")
KINDS = ("uniform", "log_uniform", "int_uniform", "log_int_uniform", "choice")


class Distribution(BaseModel):
    """Exactly one of the kinds, with its range (``[lo, hi]``, inclusive) or its values."""

    model_config = Strict
    uniform: list[float] | None = Field(None, min_length=2, max_length=2)
    log_uniform: list[float] | None = Field(None, min_length=2, max_length=2)
    int_uniform: list[int] | None = Field(None, min_length=2, max_length=2)
    log_int_uniform: list[int] | None = Field(None, min_length=2, max_length=2)
    choice: list[Any] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_kind(self) -> Distribution:
        given = [k for k in KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one distribution of {', '.join(KINDS)}"
                             + (f" (got {', '.join(given)})" if given else ""))
        kind = given[0]
        if kind != "choice":
            lo, hi = getattr(self, kind)
            if lo > hi:
                raise ValueError(f"{kind}: the range [{lo}, {hi}] is empty (lo > hi)")
            if kind.startswith("log") and lo <= 0:
                raise ValueError(f"{kind}: the range must be positive, got lo = {lo}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if getattr(self, k) is not None)

    def candidates(self) -> list[Any]:
        """Values to check a path with: the ends of a range, or every choice."""
        return list(getattr(self, self.kind))

    def draw(self, rng: np.random.Generator) -> Any:
        kind, arg = self.kind, getattr(self, self.kind)
        if kind == "choice":
            return arg[int(rng.integers(len(arg)))]
        lo, hi = arg
        if kind == "uniform":
            return float(rng.uniform(lo, hi))
        if kind == "int_uniform":
            return int(rng.integers(lo, hi + 1))
        x = math.exp(rng.uniform(math.log(lo), math.log(hi + (kind == "log_int_uniform"))))
        if kind == "log_uniform":
            return float(min(max(x, lo), hi))
        return int(min(max(math.floor(x), lo), hi))


class Search(BaseModel):
    """``trials`` points drawn from ``space`` (dotted path -> distribution) with ``seed``."""

    model_config = Strict
    trials: int = Field(ge=1)
    seed: int = 0
    space: dict[str, Distribution] = Field(min_length=1)
    # "shared": every language x model cell runs the same trial points (a random grid);
    # "per-cell": each cell draws its own, as a random search run per experiment does
    draw: Literal["shared", "per-cell"] = "shared"

    def points(self, cell: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """One ``{path: value}`` per trial, in trial order; with ``draw: per-cell``, the points
        of ``cell`` (its language and column), each its own random stream."""
        salt = [zlib.crc32(part.encode()) for part in cell] if self.draw == "per-cell" else []
        return [{path: dist.draw(np.random.default_rng(
                    [self.seed, t, zlib.crc32(path.encode()), *salt]))
                 for path, dist in self.space.items()} for t in range(self.trials)]


def check_search(search: Search | None, info: ValidationInfo) -> Search | None:
    """The suite-level checks of a search block (a pydantic after-validator of the suite's
    ``search`` field; the suite's ``task`` and ``training`` are validated before it): every path
    names a training setting or a task option, every candidate value is valid there, and no
    path is also a grid (a list in the suite). An error names the path (``key`` in its context),
    so that the suite file points at it."""
    if search is None:
        return None
    from langlab.errors import LanglabError
    from langlab.tasks import task_class

    training, task = info.data.get("training"), info.data.get("task")
    if training is None or task is None:   # their own errors are reported
        return search
    fields = {k for k in type(training).model_fields}
    points = search.points()
    for path, dist in search.space.items():
        values = dist.candidates() + [p[path] for p in points]   # the ends and every draw
        if not path.startswith(PREFIXES):
            raise _error(path, f"a search path starts with {' or '.join(PREFIXES)}, got {path!r}")
        name = path.removeprefix("training.").removeprefix("task.options.")
        if path.startswith("training."):
            if name not in fields:
                from langlab.errors import did_you_mean

                raise _error(path, f"unknown training setting {name!r}"
                             f"{did_you_mean(name, sorted(fields))}")
            if isinstance(getattr(training, name), list):
                raise _error(path, f"training.{name} is a grid (a list) and a search path; "
                             f"give one of the two")
            for value in values:
                try:
                    got = getattr(type(training).model_validate(
                        {**training.model_dump(), name: value}), name)
                except ValidationError as exc:
                    raise _error(path, f"value {value!r}: {exc.errors()[0]['msg']}") from None
                if type(got) is not type(value):   # e.g. 8.0 read as the integer 8
                    raise _error(path, f"value {value!r} is a {type(value).__name__}; "
                                 f"training.{name} takes {type(got).__name__} values")
        else:
            tasks = task if isinstance(task, list) else [task]   # a list: the path is each's
            for t in tasks:
                if name in t.options:
                    raise _error(path, f"task.options.{name} is set in the suite and is a "
                                 f"search path; give one of the two")
                for value in values:
                    try:
                        task_class(t.name).resolve({**t.options, name: value})
                    except LanglabError as exc:
                        also = (f" (a search path over task options applies to each of the "
                                f"suite's {len(tasks)} tasks)" if len(tasks) > 1 else "")
                        raise _error(path, f"{exc}{also}") from None
    return search


def _error(path: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("search_space", "{message}", {"message": message, "key": path})


def apply_search(search: Search, jobs: list, rekey: Callable[[Any], str]) -> list:
    """Each job once per trial, in order (job, then trial), with the trial's values set and its
    key recomputed by ``rekey``."""
    out = []
    for job in jobs:
        for point in search.points((job.language, job.column)):
            training = dict(job.training)
            options = dict(job.task["options"])
            for path, value in point.items():
                if path.startswith("training."):
                    training[path.removeprefix("training.")] = value
                else:
                    options[path.removeprefix("task.options.")] = value
            trial = dataclasses.replace(job, training=training,
                                        task={**job.task, "options": options})
            out.append(dataclasses.replace(trial, key=rekey(trial)))
    return out
