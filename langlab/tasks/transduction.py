"""**transduction** (Delétang et al. 2023, "Neural Networks and the Chomsky Hierarchy"): read
``x``, then ``|f(x)|`` blank computation positions, and emit ``f(x)`` one token per blank (CHE's
non-autoregressive setting). The language must declare a function form
(:mod:`langlab.languages.transduce`); its inputs are drawn like members of any language.

Loss: cross-entropy over the output alphabet at the blanks only. Metrics: ``accuracy``, the
share of test inputs whose whole output is right (ours, the headline); ``token_accuracy``, the
share of output tokens right; ``che_score``, CHE's score as the paper reports it: per-token
accuracy averaged over the input lengths of the split, each length weighing the same.
``by_length`` counts whole sequences.

>>> from langlab.data.transduction import transduction_vocab
>>> from langlab.languages.registry import load_language
>>> form = load_language("che/parity-check").function_form()
>>> task = TransductionTask(transduction_vocab(form))
>>> task.columns, task.make_head(8)
((0, 1), Linear(in_features=8, out_features=4, bias=True))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from langlab.data.splits import DataRequest
from langlab.data.tensors import Batch
from langlab.languages.transduce import function_form
from langlab.tasks.base import Task, rates, register, tally

if TYPE_CHECKING:
    import torch
    from torch import nn

    from langlab.languages.base import Language


@register
class TransductionTask(Task):
    """Emit ``f(x)`` at the blanks after ``x`` (softmax over the output alphabet, CE loss)."""

    name = "transduction"
    description = "read x then |f(x)| blanks; emit f(x) at the blanks (the function form)"
    metrics = ("accuracy", "token_accuracy", "che_score", "n")
    score_legend = "percent of test inputs whose whole output f(x) is correct"
    score_axis = "outputs fully correct (%)"
    score_name = "sequence accuracy"
    side_metric = ("token_accuracy", "per-token accuracy")

    @classmethod
    def check_language(cls, lang: Language) -> None:
        function_form(lang)   # a language without one: the one-line error naming its tasks

    @classmethod
    def data_request(cls, options: dict[str, Any]) -> DataRequest:
        return DataRequest(cls.name, {}, function=True)

    def make_head(self, d_model: int) -> nn.Module:
        from torch import nn

        return nn.Linear(d_model, self.vocab.n_outputs)

    def targets(self, out: torch.Tensor, batch: Batch
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Logits over the output alphabet (B, T, C), the target index (B, T), and the
        output positions (B, T) bool."""
        logits, onehot = self.set_targets(out, batch)                          # (B, T, C)
        pos = (onehot.sum(-1) > 0.5) & batch.mask                               # (B, T)
        return logits, onehot.argmax(-1), pos

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        import torch.nn.functional as F

        logits, gold, pos = self.targets(out, batch)
        if not pos.any():
            return out.sum() * 0.0
        return F.cross_entropy(logits[pos], gold[pos])

    def score(self, pairs: Iterable[tuple[Batch, torch.Tensor]]) -> dict[str, Any]:
        strings = right = tokens = tok_right = 0
        by_length: dict[int, list[int]] = {}
        tok_by_length: dict[int, list[int]] = {}
        for batch, out in pairs:
            logits, gold, pos = self.targets(out, batch)
            ok = (logits.argmax(-1) == gold) & pos                              # (B, T)
            n_out = pos.sum(-1)                                                 # (B,)
            seq_ok = ok.sum(-1) == n_out                                        # (B,)
            lengths = batch.lengths - 1 - n_out                                 # input lengths
            right += int(seq_ok.sum())
            strings += len(batch)
            tok_right += int(ok.sum())
            tokens += int(n_out.sum())
            tally(by_length, lengths, seq_ok)
            for n, good, total in zip(lengths.tolist(), ok.sum(-1).tolist(), n_out.tolist()):
                cell = tok_by_length.setdefault(n, [0, 0])
                cell[0] += good
                cell[1] += total
        per_length = [r / t for r, t in tok_by_length.values() if t]
        return {"accuracy": right / max(strings, 1), "token_accuracy": tok_right / max(tokens, 1),
                "che_score": sum(per_length) / max(len(per_length), 1), "n": float(strings),
                "by_length": rates(by_length)}
