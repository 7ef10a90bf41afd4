"""Positional schemes for the Transformer: sinusoidal, RoPE, ALiBi and randomized positions.

Positions are integer tensors of shape (B, T) or (1, T); every function here is a pure function
of them, so the randomized scheme (Ruoss et al. 2023) only changes *which* positions are used.

>>> import torch
>>> sinusoidal(torch.arange(3)[None], 4)[0, 1]  # position 1: sin(1), cos(1), sin(.01), cos(.01)
tensor([0.8415, 0.5403, 0.0100, 0.9999])
>>> alibi_slopes(4)
tensor([0.2500, 0.0625, 0.0156, 0.0039])
"""

from __future__ import annotations

import math

import torch

# Eval-time randomized positions are drawn from a generator seeded with this plus the length,
# so evaluation is deterministic and does not depend on the batch a sequence sits in.
EVAL_SEED = 20230526


def _inverse_frequencies(dim: int, device: torch.device) -> torch.Tensor:
    # Vaswani et al. 2017: wavelengths form a geometric progression from 2*pi to 10000*2*pi.
    return torch.exp(torch.arange(0, dim, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / dim))


def sinusoidal(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """(B, T) positions -> (B, T, dim) encodings, sin and cos interleaved (Vaswani et al. 2017)."""
    angles = positions.float()[..., None] * _inverse_frequencies(dim, positions.device)  # (B, T, ceil(dim/2))
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2)[..., :dim]


def rope(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Rotate queries or keys x (B, H, T, hd) by their positions (B, T) (Su et al. 2021, RoPE).

    Channel i is paired with channel i + hd/2 ("rotate half"); the pair rotates by
    position * 10000^(-2i/hd), so q.k depends on positions only through their difference.
    An odd head width leaves its last channel unrotated (so any d_model/heads is allowed).
    """
    half = x.size(-1) // 2
    angles = positions.float()[..., None] * _inverse_frequencies(2 * half, x.device)  # (B, T, hd/2)
    cos, sin = angles.cos()[:, None], angles.sin()[:, None]  # (B, 1, T, hd/2)
    x1, x2, rest = x[..., :half], x[..., half:2 * half], x[..., 2 * half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos, rest], dim=-1)


def alibi_slopes(heads: int) -> torch.Tensor:
    """Per-head slopes of ALiBi (Press et al. 2022): a geometric sequence starting at 2^(-8/n).

    For a head count that is not a power of two, the slopes of the closest smaller power of two
    are followed by every other slope of the next power, as in the paper's reference code.
    """
    def geometric(n: int) -> list[float]:
        start = 2.0 ** (-8.0 / n)
        return [start ** (i + 1) for i in range(n)]

    lower = 2 ** int(math.floor(math.log2(heads)))
    slopes = geometric(lower) + geometric(2 * lower)[0::2][: heads - lower]
    return torch.tensor(slopes)


def alibi_bias(heads: int, T: int, device: torch.device, symmetric: bool = False
               ) -> torch.Tensor:
    """(1, H, T, T) additive attention bias: -slope_h * (i - j) for j <= i, -inf for j > i;
    ``symmetric`` (attention both ways): -slope_h * (|i - j| - 0.5 [j < i]) everywhere. The half
    step on earlier keys breaks the left-right symmetry, as CHE's encoder does (Delétang et al.
    2023, ``compute_alibi_encodings_biases``); without it a model cannot tell left from right."""
    i = torch.arange(T, device=device)
    distance = (i[:, None] - i[None, :]).float()  # (T, T)
    if symmetric:
        return (-alibi_slopes(heads).to(device)[:, None, None]
                * (distance.abs() - 0.5 * (distance > 0).float()))[None]
    bias = -alibi_slopes(heads).to(device)[:, None, None] * distance  # (H, T, T)
    return bias.masked_fill(distance < 0, float("-inf"))[None]


def random_positions(lengths: torch.Tensor, T: int, max_range: int, training: bool) -> torch.Tensor:
    """(B, T) positions for randomized encodings (Ruoss et al. 2023).

    Row b gets a sorted, uniformly random subset of size lengths[b] of {0, ..., max_range-1};
    positions past lengths[b] (padding) repeat max_range-1. In training every call draws afresh
    from torch's global RNG (so ``torch.manual_seed`` reproduces it). In eval the paper also
    draws random positions; here they come from a generator seeded by ``EVAL_SEED + length``,
    so evaluation is deterministic and independent of padding and batch composition.

    >>> p = random_positions(torch.tensor([3, 1]), 4, 100, training=False)
    >>> bool((p[0, :3].diff() > 0).all()), p.shape
    (True, torch.Size([2, 4]))
    """
    lengths_cpu = lengths.cpu()
    B = lengths_cpu.numel()
    if training:
        picked = torch.rand(B, max_range).argsort(dim=1)[:, :T]  # (B, T) distinct random positions
    else:
        picked = torch.empty(B, T, dtype=torch.long)
        for n in lengths_cpu.unique().tolist():
            g = torch.Generator().manual_seed(EVAL_SEED + int(n))
            row = torch.rand(max_range, generator=g).argsort()[:T]  # (T,)
            picked[lengths_cpu == n] = row
    steps = torch.arange(T)
    real = steps[None, :] < lengths_cpu[:, None]  # (B, T)
    # Sorting after pushing padding columns beyond max_range leaves the real columns sorted first.
    picked = torch.where(real, picked, max_range + steps[None, :]).sort(dim=1).values
    return picked.clamp_max(max_range - 1).to(lengths.device)
