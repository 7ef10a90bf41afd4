"""Stack-RNN: a recurrent controller with a differentiable stack (Joulin & Mikolov 2015).

At step t the controller reads the token and the top of the stack, and emits a soft choice
among push / pop / no-op plus a value to push (Delétang et al. 2023, Sec. 3):

    h_t      = cell(x_t, top(S_{t-1}), h_{t-1})
    a_t      = softmax(W_a h_t)                  # (push, pop, no-op)
    v_t      = tanh(W_v h_t)                     # element of width stack_width
    S_t      = a_push * [v_t; S_{t-1}[:-1]] + a_pop * [S_{t-1}[1:]; 0] + a_noop * S_{t-1}

The output at t is [h_t ; top(S_t)], the controller state and the stack top *after* reading
token t, so D = hidden + stack_width. A Python loop over time is unavoidable (each step reads
the stack the previous one wrote); each step is a handful of batched ops on (B, depth, width).

>>> import torch
>>> from langlab.models import build_model
>>> m = build_model("stack-rnn", vocab_size=4, hidden=16, stack_depth=8, stack_width=4)
>>> m(torch.tensor([[1, 1, 2, 2]]), torch.tensor([4])).shape
torch.Size([1, 4, 20])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from langlab.models.common import Encoder, dropout_ok, positive, register


@dataclass
class StackRNNConfig:
    """Settings of the Stack-RNN.

    hidden: controller width; controller: "rnn" (tanh Elman, as in Delétang et al.) or "lstm";
    stack_depth: stack cells (elements pushed deeper are lost); stack_width: element width;
    dropout: on the output.
    """

    vocab_size: int
    hidden: int = 64
    controller: str = "rnn"
    stack_depth: int = 64
    stack_width: int = 8
    dropout: float = 0.0
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"controller": ("rnn", "lstm")}

    def check(self) -> None:
        positive("stack-rnn", hidden=self.hidden, stack_depth=self.stack_depth, stack_width=self.stack_width)
        dropout_ok("stack-rnn", self.dropout)


@register("stack-rnn")
class StackRNNEncoder(Encoder):
    """Controller + soft stack; output (B, T, hidden + stack_width)."""

    Config = StackRNNConfig
    width_field = "hidden"

    def __init__(self, config: StackRNNConfig):
        super().__init__()
        self.config = c = config
        gates = 4 if c.controller == "lstm" else 1
        self.embed = nn.Embedding(c.vocab_size, c.hidden, padding_idx=0)
        # The input projection of every step is computed at once, outside the time loop.
        self.input_proj = nn.Linear(c.hidden, gates * c.hidden)
        self.recurrent = nn.Linear(c.hidden + c.stack_width, gates * c.hidden, bias=False)
        self.actions = nn.Linear(c.hidden, 3 + c.stack_width)  # push/pop/no-op logits + push value
        self.drop = nn.Dropout(c.dropout)
        self.output_dim = c.hidden + c.stack_width

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        c = self.config
        B, T = tokens.shape
        pre = self.input_proj(self.embed(tokens))  # (B, T, G*H)
        h = pre.new_zeros(B, c.hidden)  # (B, H)
        cell = pre.new_zeros(B, c.hidden)  # LSTM cell state, unused by the tanh controller
        # T steps push at most T values, so cells below depth T stay zero: the stack is cut to
        # min(stack_depth, T) rows, which changes no number and saves work on short inputs.
        depth = min(c.stack_depth, max(T, 1))
        stack = pre.new_zeros(B, depth, c.stack_width)  # (B, depth, W), index 0 is the top
        empty = pre.new_zeros(B, 1, c.stack_width)
        outputs = []
        # unbind, not pre[:, t]: each indexing would cost a full-size zero gradient in backward.
        for pre_t in pre.unbind(dim=1):
            z = pre_t + self.recurrent(torch.cat([h, stack[:, 0]], dim=-1))  # (B, G*H)
            if c.controller == "lstm":
                i, f, g, o = z.chunk(4, dim=-1)
                cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(cell)
            else:
                h = torch.tanh(z)
            act = self.actions(h)  # (B, 3 + W)
            logits, value = act.split([3, c.stack_width], dim=-1)
            push, pop, noop = torch.softmax(logits, dim=-1)[:, :, None, None].unbind(dim=1)  # 3 x (B, 1, 1)
            pushed = torch.cat([torch.tanh(value)[:, None], stack[:, :-1]], dim=1)  # (B, depth, W)
            popped = torch.cat([stack[:, 1:], empty], dim=1)  # (B, depth, W)
            stack = push * pushed + pop * popped + noop * stack
            outputs.append(torch.cat([h, stack[:, 0]], dim=-1))  # (B, H + W)
        out = torch.stack(outputs, dim=1) if outputs else pre.new_zeros(B, 0, self.output_dim)
        return self.drop(out) * self.real_mask(lengths, T)
