"""**recognition** (Butoi et al. 2025): accept or reject the whole string from the state after
its last token; the data are balanced members and non-members of matched lengths.

``accuracy`` is the fraction classified correctly. Options: ``edit_fraction`` (the share of
negatives made by editing a member), ``aux_targets`` (next-symbol sets on positives), and an
auxiliary loss on positives, ``aux="next-symbol"`` (switches ``aux_targets`` on) or ``aux="lm"``
(next-token language modelling, EOS after the last token), weighted by ``aux_weight``.

FLaRe's recipe (Butoi et al. 2025, github.com/rycolab/neural-network-recognizers):

- ``negatives="flare"`` draws its negatives (:mod:`langlab.data.flare_negatives`): each
  proposal a member with ``Geometric(edit_p)`` random edits (with probability
  ``edit_fraction``) or a uniform string, kept if a non-member. Every example records its edit
  count, and the metrics add ``by_edits``: ``{"1": [right, total], "2": ..., "uniform": ...}``
  over the negatives. ``negatives="langlab"`` (the default) is :mod:`langlab.data.negatives`.
- ``lm_loss`` and ``next_loss``: coefficients of language modelling and next-symbol prediction
  on the positives, each with its own output block, added to the BCE as in FLaRe's
  ``training_loop.py``: per string, the cross-entropy (LM) or the BCE averaged over the output
  columns (next symbols) summed over its positions and divided by their number, then averaged
  over the positive strings. 0 (the default) is off: no output block, today's loss exactly.

>>> RecognitionTask.data_request(RecognitionTask.resolve({"aux": "next-symbol"}))
DataRequest(task='recognition', options={'aux_targets': True, 'edit_fraction': 0.5}, negatives=True, next_sets=True, edit_fraction=0.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from langlab.data.flare_negatives import UNIFORM
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
    data_options = {"aux_targets": False, "edit_fraction": 0.5, "negatives": "langlab",
                    "edit_p": 0.5}
    head_options = {"threshold": 0.5, "aux": "none", "aux_weight": 1.0, "lm_loss": 0.0,
                    "next_loss": 0.0}
    metrics = ("accuracy", "positive_accuracy", "negative_accuracy", "n")
    score_legend = "percent of test strings classified correctly (accept/reject)"
    score_axis = "strings classified correctly (%)"
    AUX = ("none", "next-symbol", "lm")
    NEGATIVES = ("langlab", "flare")

    @classmethod
    def check_values(cls, options: dict[str, Any]) -> None:
        if options["aux"] not in cls.AUX:
            raise LanglabError(f"task {cls.name}: aux={options['aux']!r} is not one of "
                               f"{', '.join(cls.AUX)}{did_you_mean(options['aux'], cls.AUX)}")
        if not 0.0 <= float(options["edit_fraction"]) <= 1.0:
            raise LanglabError(f"task {cls.name}: edit_fraction must be between 0 and 1, "
                               f"got {options['edit_fraction']!r}")
        check_threshold(cls.name, options)
        for key in ("aux_weight", "lm_loss", "next_loss"):
            if float(options[key]) < 0:
                raise LanglabError(f"task {cls.name}: {key} must be >= 0, got {options[key]!r}")
        if options["negatives"] not in cls.NEGATIVES:
            raise LanglabError(f"task {cls.name}: negatives={options['negatives']!r} is not one "
                               f"of {', '.join(cls.NEGATIVES)}"
                               f"{did_you_mean(options['negatives'], cls.NEGATIVES)}")
        if not 0.0 < float(options["edit_p"]) <= 1.0:
            raise LanglabError(f"task {cls.name}: edit_p (the Geometric parameter of the number "
                               f"of edits) must be in (0, 1], got {options['edit_p']!r}")
        if options["negatives"] != "flare" and float(options["edit_p"]) != 0.5:
            raise LanglabError(f"task {cls.name}: edit_p applies to negatives: flare only "
                               f"(langlab's negatives use Geometric(0.5))")

    @classmethod
    def data_request(cls, options: dict[str, Any]) -> DataRequest:
        aux_targets = (bool(options["aux_targets"]) or options["aux"] == "next-symbol"
                       or float(options["next_loss"]) > 0)
        recorded = {"aux_targets": aux_targets, "edit_fraction": options["edit_fraction"]}
        if options["negatives"] != "langlab":   # only then: langlab's datasets keep their keys
            recorded.update(negatives=options["negatives"], edit_p=options["edit_p"])
        return DataRequest(cls.name, recorded, negatives=True, next_sets=aux_targets,
                           edit_fraction=float(options["edit_fraction"]),
                           negative_kind=options["negatives"], edit_p=float(options["edit_p"]))

    # The head's extra blocks, each with the option that turns it on.
    AUX_BLOCKS = (("aux", "aux"), ("lm", "lm_loss"), ("next", "next_loss"))

    @classmethod
    def aux_blocks(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        """(block, option) of each auxiliary block the resolved ``options`` turn on: ``aux``
        when it is not ``none``, ``lm_loss`` and ``next_loss`` when nonzero."""
        return [(name, key) for name, key in cls.AUX_BLOCKS
                if (options[key] != "none" if key == "aux" else float(options[key]) > 0)]

    def blocks(self) -> dict[str, slice]:
        """The head's output columns: ``accept`` (0), then one block of ``n_outputs`` columns
        for ``aux`` and for each nonzero coefficient of ``lm_loss`` and ``next_loss``."""
        k = self.vocab.n_outputs
        out, at = {"accept": slice(0, 1)}, 1
        for name, _ in self.aux_blocks(self.options):
            out[name], at = slice(at, at + k), at + k
        return out

    @classmethod
    def needs_causal(cls, options: dict[str, Any]) -> str | None:
        on = [f"{key}={options[key]}" for _, key in cls.aux_blocks(options)]
        return f"its auxiliary losses predict next tokens: {', '.join(on)}" if on else None

    def make_head(self, d_model: int) -> nn.Module:
        from torch import nn

        width = max(b.stop for b in self.blocks().values())
        return nn.Linear(d_model, width)   # column 0: accept logit; then the blocks

    @staticmethod
    def final_logits(out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """(B,) the accept logit at each string's last position."""
        import torch

        rows = torch.arange(out.shape[0], device=out.device)
        return out[rows, batch.lengths - 1, 0]

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        return self._loss(out, batch, flare_terms=True)

    def validation_loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """The loss without the ``lm_loss`` and ``next_loss`` terms: FLaRe selects on the
        recognition cross-entropy alone (``get_validation_metric_name`` in its
        ``training_loop.py``), so that trials with other coefficients compare. With both
        coefficients 0 it is :meth:`loss`."""
        return self._loss(out, batch, flare_terms=False)

    def _loss(self, out: torch.Tensor, batch: Batch, flare_terms: bool) -> torch.Tensor:
        import torch.nn.functional as F

        loss = F.binary_cross_entropy_with_logits(self.final_logits(out, batch), batch.labels)
        blocks = self.blocks()
        if flare_terms and ("lm" in blocks or "next" in blocks):
            loss = loss + self._flare_aux(out, batch, blocks)
        aux = self.options["aux"]
        if aux == "none":
            return loss
        extra = out[..., blocks["aux"]]                                       # (B, T, K)
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

    def _flare_aux(self, out: torch.Tensor, batch: Batch, blocks: dict[str, slice]
                   ) -> torch.Tensor:
        """``lm_loss * LM + next_loss * next-symbol`` on the positives, each a mean over
        positive strings of a per-string mean over positions (FLaRe's ``get_loss_terms``)."""
        import torch.nn.functional as F

        positive = batch.labels > 0.5                                         # (B,)
        total = out.new_zeros(())
        for name in ("lm", "next"):
            if name not in blocks:
                continue
            logits = out[..., blocks[name]]                                   # (B, T, K)
            if not positive.any():
                total = total + 0.0 * logits.sum()
                continue
            if name == "lm":
                target = self._lm_targets(batch)                              # (B, T)
                per_pos = F.cross_entropy(logits.transpose(1, 2), target.clamp(min=0),
                                          reduction="none")                   # (B, T)
                valid = target >= 0
            else:
                pred, target = self.set_targets(logits, batch)                # (B, T, C)
                per_pos = F.binary_cross_entropy_with_logits(
                    pred, target, reduction="none").mean(-1)                  # (B, T)
                valid = self.scored_positions(batch)
            valid = valid & positive[:, None]
            per_string = (per_pos * valid).sum(1) / valid.sum(1).clamp(min=1)  # (B,)
            term = per_string[positive].mean()
            total = total + float(self.options[f"{name}_loss"]) * term
        return total

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
        by_edits: dict[int, list[int]] = {}   # over the negatives, when edit counts are recorded
        for batch, out in pairs:
            pred = self.final_logits(out, batch) > cut
            gold = batch.labels > 0.5
            ok = pred == gold
            right += int(ok.sum())
            n += len(batch)
            tally(by_length, batch.lengths - 1, ok)
            if batch.edits is not None:
                tally(by_edits, batch.edits[~gold], ok[~gold])
            for label, sel in ((1, gold), (0, ~gold)):
                by_class[label][0] += int(ok[sel].sum())
                by_class[label][1] += int(sel.sum())
        metrics = {"accuracy": right / max(n, 1), "n": float(n), "by_length": rates(by_length)}
        if by_edits:
            metrics["by_edits"] = {("uniform" if k == UNIFORM else str(k)): by_edits[k]
                                   for k in sorted(by_edits, key=lambda k: (k == UNIFORM, k))}
        for label, key in ((1, "positive_accuracy"), (0, "negative_accuracy")):
            if by_class[label][1]:
                metrics[key] = by_class[label][0] / by_class[label][1]
        return metrics
