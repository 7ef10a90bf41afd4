"""Elman RNN, LSTM and GRU encoders on torch's fused kernels (``nn.RNN``/``nn.LSTM``/``nn.GRU``).

The encoders run the whole padded batch without packing: a recurrent network is causal, so the
outputs at real positions (the padding comes after them) never see the padding. Packing would
only save the work on padded steps and costs more than it saves at the lengths langlab uses.

>>> import torch
>>> from langlab.models import build_model
>>> m = build_model("lstm", vocab_size=6, hidden=32, layers=2)
>>> m(torch.tensor([[1, 2, 3], [4, 0, 0]]), torch.tensor([3, 1])).shape
torch.Size([2, 3, 32])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from langlab.models.common import Encoder, dropout_ok, positive, register


@dataclass
class RecurrentConfig:
    """Settings of a fused recurrent encoder.

    vocab_size: token ids 0..vocab_size-1, 0 is padding.
    hidden:     state width (also the output width D).
    layers:     stacked recurrent layers.
    dropout:    between stacked layers and on the output.
    embedding:  embedding width; None means equal to ``hidden``.
    input:      ``embedding`` (learned vectors) or ``onehot`` (the token's one-hot vector fed to
                the recurrent layer, as the 2020 paper's code does; ``embedding`` is then unused).
    """

    vocab_size: int
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.0
    embedding: int | None = None
    input: str = "embedding"
    cell: ClassVar[str] = "lstm"
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {"input": ("embedding", "onehot")}

    def check(self) -> None:
        positive(self.cell, hidden=self.hidden, layers=self.layers, embedding=self.embedding)
        dropout_ok(self.cell, self.dropout)


@dataclass
class RNNConfig(RecurrentConfig):
    """The Elman RNN's settings: those of every recurrent encoder, and

    nonlinearity: ``tanh`` (bounded state) or ``relu`` (``nn.RNN``'s other choice: a state that
                  can grow with the input, as a counter does).
    """

    nonlinearity: str = "tanh"
    cell: ClassVar[str] = "rnn"
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {**RecurrentConfig.CHOICES,
                                                     "nonlinearity": ("tanh", "relu")}


@dataclass
class LSTMConfig(RecurrentConfig):
    cell: ClassVar[str] = "lstm"


@dataclass
class GRUConfig(RecurrentConfig):
    cell: ClassVar[str] = "gru"


_CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecurrentEncoder(Encoder):
    """Embedding -> fused multi-layer RNN -> dropout; output (B, T, hidden)."""

    Config = RecurrentConfig
    width_field = "hidden"

    def __init__(self, config: RecurrentConfig):
        super().__init__()
        self.config = config
        self.onehot = config.input == "onehot"
        emb = config.vocab_size if self.onehot else config.embedding or config.hidden
        self.embed = None if self.onehot else nn.Embedding(config.vocab_size, emb, padding_idx=0)
        extra = {"nonlinearity": config.nonlinearity} if config.cell == "rnn" else {}
        self.rnn = _CELLS[config.cell](
            emb, config.hidden, num_layers=config.layers, batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0, **extra)
        self.drop = nn.Dropout(config.dropout)
        self.output_dim = config.hidden

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        if self.onehot:
            x = nn.functional.one_hot(tokens, self.config.vocab_size).float()  # (B, T, V)
        else:
            x = self.embed(tokens)  # (B, T, E)
        h, _ = self.rnn(x)  # (B, T, H)
        return self.drop(h) * self.real_mask(lengths, tokens.size(1))


@register("rnn")
class RNNEncoder(RecurrentEncoder):
    """Elman RNN (``nn.RNN``), tanh unless ``nonlinearity: relu``."""

    Config = RNNConfig


@register("lstm")
class LSTMEncoder(RecurrentEncoder):
    """LSTM (``nn.LSTM``)."""

    Config = LSTMConfig


@register("gru")
class GRUEncoder(RecurrentEncoder):
    """GRU (``nn.GRU``)."""

    Config = GRUConfig
