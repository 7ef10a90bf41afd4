"""The :class:`Task` base class and the registry that the task files fill with :func:`register`.

A task owns everything that differs between formulations: its options (those that shape the
data and those of its head and loss, with their defaults), what it asks of the data layer
(:meth:`Task.data_request`), its head, loss and metrics, and the words a report uses for its
score. torch is imported inside the methods that need it, so that suites and reports can read
a task's options and labels without it.

>>> class Echo(Task):
...     name = "echo"
...     head_options = {"threshold": 0.5}
>>> Echo.resolve({"threshold": 0.25})
{'threshold': 0.25}
>>> Echo.resolve({"treshold": 0.25})
Traceback (most recent call last):
...
langlab.errors.LanglabError: unknown option 'treshold' for task echo; did you mean 'threshold'? (options: threshold)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from langlab.data.splits import DataRequest, Split
from langlab.data.tensors import Batch, Vocab
from langlab.errors import LanglabError, did_you_mean

if TYPE_CHECKING:
    import torch
    from torch import nn

    from langlab.languages.base import Language

_REGISTRY: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    """Class decorator: make a task findable as ``get_task(cls.name, ...)``."""
    if not cls.name:
        raise RuntimeError(f"task class {cls.__name__} has no name")
    if cls.name in _REGISTRY:  # two files claiming one name is a programming error
        raise RuntimeError(f"task {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Task]]:
    return dict(_REGISTRY)


class Task:
    """A task formulation. A subclass sets the class attributes below and implements
    ``make_head``, ``loss`` and ``score``; ``data_request`` and ``check_values`` have
    defaults (members with their next-symbol sets; no value checks beyond types)."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    # Options and their defaults. One options dict serves the dataset and the task: the data
    # options change the data (and its cache key), the head options only the head and loss.
    data_options: ClassVar[dict[str, Any]] = {}
    head_options: ClassVar[dict[str, Any]] = {}
    # The scalar metrics ``evaluate`` returns (beside ``by_length``); ``accuracy`` is the score.
    metrics: ClassVar[tuple[str, ...]] = ("accuracy", "n")
    # What a report says about the score: the legend's "what the number means" and the axis.
    score_legend: ClassVar[str] = "accuracy, percent"
    score_axis: ClassVar[str] = "accuracy (%)"
    # The score's short name where tasks stand side by side (one language, several
    # formulations), and a second metric shown beside it there: (metric, its name) or None.
    score_name: ClassVar[str] = "accuracy"
    side_metric: ClassVar[tuple[str, str] | None] = None

    # ------------------------------------------------------------------ options
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every option of the task with its default, data options first."""
        return {**cls.data_options, **cls.head_options}

    @classmethod
    def resolve(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        """``options`` over the defaults. An unknown name, a value of the wrong type (the
        default's) or a bad value (``check_values``) is a one-line :class:`LanglabError`."""
        known = cls.defaults()
        for key, value in options.items():
            if key not in known:
                raise LanglabError(f"unknown option {key!r} for task {cls.name}"
                                   f"{did_you_mean(key, known)} (options: {', '.join(known)})")
            if not _same_kind(value, known[key]):
                raise LanglabError(f"task {cls.name}: option {key} must be "
                                   f"{type(known[key]).__name__}, got {value!r}")
        resolved = {**known, **options}
        cls.check_values(resolved)
        return resolved

    @classmethod
    def check_values(cls, options: dict[str, Any]) -> None:
        """Raise a LanglabError for a bad option value (``options`` is resolved)."""

    @classmethod
    def needs_causal(cls, options: dict[str, Any]) -> str | None:
        """Why the task, with these resolved ``options``, needs a causal model (its loss or
        score reads a prediction of a later token at an earlier position), or None. A model that
        attends both ways would read the answer there."""
        return None

    def check_model(self, model: Any) -> None:
        """A one-line LanglabError when ``model`` attends both ways and the task needs a causal
        one (:meth:`needs_causal`)."""
        why = None if getattr(model, "causal", True) else self.needs_causal(self.options)
        if why:
            raise LanglabError(f"task {self.name} needs a causal model ({why}); this "
                               f"{getattr(model, 'registry_name', 'model')} attends both ways "
                               f"(causal: false)")

    @classmethod
    def check_language(cls, lang: Language) -> None:
        """Raise a one-line LanglabError when the task cannot be asked of ``lang`` (the
        default: every language can). Suites call it before any training."""

    @classmethod
    def data_request(cls, options: dict[str, Any]) -> DataRequest:
        """What the data layer builds for the resolved ``options``."""
        return DataRequest(cls.name, {k: options[k] for k in cls.data_options})

    def __init__(self, vocab: Vocab, **options: Any):
        resolved = self.resolve(options)   # the data's own options are accepted, not kept
        self.vocab = vocab
        self.options = {k: resolved[k] for k in self.head_options}
        conv = vocab.targets
        self.columns = tuple(conv.columns)   # scored output columns
        self.first_position = conv.first_position

    # ------------------------------------------------------------------ what a task implements
    def make_head(self, d_model: int) -> nn.Module:
        """A module mapping states (B, T, d_model) to the task's outputs (B, T, K)."""
        raise NotImplementedError

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        raise NotImplementedError

    def validation_loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """The loss that selection and early stopping compare (default: the training loss). A
        task whose training loss adds weighted terms that selection must not see overrides it."""
        return self.loss(out, batch)

    def score(self, pairs: Iterable[tuple[Batch, torch.Tensor]]) -> dict[str, Any]:
        """``metrics`` (floats) and ``by_length``: ``{str(length): [right, total]}``, from
        (batch, head output) pairs over a split (see :func:`outputs`)."""
        raise NotImplementedError

    def evaluate(self, model: nn.Module, head: nn.Module, split: Split, batch_size: int = 256
                 ) -> dict[str, Any]:
        """:meth:`score` over one pass of ``model`` + ``head`` over ``split``."""
        return self.score(outputs(model, head, split, batch_size))

    # ------------------------------------------------------------------ shared helpers
    def scored_positions(self, batch: Batch) -> torch.Tensor:
        """(B, T) bool: valid positions at or after the convention's first scored position."""
        mask = batch.mask.clone()
        mask[:, : self.first_position] = False
        return mask

    def set_targets(self, out: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and 0/1 targets of the scored next-symbol columns, (B, T, C) each."""
        import torch

        if batch.next is None:
            raise LanglabError(f"task {self.name}: the dataset has no next-symbol targets "
                               f"(build a recognition dataset with aux_targets=True)")
        cols = torch.tensor(self.columns, dtype=torch.long, device=out.device)
        return out.index_select(-1, cols), batch.next.index_select(-1, cols)

    def cut(self) -> float:
        """The logit of the ``threshold`` option: an output above it says yes."""
        import torch

        return torch.logit(torch.tensor(float(self.options["threshold"]))).item()


def check_threshold(task: str, options: dict[str, Any]) -> None:
    """A ``threshold`` option is a probability strictly between 0 and 1."""
    if not 0.0 < float(options["threshold"]) < 1.0:
        raise LanglabError(f"task {task}: threshold must be between 0 and 1 (exclusive), "
                           f"got {options['threshold']!r}")


def _same_kind(value: Any, default: Any) -> bool:
    """Whether ``value`` may stand for an option whose default is ``default``."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, type(default))


def outputs(model: nn.Module, head: nn.Module, split: Split, batch_size: int
            ) -> Iterator[tuple[Batch, torch.Tensor]]:
    """(batch, head outputs) over a split, in eval mode without gradients; restores modes."""
    import torch

    modes = (model.training, head.training)
    model.eval()
    head.eval()
    try:
        device = next(head.parameters()).device
        with torch.no_grad():
            for batch in split.batches(batch_size, shuffle=False):
                batch = batch.to(device)
                yield batch, head(model(batch.tokens, batch.lengths))
    finally:
        model.train(modes[0])
        head.train(modes[1])


def tally(by_length: dict[int, list[int]], lengths: torch.Tensor, ok: torch.Tensor) -> None:
    """Add per-string outcomes to ``{string length: [right, total]}``."""
    for n, good in zip(lengths.tolist(), ok.tolist()):
        cell = by_length.setdefault(n, [0, 0])
        cell[0] += int(good)
        cell[1] += 1


def rates(by_length: dict[int, list[int]]) -> dict[str, list[int]]:
    """``{str(length): [right, total]}`` sorted by length (JSON keys are strings)."""
    return {str(n): by_length[n] for n in sorted(by_length)}
