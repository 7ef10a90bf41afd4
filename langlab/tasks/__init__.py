"""The task registry: a task formulation's data options, head, loss, metrics and report labels,
found by name. Task heads, losses and metrics live here, not in the models.

A model maps ``(tokens [B, T], lengths [B])`` to states ``[B, T, D]``, one per prefix (BOS
included); ``make_head(D)`` maps states to the task's outputs. A suite names its task and one
options dict, validated here; :func:`build_dataset` builds the data the task asks for.

Adding a task is one new file: a :class:`Task` subclass decorated with ``@register``, and the
line importing it below.

>>> import torch
>>> from langlab.data import Vocab
>>> list_tasks()
['next-symbol', 'recognition', 'transduction']
>>> task = get_task("next-symbol", Vocab(("a", "b")))
>>> head = task.make_head(8)
>>> head(torch.zeros(2, 5, 8)).shape
torch.Size([2, 5, 3])
>>> task_class("recogniton")
Traceback (most recent call last):
...
langlab.errors.UnknownNameError: unknown task 'recogniton'; did you mean 'recognition'?
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langlab.data.spec import SplitSpec
from langlab.data.splits import Dataset, make_dataset
from langlab.data.tensors import Vocab
from langlab.errors import UnknownNameError
from langlab.languages.base import Language
from langlab.tasks.base import Task, register, registered
from langlab.tasks.next_symbol import NextSymbolTask   # one line per task: importing its
from langlab.tasks.recognition import RecognitionTask  # file registers it
from langlab.tasks.transduction import TransductionTask

__all__ = ["NextSymbolTask", "RecognitionTask", "Task", "TransductionTask", "build_dataset",
           "get_task", "list_tasks", "register", "task_class"]


def list_tasks() -> list[str]:
    """Every registered task name, sorted."""
    return sorted(registered())


def task_class(name: str) -> type[Task]:
    """The task class registered as ``name`` (its options, metrics and labels)."""
    classes = registered()
    if name not in classes:
        raise UnknownNameError("task", name, sorted(classes))
    return classes[name]


def get_task(name: str, vocab: Vocab, **options: Any) -> Task:
    """The task ``name`` over ``vocab``; ``options`` may include the task's data options."""
    return task_class(name)(vocab, **options)


def build_dataset(lang: Language | str, task: str, spec: SplitSpec | None = None,
                  target_mode: str = "exact", cache_dir: Path | str | None = None,
                  **options: Any) -> Dataset:
    """Build (or load from ``cache_dir``) the dataset of ``lang`` for ``task`` under ``spec``.

    ``task``: ``"next-symbol"`` (every example a member, with its next-symbol sets) or
    ``"recognition"`` (balanced members and non-members of matched lengths; options
    ``aux_targets=False``, ``edit_fraction=0.5``). ``target_mode``: ``"exact"`` or ``"paper"``
    (see :class:`~langlab.data.tensors.TargetConvention`). The task's head and loss options
    (``threshold``, ``aux``, ``aux_weight``) are accepted, so that one options dict serves
    the dataset and :func:`get_task`; they change the data only through the task's
    ``data_request`` (``aux="next-symbol"`` turns ``aux_targets`` on).

    >>> from langlab.data import LengthBin
    >>> spec = SplitSpec(train=LengthBin(1, 8, 40), validation=LengthBin(1, 8, 10),
    ...                  test=[LengthBin(9, 12, 20)])
    >>> ds = build_dataset("parity", "recognition", spec, aux="lm")
    >>> ds.options, sorted({ex.label for ex in ds.splits["train"].examples})
    ({'aux_targets': False, 'edit_fraction': 0.5}, [0, 1])
    """
    cls = task_class(task)
    request = cls.data_request(cls.resolve(options))
    return make_dataset(lang, request, spec, target_mode=target_mode, cache_dir=cache_dir)
