"""The two task formulations: task heads, losses and metrics live here, not in the models.

- **next-symbol** (Bhattamishra et al. 2020; Sarrof et al. 2024): after each prefix, predict the
  k-hot set of tokens that keep it alive, plus EOS when it is a member. A position is right when
  every scored output, thresholded, equals its target; a string is right when every scored
  position is. The headline ``accuracy`` is string accuracy.
- **recognition** (Butoi et al. 2025): accept or reject the whole string from the state after
  its last token. ``accuracy`` is the fraction classified correctly. Optional auxiliary losses
  on positives: ``aux="next-symbol"`` (needs a dataset built with ``aux_targets=True``) or
  ``aux="lm"`` (next-token language modelling, EOS after the last token).

A model maps ``(tokens [B, T], lengths [B])`` to states ``[B, T, D]``, one per prefix (BOS
included); ``make_head(D)`` maps states to the task's outputs.

>>> import torch
>>> from langlab.data import Vocab
>>> task = get_task("next-symbol", Vocab(("a", "b")))
>>> head = task.make_head(8)
>>> head(torch.zeros(2, 5, 8)).shape
torch.Size([2, 5, 3])
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from langlab.data.splits import HEAD_OPTIONS, Split, check_options
from langlab.data.tensors import Batch, Vocab
from langlab.errors import LanglabError, UnknownNameError


class Task:
    """A task formulation. Subclasses set ``name`` and ``defaults`` and implement the rest."""

    name = ""
    defaults: dict[str, Any] = {}

    def __init__(self, vocab: Vocab, **options: Any):
        # The same options go to build_dataset: accept the data's own, use only ours.
        check_options(self.name, options)
        self.vocab = vocab
        self.options = {k: options.get(k, v) for k, v in self.defaults.items()}
        conv = vocab.targets
        self.columns = torch.tensor(conv.columns, dtype=torch.long)   # scored output columns
        self.first_position = conv.first_position

    def make_head(self, d_model: int) -> nn.Module:
        raise NotImplementedError

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        raise NotImplementedError

    def evaluate(self, model: nn.Module, head: nn.Module, split: Split, batch_size: int = 256
                 ) -> dict[str, Any]:
        raise NotImplementedError

    # ------------------------------------------------------------------ shared helpers
    def scored_positions(self, batch: Batch) -> torch.Tensor:
        """(B, T) bool: valid positions at or after the convention's first scored position."""
        mask = batch.mask.clone()
        mask[:, : self.first_position] = False
        return mask

    def _set_targets(self, out: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and 0/1 targets of the scored columns, (B, T, C) each."""
        if batch.next is None:
            raise LanglabError(f"task {self.name}: the dataset has no next-symbol targets "
                               f"(build a recognition dataset with aux_targets=True)")
        cols = self.columns.to(out.device)
        return out.index_select(-1, cols), batch.next.index_select(-1, cols)


def _outputs(model: nn.Module, head: nn.Module, split: Split, batch_size: int):
    """(batch, head outputs) over a split, in eval mode without gradients; restores modes."""
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


def _tally(by_length: dict[int, list[int]], lengths: torch.Tensor, ok: torch.Tensor) -> None:
    """Add per-string outcomes to ``{string length: [right, total]}``."""
    for n, good in zip(lengths.tolist(), ok.tolist()):
        cell = by_length.setdefault(n, [0, 0])
        cell[0] += int(good)
        cell[1] += 1


def _rates(by_length: dict[int, list[int]]) -> dict[str, list[int]]:
    """``{str(length): [right, total]}`` sorted by length (JSON keys are strings)."""
    return {str(n): by_length[n] for n in sorted(by_length)}


class NextSymbolTask(Task):
    """Predict the next-symbol set after every prefix (sigmoid per output, BCE loss)."""

    name = "next-symbol"
    defaults = HEAD_OPTIONS["next-symbol"]

    def make_head(self, d_model: int) -> nn.Module:
        return nn.Linear(d_model, self.vocab.n_outputs)

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        logits, target = self._set_targets(out, batch)                        # (B, T, C)
        pos = self.scored_positions(batch)                                     # (B, T)
        if not pos.any():
            return out.sum() * 0.0
        return F.binary_cross_entropy_with_logits(logits[pos], target[pos])

    def evaluate(self, model: nn.Module, head: nn.Module, split: Split, batch_size: int = 256
                 ) -> dict[str, Any]:
        cut = torch.logit(torch.tensor(float(self.options["threshold"]))).item()
        strings = right = positions = pos_right = 0
        by_length: dict[int, list[int]] = {}
        for batch, out in _outputs(model, head, split, batch_size):
            logits, target = self._set_targets(out, batch)
            pos = self.scored_positions(batch)                                 # (B, T)
            ok = ((logits > cut) == (target > 0.5)).all(-1)                    # (B, T)
            string_ok = (ok | ~pos).all(-1)                                    # (B,)
            right += int(string_ok.sum())
            strings += len(batch)
            pos_right += int((ok & pos).sum())
            positions += int(pos.sum())
            _tally(by_length, batch.lengths - 1, string_ok)
        return {"accuracy": right / max(strings, 1),
                "position_accuracy": pos_right / max(positions, 1), "n": float(strings),
                "by_length": _rates(by_length)}


class RecognitionTask(Task):
    """Classify the whole string from the state after its last token (BCE on one logit)."""

    name = "recognition"
    defaults = HEAD_OPTIONS["recognition"]
    AUX = ("none", "next-symbol", "lm")

    def __init__(self, vocab: Vocab, **options: Any):
        super().__init__(vocab, **options)
        if self.options["aux"] not in self.AUX:
            raise UnknownNameError("auxiliary loss", str(self.options["aux"]), list(self.AUX))

    def make_head(self, d_model: int) -> nn.Module:
        extra = 0 if self.options["aux"] == "none" else self.vocab.n_outputs
        return nn.Linear(d_model, 1 + extra)   # column 0: accept logit; then aux outputs

    @staticmethod
    def final_logits(out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """(B,) the accept logit at each string's last position."""
        rows = torch.arange(out.shape[0], device=out.device)
        return out[rows, batch.lengths - 1, 0]

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        loss = F.binary_cross_entropy_with_logits(self.final_logits(out, batch), batch.labels)
        aux = self.options["aux"]
        if aux == "none":
            return loss
        extra = out[..., 1:]                                                  # (B, T, K)
        positive = batch.labels > 0.5                                         # (B,)
        if not positive.any():
            return loss + 0.0 * extra.sum()
        if aux == "next-symbol":
            logits, target = self._set_targets(extra, batch)                  # (B, T, C)
            pos = self.scored_positions(batch) & positive[:, None]            # (B, T)
            aux_loss = F.binary_cross_entropy_with_logits(logits[pos], target[pos])
        else:
            aux_loss = F.cross_entropy(extra.flatten(0, 1), self._lm_targets(batch).flatten(),
                                       ignore_index=-100)
        return loss + float(self.options["aux_weight"]) * aux_loss

    def _lm_targets(self, batch: Batch) -> torch.Tensor:
        """(B, T) output index of the token after each prefix (EOS after the last; -100 at
        padding and on negatives)."""
        B, T = batch.tokens.shape
        target = torch.full((B, T), -100, dtype=torch.long, device=batch.tokens.device)
        nxt = batch.tokens[:, 1:]                                             # (B, T-1)
        target[:, :-1] = torch.where(nxt > 1, nxt - 2, torch.full_like(nxt, -100))
        target[torch.arange(B, device=target.device), batch.lengths - 1] = self.vocab.n_outputs - 1
        target[batch.labels < 0.5] = -100
        return target

    def evaluate(self, model: nn.Module, head: nn.Module, split: Split, batch_size: int = 256
                 ) -> dict[str, Any]:
        cut = torch.logit(torch.tensor(float(self.options["threshold"]))).item()
        n = right = 0
        by_class = {1: [0, 0], 0: [0, 0]}   # label -> [right, total]
        by_length: dict[int, list[int]] = {}
        for batch, out in _outputs(model, head, split, batch_size):
            pred = self.final_logits(out, batch) > cut
            gold = batch.labels > 0.5
            ok = pred == gold
            right += int(ok.sum())
            n += len(batch)
            _tally(by_length, batch.lengths - 1, ok)
            for label, sel in ((1, gold), (0, ~gold)):
                by_class[label][0] += int(ok[sel].sum())
                by_class[label][1] += int(sel.sum())
        metrics = {"accuracy": right / max(n, 1), "n": float(n), "by_length": _rates(by_length)}
        for label, key in ((1, "positive_accuracy"), (0, "negative_accuracy")):
            if by_class[label][1]:
                metrics[key] = by_class[label][0] / by_class[label][1]
        return metrics


TASKS: dict[str, type[Task]] = {t.name: t for t in (NextSymbolTask, RecognitionTask)}


def get_task(name: str, vocab: Vocab, **options: Any) -> Task:
    """The task ``name`` (``"next-symbol"`` or ``"recognition"``) over ``vocab``."""
    if name not in TASKS:
        raise UnknownNameError("task", name, list(TASKS))
    return TASKS[name](vocab, **options)
