"""A causal Transformer encoder with six positional schemes, on ``scaled_dot_product_attention``.

Schemes (the setting ``positional``):

- ``none``: the causal mask only, no positional signal (the "positional masking" of
  Bhattamishra et al. 2020: causal attention alone lets a model count positions).
- ``sinusoidal``: fixed sin/cos encodings added to the embeddings (Vaswani et al. 2017).
- ``learned``: a learned table of ``max_len`` positions added to the embeddings.
- ``rope``: rotary encodings of queries and keys in every layer (Su et al. 2021).
- ``alibi``: per-head linear distance penalties on the attention logits (Press et al. 2022).
- ``randomized``: Ruoss et al. 2023 on top of ``randomized_base`` (sinusoidal, learned or rope):
  positions are a sorted random subset of {0..random_range-1}, drawn per sequence; see
  :func:`langlab.models.positional.random_positions` for the deterministic eval draw. The
  positions of a sequence depend on its length, so under this scheme the output at t depends on
  the tokens up to t *and on the sequence length* (never on later tokens or on padding).

Padding sits after the real tokens, so causal attention keeps it out of real positions.

``causal: false`` makes it an encoder that attends both ways (CHE's Transformer, Delétang et al.
2023, which reads the blanks of a transduction in both directions): a key-padding mask keeps
padding out, and ALiBi penalises distance in both directions, ``-slope * |i - j|``, half a
step less for earlier keys (CHE's way of telling left from right). Such a model
sees later tokens, so a task that predicts each next token from its prefix (next-symbol, or a
recognition loss on next tokens) refuses it (``Task.needs_causal``).

>>> import torch
>>> from langlab.models import build_model
>>> m = build_model("transformer", vocab_size=6, positional="rope", d_model=32, heads=4, layers=1)
>>> m(torch.tensor([[1, 2, 3]]), torch.tensor([3])).shape
torch.Size([1, 3, 32])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from langlab.errors import LanglabError
from langlab.models import positional as pe
from langlab.models.common import Encoder, ModelSettingError, dropout_ok, positive, register

POSITIONAL = ("none", "sinusoidal", "learned", "rope", "alibi", "randomized")


@dataclass
class TransformerConfig:
    """Settings of the causal Transformer.

    d_model: residual width (output width D); heads: attention heads (must divide d_model);
    layers: blocks; ff: feed-forward width (None: 4 * d_model); norm: "pre" or "post" LayerNorm;
    dropout: on embeddings, attention weights, residual branches; positional: see module doc;
    randomized_base: the scheme randomized positions feed; max_len: table size of ``learned``
    (longer inputs are an error); random_range: L of Ruoss et al. (must exceed every length seen);
    causal: False attends both ways (an encoder; see the module doc).
    """

    vocab_size: int
    d_model: int = 64
    heads: int = 4
    layers: int = 2
    ff: int | None = None
    norm: str = "pre"
    dropout: float = 0.0
    positional: str = "sinusoidal"
    randomized_base: str = "sinusoidal"
    max_len: int = 512
    random_range: int = 2048
    causal: bool = True
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "norm": ("pre", "post"), "positional": POSITIONAL,
        "randomized_base": ("sinusoidal", "learned", "rope")}

    @property
    def scheme(self) -> str:
        """The encoding the positions feed: ``randomized`` resolves to its base."""
        return self.randomized_base if self.positional == "randomized" else self.positional

    def check(self) -> None:
        positive("transformer", d_model=self.d_model, heads=self.heads, layers=self.layers,
                 ff=self.ff, max_len=self.max_len, random_range=self.random_range)
        dropout_ok("transformer", self.dropout)
        if self.d_model % self.heads:
            raise ModelSettingError(f"model 'transformer': heads={self.heads} must divide d_model={self.d_model}")


class Block(nn.Module):
    """One attention + feed-forward block, pre- or post-norm."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.heads, self.pre, self.p = cfg.heads, cfg.norm == "pre", cfg.dropout
        self.causal = cfg.causal
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        ff = cfg.ff or 4 * cfg.d_model
        self.ff = nn.Sequential(nn.Linear(cfg.d_model, ff), nn.ReLU(), nn.Linear(ff, cfg.d_model))
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def attend(self, x: torch.Tensor, rope_positions: torch.Tensor | None,
               bias: torch.Tensor | None) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4)  # 3 x (B, H, T, hd)
        if rope_positions is not None:
            q, k = pe.rope(q, rope_positions), pe.rope(k, rope_positions)
        causal = self.causal and bias is None
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, is_causal=causal,
                                           dropout_p=self.p if self.training else 0.0)  # (B, H, T, hd)
        return self.drop(self.proj(y.transpose(1, 2).reshape(B, T, C)))

    def forward(self, x: torch.Tensor, rope_positions: torch.Tensor | None,
                bias: torch.Tensor | None) -> torch.Tensor:
        if self.pre:
            x = x + self.attend(self.norm1(x), rope_positions, bias)
            return x + self.drop(self.ff(self.norm2(x)))
        x = self.norm1(x + self.attend(x, rope_positions, bias))
        return self.norm2(x + self.drop(self.ff(x)))


@register("transformer")
class TransformerEncoder(Encoder):
    """Embedding (+ positions) -> causal (or two-way) blocks -> final LayerNorm (pre-norm);
    (B, T, d_model)."""

    Config = TransformerConfig
    width_field = "d_model"

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = c = config
        self.embed = nn.Embedding(c.vocab_size, c.d_model, padding_idx=0)
        if c.scheme == "learned":
            table = c.random_range if c.positional == "randomized" else c.max_len
            self.pos_embed = nn.Embedding(table, c.d_model)
        self.drop = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.final_norm = nn.LayerNorm(c.d_model) if c.norm == "pre" else nn.Identity()
        self.output_dim = c.d_model
        self.causal = c.causal

    def positions(self, lengths: torch.Tensor, T: int) -> torch.Tensor:
        """(B, T) or (1, T) integer positions for this batch."""
        c = self.config
        if c.positional == "randomized":
            if T > c.random_range:
                raise LanglabError(f"transformer: length {T} exceeds random_range={c.random_range}; raise it")
            return pe.random_positions(lengths, T, c.random_range, self.training)
        if c.positional == "learned" and T > c.max_len:
            raise LanglabError(f"transformer: length {T} exceeds the learned positions (max_len={c.max_len})")
        return torch.arange(T, device=lengths.device)[None]

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        c = self.config
        B, T = tokens.shape
        x = self.embed(tokens)  # (B, T, C)
        positions = self.positions(lengths, T)  # (B or 1, T)
        if c.scheme == "sinusoidal":
            x = x + pe.sinusoidal(positions, c.d_model)
        elif c.scheme == "learned":
            x = x + self.pos_embed(positions)
        rope_positions = positions if c.scheme == "rope" else None
        if c.causal:
            bias = pe.alibi_bias(c.heads, T, tokens.device) if c.scheme == "alibi" else None  # (1, H, T, T)
        else:   # both ways: only padded keys are masked (every row has a real key: length >= 1)
            keys = torch.arange(T, device=tokens.device)[None] < lengths[:, None]  # (B, T)
            bias = torch.zeros(B, 1, 1, T, device=tokens.device).masked_fill(
                ~keys[:, None, None], float("-inf"))                               # (B, 1, 1, T)
            if c.scheme == "alibi":
                bias = bias + pe.alibi_bias(c.heads, T, tokens.device, symmetric=True)  # (B, H, T, T)
        x = self.drop(x)
        for block in self.blocks:
            x = block(x, rope_positions, bias)
        return self.final_norm(x) * self.real_mask(lengths, T)
