"""**recognition** (Butoi et al. 2025): accept or reject the whole string from the state after
its last token; the data are balanced members and non-members of matched lengths.

``accuracy`` is the fraction classified correctly. Options: ``edit_fraction`` (the share of
negatives made by editing a member), ``aux_targets`` (next-symbol sets on positives), and an
auxiliary loss on positives, ``aux="next-symbol"`` (switches ``aux_targets`` on) or ``aux="lm"``
(next-token language modelling, EOS after the last token), weighted by ``aux_weight``.

>>> RecognitionTask.data_request(RecognitionTask.resolve({"aux": "next-symbol"}))
DataRequest(task='recognition', options={'aux_targets': True, 'edit_fraction': 0.5}, negatives=True, next_sets=True, edit_fraction=0.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from langlab.data.splits import DataRequest
from langlab.data.tensors import Batch
from langlab.errors import LanglabError, did_you_mean
from langlab.tasks.base import Task, check_threshold, rates, register, tally

if TYPE_CHECKING:
    import torch
    from torch import nn


@register
class RecognitionTask(Task):
    """Classify the whole string from the state after its last token (BCE on one logit)."""

    name = "recognition"
    description = "accept or reject the whole string (balanced members and non-members)"
    data_options = {"aux_targets": False, "edit_fraction": 0.5}
    head_options = {"threshold": 0.5, "aux": "none", "aux_weight": 1.0}
    metrics = ("accuracy", "positive_accuracy", "negative_accuracy", "n")
    score_legend = "percent of test strings classified correctly (accept/reject)"
    score_axis = "strings classified correctly (%)"
    AUX = ("none", "next-symbol", "lm")

    @classmethod
    def check_values(cls, options: dict[str, Any]) -> None:
        if options["aux"] not in cls.AUX:
            raise LanglabError(f"task {cls.name}: aux={options['aux']!r} is not one of "
                               f"{', '.join(cls.AUX)}{did_you_mean(options['aux'], cls.AUX)}")
        if not 0.0 <= float(options["edit_fraction"]) <= 1.0:
            raise LanglabError(f"task {cls.name}: edit_fraction must be between 0 and 1, "
                               f"got {options['edit_fraction']!r}")
        check_threshold(cls.name, options)
        if float(options["aux_weight"]) < 0:
            raise LanglabError(f"task {cls.name}: aux_weight must be >= 0, "
                               f"got {options['aux_weight']!r}")

    @classmethod
    def data_request(cls, options: dict[str, Any]) -> DataRequest:
        aux_targets = bool(options["aux_targets"]) or options["aux"] == "next-symbol"
        return DataRequest(cls.name, {"aux_targets": aux_targets,
                                      "edit_fraction": options["edit_fraction"]},
                           negatives=True, next_sets=aux_targets,
                           edit_fraction=float(options["edit_fraction"]))

    def make_head(self, d_model: int) -> nn.Module:
        from torch import nn

        extra = 0 if self.options["aux"] == "none" else self.vocab.n_outputs
        return nn.Linear(d_model, 1 + extra)   # column 0: accept logit; then aux outputs

    @staticmethod
    def final_logits(out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """(B,) the accept logit at each string's last position."""
        import torch

        rows = torch.arange(out.shape[0], device=out.device)
        return out[rows, batch.lengths - 1, 0]

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        import torch.nn.functional as F

        loss = F.binary_cross_entropy_with_logits(self.final_logits(out, batch), batch.labels)
        aux = self.options["aux"]
        if aux == "none":
            return loss
        extra = out[..., 1:]                                                  # (B, T, K)
        positive = batch.labels > 0.5                                         # (B,)
        if not positive.any():
            return loss + 0.0 * extra.sum()
        if aux == "next-symbol":
            logits, target = self.set_targets(extra, batch)                   # (B, T, C)
            pos = self.scored_positions(batch) & positive[:, None]            # (B, T)
            aux_loss = F.binary_cross_entropy_with_logits(logits[pos], target[pos])
        else:
            aux_loss = F.cross_entropy(extra.flatten(0, 1), self._lm_targets(batch).flatten(),
                                       ignore_index=-100)
        return loss + float(self.options["aux_weight"]) * aux_loss

    def _lm_targets(self, batch: Batch) -> torch.Tensor:
        """(B, T) output index of the token after each prefix (EOS after the last; -100 at
        padding and on negatives)."""
        import torch

        B, T = batch.tokens.shape
        target = torch.full((B, T), -100, dtype=torch.long, device=batch.tokens.device)
        nxt = batch.tokens[:, 1:]                                             # (B, T-1)
        target[:, :-1] = torch.where(nxt > 1, nxt - 2, torch.full_like(nxt, -100))
        target[torch.arange(B, device=target.device), batch.lengths - 1] = self.vocab.n_outputs - 1
        target[batch.labels < 0.5] = -100
        return target

    def score(self, pairs: Iterable[tuple[Batch, torch.Tensor]]) -> dict[str, Any]:
        cut = self.cut()
        n = right = 0
        by_class = {1: [0, 0], 0: [0, 0]}   # label -> [right, total]
        by_length: dict[int, list[int]] = {}
        for batch, out in pairs:
            pred = self.final_logits(out, batch) > cut
            gold = batch.labels > 0.5
            ok = pred == gold
            right += int(ok.sum())
            n += len(batch)
            tally(by_length, batch.lengths - 1, ok)
            for label, sel in ((1, gold), (0, ~gold)):
                by_class[label][0] += int(ok[sel].sum())
                by_class[label][1] += int(sel.sum())
        metrics = {"accuracy": right / max(n, 1), "n": float(n), "by_length": rates(by_length)}
        for label, key in ((1, "positive_accuracy"), (0, "negative_accuracy")):
            if by_class[label][1]:
                metrics[key] = by_class[label][0] / by_class[label][1]
        return metrics
