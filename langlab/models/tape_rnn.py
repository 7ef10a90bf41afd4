"""Tape-RNN: a recurrent controller with a differentiable memory tape (Delétang et al. 2023).

The tape has ``tape_size`` cells of width ``cell_width``, circular, the head at cell 0. At step
t the controller reads the token and the cell under the head, writes a value there and moves
the head by a soft choice among five actions (CHE's ``TapeInputLengthJumpCore``):

    h_t   = tanh(W [x_t ; M_{t-1}[0]] + U h_{t-1} + b)     # vanilla RNN controller
    w_t   = MLP(h_t)                                       # the value written under the head
    a_t   = softmax(A h_t)                                 # stay, left, right, jump-left, jump-right
    M'    = [w_t ; M_{t-1}[1:]]
    M_t   = sum_k a_t[k] * roll(M', shift_k)               # shifts 0, -1, +1, -J_t, +J_t

CHE's jumps move by the input length, which its model is told before it reads anything. Here
an encoder is causal and knows nothing of tasks, so the jump ``J_t`` is the number of tokens
read before the current run of equal tokens began. In the transduction task every position
after ``x`` holds a blank, so there ``J_t = |x|``, CHE's jump; while ``x`` is read it varies.

The output at t is ``[h_t ; M_t[0]]`` (the controller and the cell under the head after the
move), as the Stack-RNN's ``[h_t ; top]``; D = hidden + cell_width.

The encoder computes this recurrence on the tape's discrete Fourier transform, where each roll
is a product: a step costs O(tape_size) elementwise products and no gathers, about 3x faster
than rolling the cells at 512 cells (``benchmarks/bench_models.py``). It is the same function,
rounded differently; ``tests/test_models.py`` checks it against the rolls, gradients included.

>>> import torch
>>> from langlab.models import build_model
>>> m = build_model("tape-rnn", vocab_size=4, hidden=16, tape_size=8, cell_width=4)
>>> m(torch.tensor([[1, 2, 3, 3]]), torch.tensor([4])).shape
torch.Size([1, 4, 20])
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from langlab.models.common import Encoder, ModelSettingError, dropout_ok, positive, register


@dataclass
class TapeRNNConfig:
    """Settings of the Tape-RNN.

    hidden: controller width; tape_size: cells on the circular tape (CHE's example: 40);
    cell_width: cell width (CHE: 8); mlp: width of the two hidden layers that compute the
    written value (CHE: 64, 64; 0 makes it linear); dropout: on the output.
    """

    vocab_size: int
    hidden: int = 64
    tape_size: int = 40
    cell_width: int = 8
    mlp: int = 64
    dropout: float = 0.0

    def check(self) -> None:
        positive("tape-rnn", hidden=self.hidden, tape_size=self.tape_size,
                 cell_width=self.cell_width)
        if self.mlp < 0:
            raise ModelSettingError(f"model 'tape-rnn': mlp must be >= 0, got {self.mlp!r}")
        dropout_ok("tape-rnn", self.dropout)


@register("tape-rnn")
class TapeRNNEncoder(Encoder):
    """Controller + soft tape with stay/left/right/jump moves; output (B, T, hidden + cell)."""

    Config = TapeRNNConfig
    width_field = "hidden"
    N_ACTIONS = 5

    def __init__(self, config: TapeRNNConfig):
        super().__init__()
        self.config = c = config
        self.embed = nn.Embedding(c.vocab_size, c.hidden, padding_idx=0)
        self.input_proj = nn.Linear(c.hidden, c.hidden)   # all steps at once, outside the loop
        self.recurrent = nn.Linear(c.hidden + c.cell_width, c.hidden, bias=False)
        if c.mlp:
            self.write = nn.Sequential(nn.Linear(c.hidden, c.mlp), nn.ReLU(),
                                       nn.Linear(c.mlp, c.mlp), nn.ReLU(),
                                       nn.Linear(c.mlp, c.cell_width))
        else:
            self.write = nn.Linear(c.hidden, c.cell_width)
        self.actions = nn.Linear(c.hidden, self.N_ACTIONS)
        self.drop = nn.Dropout(c.dropout)
        self.output_dim = c.hidden + c.cell_width

    @staticmethod
    def jumps(tokens: torch.Tensor) -> torch.Tensor:
        """(B, T) long: tokens read before the run of equal tokens that ends at t began."""
        B, T = tokens.shape
        pos = torch.arange(T, device=tokens.device).expand(B, T)
        new_run = torch.ones_like(tokens, dtype=torch.bool)
        new_run[:, 1:] = tokens[:, 1:] != tokens[:, :-1]
        starts = torch.where(new_run, pos, torch.zeros_like(pos))
        return torch.cummax(starts, dim=1).values                              # (B, T)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        c = self.config
        B, T = tokens.shape
        M = c.tape_size
        pre = self.input_proj(self.embed(tokens))                             # (B, T, H)
        # The tape lives as its discrete Fourier transform, F[f] = sum_i M[i] w^(-if) with
        # w = exp(2 pi i / M). A circular shift by s multiplies F[f] by w^(sf), so the soft move
        # is one product by the kernel K[f] = sum_k a[k] w^(s_k f); the cell under the head is
        # M[0] = mean_f F[f]; writing it adds (new - old) to every F[f]. The tape is real, so
        # F[M - f] = conj(F[f]) and the frequencies 0..M//2 suffice (the others weigh twice).
        freqs = torch.arange(M // 2 + 1, device=tokens.device)                # (K,)
        weight = torch.full((freqs.numel(),), 2.0 / M, dtype=pre.dtype, device=tokens.device)
        weight[0] = 1.0 / M
        if M % 2 == 0:
            weight[-1] = 1.0 / M
        table = torch.arange(M, dtype=pre.dtype, device=tokens.device) * (2 * torch.pi / M)
        cos_tab, sin_tab = torch.cos(table), torch.sin(table)                 # w^m, m = 0..M-1
        cos1, sin1 = cos_tab[freqs], sin_tab[freqs]                           # w^f
        phase = (self.jumps(tokens)[..., None] * freqs) % M                   # (B, T, K): J f mod M
        h = pre.new_zeros(B, c.hidden)                                        # (B, H)
        re = pre.new_zeros(B, c.cell_width, freqs.numel())                    # (B, W, K)
        im = torch.zeros_like(re)
        read = pre.new_zeros(B, c.cell_width)                                 # M[0]
        outputs = []
        for t, pre_t in enumerate(pre.unbind(dim=1)):
            h = torch.tanh(pre_t + self.recurrent(torch.cat([h, read], dim=-1)))
            a = torch.softmax(self.actions(h), dim=-1)                        # (B, 5)
            stay, left, right, jleft, jright = a[:, :, None].unbind(dim=1)    # (B, 1) each
            cosj, sinj = cos_tab[phase[:, t]], sin_tab[phase[:, t]]           # (B, K)
            k_re = (stay + (left + right) * cos1 + (jleft + jright) * cosj)[:, None]
            k_im = ((left - right) * sin1 + (jleft - jright) * sinj)[:, None]   # (B, 1, K)
            re = re + (self.write(h) - read)[..., None]                       # write under the head
            re, im = re * k_re - im * k_im, re * k_im + im * k_re              # move
            read = re @ weight                                                # (B, W)
            outputs.append(torch.cat([h, read], dim=-1))                      # (B, H + W)
        out = torch.stack(outputs, dim=1) if outputs else pre.new_zeros(B, 0, self.output_dim)
        return self.drop(out) * self.real_mask(lengths, T)
