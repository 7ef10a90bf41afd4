"""**next-symbol** (Bhattamishra et al. 2020; Sarrof et al. 2024): after each prefix, predict the
k-hot set of tokens that keep it alive, plus EOS when the prefix is a member.

A position is right when every scored output, thresholded, equals its target; a string is right
when every scored position is. The headline ``accuracy`` is string accuracy. For parity, after
the prefix ``1`` the target is ``{0, 1}`` (no EOS: ``1`` has odd parity); after ``11`` it is
``{0, 1, <eos>}``.

>>> from langlab.data import Vocab
>>> task = NextSymbolTask(Vocab(("0", "1")))
>>> task.options, task.make_head(8)
({'threshold': 0.5, 'loss': 'bce'}, Linear(in_features=8, out_features=3, bias=True))

``loss: mse`` is the 2020 paper's loss: the mean squared error of the sigmoid outputs (its
code's ``nn.MSELoss`` on ``sigmoid`` outputs), instead of binary cross-entropy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from langlab.data.tensors import Batch
from langlab.tasks.base import Task, check_threshold, rates, register, tally

if TYPE_CHECKING:
    import torch
    from torch import nn


@register
class NextSymbolTask(Task):
    """Predict the next-symbol set after every prefix (sigmoid per output, BCE loss)."""

    name = "next-symbol"
    description = "after each prefix, the set of tokens that can follow (EOS: it is a member)"
    head_options = {"threshold": 0.5, "loss": "bce"}
    metrics = ("accuracy", "position_accuracy", "n")
    score_legend = "percent of test strings whose every position is correct"
    score_axis = "strings fully correct (%)"
    score_name = "string accuracy"

    @classmethod
    def check_values(cls, options: dict[str, Any]) -> None:
        check_threshold(cls.name, options)
        if "loss" in options and options["loss"] not in ("bce", "mse"):
            from langlab.errors import LanglabError

            raise LanglabError(f"task {cls.name}: option loss must be bce or mse, "
                               f"not {options['loss']!r}")

    @classmethod
    def needs_causal(cls, options: dict[str, Any]) -> str | None:
        return "it predicts each next symbol from the prefix before it"

    def make_head(self, d_model: int) -> nn.Module:
        from torch import nn

        return nn.Linear(d_model, self.vocab.n_outputs)

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        import torch.nn.functional as F

        logits, target = self.set_targets(out, batch)                         # (B, T, C)
        pos = self.scored_positions(batch)                                     # (B, T)
        if not pos.any():
            return out.sum() * 0.0
        if self.options.get("loss") == "mse":
            return F.mse_loss(logits[pos].sigmoid(), target[pos])
        return F.binary_cross_entropy_with_logits(logits[pos], target[pos])

    def score(self, pairs: Iterable[tuple[Batch, torch.Tensor]]) -> dict[str, Any]:
        cut = self.cut()
        strings = right = positions = pos_right = 0
        by_length: dict[int, list[int]] = {}
        for batch, out in pairs:
            logits, target = self.set_targets(out, batch)
            pos = self.scored_positions(batch)                                 # (B, T)
            ok = ((logits > cut) == (target > 0.5)).all(-1)                    # (B, T)
            string_ok = (ok | ~pos).all(-1)                                    # (B,)
            right += int(string_ok.sum())
            strings += len(batch)
            pos_right += int((ok & pos).sum())
            positions += int(pos.sum())
            tally(by_length, batch.lengths - 1, string_ok)
        return {"accuracy": right / max(strings, 1),
                "position_accuracy": pos_right / max(positions, 1), "n": float(strings),
                "by_length": rates(by_length)}
