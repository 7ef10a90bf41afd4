"""From strings to padded tensors: the vocabulary, the target convention, length-bucketed batches.

Token ids: 0 = pad, 1 = BOS, then the alphabet in order. Every sequence starts with BOS, so a
string of ``n`` tokens is ``n + 1`` ids and the model's state at position ``i`` has read ``i``
tokens of the string (position 0: the empty prefix). Output columns (next-symbol targets) are
the alphabet in order, then EOS.

A split is stored as numpy arrays (``SplitArrays``); ``batches`` slices them into torch tensors.
torch is imported only when batches are made, so building and exporting data needs no torch.

>>> v = Vocab(("a", "b"))
>>> v.size, v.encode(("b", "a")), v.outputs
(4, [1, 3, 2], ('a', 'b', '<eos>'))
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from langlab.languages.base import EOS, Tokens

PAD, BOS = 0, 1


@dataclass(frozen=True)
class TargetConvention:
    """Which next-symbol outputs are scored, and from which position on.

    ``exact`` (the default): every output column (alphabet + EOS) at every position 0..n.
    ``paper`` reproduces Bhattamishra et al. (2020): outputs only after each symbol (positions
    1..n), and per language either every column, the alphabet without EOS ("no-eos": Tomita
    1/2/3/4/7), or only the EOS column, i.e. "is the prefix read so far a member" ("membership":
    Parity, Tomita 5/6, (aa)*, (abab)*, Boolean-n). The target *values* are the same k-hot
    next-symbol sets in every mode; the convention only selects what the loss and metrics see.
    """

    mode: str = "exact"
    columns: tuple[int, ...] = ()     # scored output columns (indices into Vocab.outputs)
    first_position: int = 0           # positions < first_position are not scored


class Vocab:
    """Token ids and output columns of one language; carries the dataset's target convention."""

    def __init__(self, alphabet: Sequence[str], targets: TargetConvention | None = None):
        self.alphabet: Tokens = tuple(alphabet)
        self.tokens: Tokens = ("<pad>", "<bos>", *self.alphabet)
        self.outputs: Tokens = (*self.alphabet, EOS)
        self._ids = {t: i + 2 for i, t in enumerate(self.alphabet)}
        self._out = {t: i for i, t in enumerate(self.outputs)}
        self.targets = targets or TargetConvention("exact", tuple(range(len(self.outputs))), 0)

    @property
    def size(self) -> int:
        """Number of input ids (pad, BOS, alphabet): the model's embedding size."""
        return len(self.tokens)

    @property
    def n_outputs(self) -> int:
        """Number of output columns: ``|alphabet| + 1`` (EOS last)."""
        return len(self.outputs)

    def encode(self, toks: Sequence[str]) -> list[int]:
        """BOS followed by the ids of ``toks``."""
        return [BOS] + [self._ids[t] for t in toks]

    def decode(self, ids: Sequence[int]) -> Tokens:
        """The tokens of ``ids``, dropping pad and BOS."""
        return tuple(self.tokens[i] for i in ids if i > BOS)

    def output_index(self, symbol: str) -> int:
        return self._out[symbol]

    def khot(self, symbols: frozenset[str]) -> np.ndarray:
        """``symbols`` as a 0/1 row over ``outputs``."""
        row = np.zeros(self.n_outputs, dtype=np.float32)
        for t in symbols:
            row[self._out[t]] = 1.0
        return row

    def __repr__(self) -> str:
        return f"Vocab({' '.join(self.alphabet)}; targets={self.targets.mode})"


@dataclass
class Batch:
    """One padded batch. ``B`` strings, ``T`` = longest ``n + 1`` in the batch, ``K`` = outputs.

    tokens  LongTensor[B, T]      BOS + string ids, 0-padded
    lengths LongTensor[B]         n + 1 (valid positions)
    labels  FloatTensor[B]        1 = member, 0 = non-member
    next    FloatTensor[B, T, K]  k-hot next-symbol set after i tokens at position i (zeros at
                                  padding and for negatives), or None when the dataset has none
    mask    BoolTensor[B, T]      True at valid positions
    index   LongTensor[B]         the examples' indices in their split
    edits   LongTensor[B]         edit count of each example (0: member, -1: uniform random
                                  negative; :mod:`~langlab.data.flare_negatives`), or None
    """

    tokens: object
    lengths: object
    labels: object
    next: object | None
    mask: object
    index: object
    edits: object | None = None

    def to(self, device) -> Batch:
        move = (lambda t: None if t is None else t.to(device))
        return Batch(*(move(getattr(self, f)) for f in
                       ("tokens", "lengths", "labels", "next", "mask", "index", "edits")))

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


@dataclass
class SplitArrays:
    """A split as arrays: ``ids [N, L]`` (int16, BOS + string, 0-padded; L = longest n + 1),
    ``lengths [N]`` (n + 1), ``labels [N]`` (int8) and ``next_ids [N, L]`` (int32 indices into
    the dataset's table of next-symbol sets; 0 is the empty set, also used at padding), or None;
    ``edits [N]`` (int16, the edit count of each example: 0 for a member, the number of edits
    applied for an edited negative, -1 for a uniform random one), or None where not recorded.
    """

    ids: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray
    next_ids: np.ndarray | None
    edits: np.ndarray | None = None


def encode_split(vocab: Vocab, strings: Sequence[Tokens], labels: Sequence[int],
                 next_sets: Sequence[Sequence[int] | None] | None,
                 edits: Sequence[int] | None = None) -> SplitArrays:
    """Pack token tuples (and their next-set ids, ``n + 1`` per string, and their edit
    counts) into arrays."""
    N = len(strings)
    lengths = np.fromiter((len(s) + 1 for s in strings), dtype=np.int32, count=N)    # (N,)
    L = int(lengths.max(initial=1))
    cols = np.arange(L)[None, :]                                                       # (1, L)
    table = {t: i + 2 for i, t in enumerate(vocab.alphabet)}
    flat = np.fromiter(map(table.__getitem__, chain.from_iterable(strings)), dtype=np.int16,
                       count=int(lengths.sum()) - N)
    ids = np.zeros((N, L), dtype=np.int16)
    ids[:, 0] = BOS
    ids[:, 1:][cols[:, :-1] < (lengths - 1)[:, None]] = flat   # row-major, like flat
    nxt = None
    if next_sets is not None:
        nxt = np.zeros((N, L), dtype=np.int32)
        have = np.fromiter((row is not None for row in next_sets), dtype=bool, count=N)
        flat_next = np.fromiter(chain.from_iterable(r for r in next_sets if r is not None),
                                dtype=np.int32, count=int(lengths[have].sum()))
        nxt[(cols < lengths[:, None]) & have[:, None]] = flat_next
    counts = None if edits is None else np.asarray(edits, dtype=np.int16)
    return SplitArrays(ids, lengths, np.asarray(labels, dtype=np.int8), nxt, counts)


def bucket_order(lengths: np.ndarray, batch_size: int, shuffle: bool, seed: int | None
                 ) -> list[np.ndarray]:
    """Index batches of similar lengths covering every example exactly once.

    Sort by length (random order among equal lengths when shuffling), cut into consecutive
    chunks of ``batch_size``, and shuffle the order of the chunks.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    N = len(lengths)
    if shuffle:
        rng = np.random.default_rng(seed)
        tie = rng.permutation(N)
        order = tie[np.argsort(lengths[tie], kind="stable")]
    else:
        order = np.argsort(lengths, kind="stable")
    chunks = [order[i:i + batch_size] for i in range(0, N, batch_size)]
    if shuffle:
        chunks = [chunks[i] for i in rng.permutation(len(chunks))]
    return chunks


def make_batches(arrays: SplitArrays, khot: np.ndarray | None, batch_size: int, shuffle: bool,
                 seed: int | None) -> Iterator[Batch]:
    """Batches of ``arrays`` (see :func:`bucket_order`); ``khot [S, K]`` turns set ids into rows."""
    import torch

    table = None if khot is None else torch.from_numpy(khot)
    for idx in bucket_order(arrays.lengths, batch_size, shuffle, seed):
        lengths = torch.from_numpy(arrays.lengths[idx].astype(np.int64))      # (B,)
        T = int(lengths.max())
        tokens = torch.from_numpy(arrays.ids[idx, :T].astype(np.int64))       # (B, T)
        mask = torch.arange(T)[None, :] < lengths[:, None]                    # (B, T)
        labels = torch.from_numpy(arrays.labels[idx].astype(np.float32))      # (B,)
        nxt = None
        if table is not None and arrays.next_ids is not None:
            nxt = table[torch.from_numpy(arrays.next_ids[idx, :T].astype(np.int64))]  # (B, T, K)
        edits = (None if arrays.edits is None
                 else torch.from_numpy(arrays.edits[idx].astype(np.int64)))              # (B,)
        yield Batch(tokens, lengths, labels, nxt, mask, torch.from_numpy(idx.astype(np.int64)),
                    edits)
