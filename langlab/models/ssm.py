"""A selective state-space model in the style of Mamba, in plain PyTorch with a chunked scan.

Each layer is a gated residual block (Gu & Dao 2023) with the Mamba-2 parameterisation
(Dao & Gu 2024): per head h, with input-dependent step dt_t, input matrix B_t and output C_t,

    a_t = exp(-exp(A_log_h) * dt_t)            in (0, 1)       (diagonal state matrix: a_t * I)
    a_t = 2 * exp(-exp(A_log_h) * dt_t) - 1    in (-1, 1)      if negative_eigenvalues
    H_t = a_t * H_{t-1} + (dt_t * x_t) B_t^T   (H_t is head_dim x d_state, x_t the head's channels)
    y_t = H_t C_t + D_h * x_t,    out = W_out (y * silu(z))

The negative range is Grazzi et al. 2025 ("Unlocking state-tracking in linear RNNs through
negative eigenvalues"): with a_t in (0, 1) such a layer cannot track parity; with (-1, 1) it can.
A scalar decay per head (rather than Mamba-1's per channel and state) is what lets the scan run
as a few batched matmuls per chunk (:func:`chunked_scan`) instead of a Python loop over time.

>>> import torch
>>> from langlab.models import build_model
>>> m = build_model("ssm", vocab_size=4, d_model=32, layers=1, negative_eigenvalues=True)
>>> m(torch.tensor([[1, 2, 1]]), torch.tensor([3])).shape
torch.Size([1, 3, 32])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from langlab.models.common import Encoder, dropout_ok, positive, register


@dataclass
class SSMConfig:
    """Settings of the selective SSM.

    d_model: residual width (output width D); layers: blocks; d_state: state size N per channel;
    expand: inner width ~ expand * d_model, rounded up to a multiple of ``heads``; heads: groups
    of inner channels sharing one decay; d_conv: width of the causal depthwise conv before the scan;
    chunk: scan chunk length (speed only, never results); negative_eigenvalues: a_t in (-1, 1);
    dropout: on each block's output.
    """

    vocab_size: int
    d_model: int = 64
    layers: int = 2
    d_state: int = 16
    expand: int = 2
    heads: int = 8
    d_conv: int = 4
    chunk: int = 32
    negative_eigenvalues: bool = False
    dropout: float = 0.0

    def check(self) -> None:
        positive("ssm", d_model=self.d_model, layers=self.layers, d_state=self.d_state, expand=self.expand,
                 heads=self.heads, d_conv=self.d_conv, chunk=self.chunk)
        dropout_ok("ssm", self.dropout)

    @property
    def head_dim(self) -> int:
        return -(-self.expand * self.d_model // self.heads)  # ceil: every d_model is valid


def chunked_scan(x: torch.Tensor, log_a: torch.Tensor, negative: torch.Tensor | None,
                 B: torch.Tensor, C: torch.Tensor, chunk: int) -> torch.Tensor:
    """y_t = H_t C_t with H_t = a_t H_{t-1} + x_t B_t^T, H_{-1} = 0, per head.

    x (b, T, H, P); log_a (b, T, H) = log|a_t|; negative (b, T, H) bool, where a_t < 0, or None;
    B, C (b, T, N) shared by all heads. Returns y (b, T, H, P).

    Within a chunk of length l the map from inputs to outputs is a masked (l x l) matrix
    (C_t . B_s) * prod_{s<r<=t} a_r, applied as one matmul; the chunks are then chained through
    their end states, a loop over T / chunk chunks, not over time steps. The sign of a product
    of decays is the parity of the negative ones, tracked apart from its log-magnitude.
    """
    b, T, H, P = x.shape
    N = B.size(-1)
    pad = (-T) % chunk
    if pad:  # trailing padding with a = 1 and zero input changes no earlier output
        x, B, C = F.pad(x, (0, 0, 0, 0, 0, pad)), F.pad(B, (0, 0, 0, pad)), F.pad(C, (0, 0, 0, pad))
        log_a = F.pad(log_a, (0, 0, 0, pad))
        negative = F.pad(negative, (0, 0, 0, pad)) if negative is not None else None
    nc, l = (T + pad) // chunk, chunk
    x = x.view(b, nc, l, H, P).permute(0, 3, 1, 2, 4)  # (b, H, nc, l, P)
    la = log_a.view(b, nc, l, H).permute(0, 3, 1, 2)  # (b, H, nc, l)
    Bc, Cc = B.view(b, 1, nc, l, N), C.view(b, 1, nc, l, N)
    cum = la.cumsum(dim=-1)  # (b, H, nc, l), non-increasing since log|a| <= 0
    # |prod_{s<r<=t} a_r| = exp(cum_t - cum_s). Within a short chunk the difference loses little
    # precision; above the diagonal it is >= 0 and clamped to 0 so exp cannot overflow there.
    causal = torch.ones(l, l, dtype=torch.bool, device=x.device).tril()
    decay = torch.exp((cum[..., :, None] - cum[..., None, :]).clamp(max=0.0)) * causal  # (b, H, nc, l, l)
    decay_in = torch.exp(cum)  # (b, H, nc, l): |prod_{0<=r<=t} a_r|
    if negative is not None:
        parity = negative.view(b, nc, l, H).permute(0, 3, 1, 2).long().cumsum(dim=-1) % 2
        sign = 1.0 - 2.0 * parity.to(x.dtype)  # (b, H, nc, l): sign of prod_{0<=r<=t} a_r
        decay = decay * sign[..., :, None] * sign[..., None, :]
        decay_in = decay_in * sign
    y = ((Cc @ Bc.transpose(-1, -2)) * decay) @ x  # (b, H, nc, l, P): within-chunk part
    chunk_states = (x * decay[..., -1, :, None]).transpose(-1, -2) @ Bc  # (b, H, nc, P, N)
    chunk_decay = decay_in[..., -1]  # (b, H, nc)
    state, starts = x.new_zeros(b, H, P, N), []
    for k in range(nc):
        starts.append(state)
        state = chunk_decay[..., k, None, None] * state + chunk_states[:, :, k]
    start = torch.stack(starts, dim=2)  # (b, H, nc, P, N): state entering each chunk
    y = y + (Cc @ start.transpose(-1, -2)) * decay_in[..., None]  # (b, H, nc, l, P)
    return y.permute(0, 2, 3, 1, 4).reshape(b, nc * l, H, P)[:, :T]


class SelectiveSSM(nn.Module):
    """The mixer: in-projection, causal depthwise conv, selective scan, gate, out-projection."""

    def __init__(self, c: SSMConfig):
        super().__init__()
        self.c = c
        self.heads = c.heads
        self.inner = c.heads * c.head_dim
        conv_dim = self.inner + 2 * c.d_state
        self.in_proj = nn.Linear(c.d_model, self.inner + conv_dim + self.heads, bias=False)  # z, (x,B,C), dt
        self.conv = nn.Conv1d(conv_dim, conv_dim, c.d_conv, groups=conv_dim, padding=c.d_conv - 1)
        # Mamba's initialisation: dt log-uniform in [1e-3, 1e-1] (through an inverse softplus),
        # decay rates A = exp(A_log) uniform in [1, 16].
        dt = torch.exp(torch.empty(self.heads).uniform_(math.log(1e-3), math.log(1e-1)))
        self.dt_bias = nn.Parameter(dt + torch.log(-torch.expm1(-dt)))
        self.A_log = nn.Parameter(torch.log(torch.empty(self.heads).uniform_(1.0, 16.0)))
        self.D = nn.Parameter(torch.ones(self.heads))
        self.out_proj = nn.Linear(self.inner, c.d_model, bias=False)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        c, (b, T, _) = self.c, u.shape
        z, xbc, dt = self.in_proj(u).split([self.inner, self.inner + 2 * c.d_state, self.heads], dim=-1)
        xbc = F.silu(self.conv(xbc.transpose(1, 2))[..., :T].transpose(1, 2))  # causal: drop the tail
        x, Bm, Cm = xbc.split([self.inner, c.d_state, c.d_state], dim=-1)  # (b,T,inner), (b,T,N), (b,T,N)
        dt = F.softplus(dt + self.dt_bias)  # (b, T, H)
        log_a = -torch.exp(self.A_log) * dt  # (b, T, H), log of a in (0, 1)
        negative = None
        if c.negative_eigenvalues:
            a = 2.0 * torch.exp(log_a) - 1.0  # (b, T, H) in (-1, 1)
            negative = a < 0
            log_a = torch.log(a.abs().clamp_min(1e-6))  # the clamp keeps log and its gradient finite
        x = x.reshape(b, T, self.heads, c.head_dim)  # (b, T, H, P)
        y = chunked_scan(x * dt[..., None], log_a, negative, Bm, Cm, c.chunk)  # (b, T, H, P)
        y = (y + self.D[:, None] * x).reshape(b, T, self.inner)
        return self.out_proj(y * F.silu(z))  # (b, T, d_model)


@register("ssm")
class SSMEncoder(Encoder):
    """Embedding -> [x + SSM(RMSNorm(x))] * layers -> RMSNorm; output (B, T, d_model)."""

    Config = SSMConfig
    width_field = "d_model"

    def __init__(self, config: SSMConfig):
        super().__init__()
        self.config = c = config
        self.embed = nn.Embedding(c.vocab_size, c.d_model, padding_idx=0)
        self.norms = nn.ModuleList(nn.RMSNorm(c.d_model) for _ in range(c.layers))
        self.mixers = nn.ModuleList(SelectiveSSM(c) for _ in range(c.layers))
        self.final_norm = nn.RMSNorm(c.d_model)
        self.drop = nn.Dropout(c.dropout)
        self.output_dim = c.d_model

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)  # (B, T, C)
        for norm, mixer in zip(self.norms, self.mixers):
            x = x + self.drop(mixer(norm(x)))
        return self.final_norm(x) * self.real_mask(lengths, tokens.size(1))
