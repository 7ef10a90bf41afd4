"""FLaRe's copy-like languages (Butoi et al., ICLR 2025): ``w # f(w)`` for a fixed
transformation ``f`` (Marked Reversal, Marked Copy, Odds First, Bucket Sort), Missing
Duplicate String and Unmarked Reversal.

The ``w # f(w)`` languages are :class:`~langlab.languages.context_sensitive.MarkedTransform`s
(members have odd length ``2k + 1``, ``count(2k + 1) = |Σ|^k``); Marked Copy is the classic
marked copy over ``{0,1}``. Definitions were settled against every label of FLaRe's published
data (tests/test_languages_flare.py).

>>> from langlab.languages.flare.copy import OddsFirst
>>> L = OddsFirst()
>>> L.accepts("1100#1010"), L.accepts("1100#1100"), L.count(9)
(True, False, 16)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from langlab.languages import context_sensitive
from langlab.languages.base import EOS, ScanLanguage, Tokens
from langlab.languages.context_sensitive import MarkedTransform, z_function
from langlab.languages.flare import FLARE_REF

_BITS = frozenset({"0", "1"})


class _MarkedTransform(MarkedTransform):
    """A FLaRe ``w # f(w)`` language over ``symbols``; subclasses set ``flare_name``."""

    flare_name = ""
    reference = FLARE_REF

    def __init__(self) -> None:
        super().__init__()
        self.name = f"flare/{self.flare_name}"


class MarkedReversal(_MarkedTransform):
    """``w # reverse(w)``, ``w`` in ``{0,1}*``.

    Edge cases: ``w`` may be empty (``"#"`` is a member); exactly one ``#``.
    Accept: ``"#"``, ``"0#0"``, ``"011#110"``. Reject: ``""``, ``"01#01"``,
    ``"0#"``, ``"1#1#1"``. Context-free (a deterministic pushdown language).
    """

    flare_name, level = "marked-reversal", "context-free"

    def transform(self, w: Tokens) -> Tokens:
        return w[::-1]


class MarkedCopy(context_sensitive.MarkedCopy):
    """``w # w``, ``w`` in ``{0,1}*``: the classic marked copy over FLaRe's symbols.

    Edge cases: ``w`` may be empty (``"#"`` is a member); exactly one ``#``.
    Accept: ``"#"``, ``"1#1"``, ``"011#011"``. Reject: ``""``, ``"01#10"``,
    ``"0#00"``, ``"01"``.
    """

    name, symbols, reference = "flare/marked-copy", ("0", "1"), FLARE_REF


class OddsFirst(_MarkedTransform):
    """``w # u v`` where ``u`` is the symbols of ``w`` at odd positions (1st, 3rd, ...) and
    ``v`` those at even positions (2nd, 4th, ...), ``w`` in ``{0,1}*``.

    Edge cases: ``w`` may be empty (``"#"`` is a member); exactly one ``#``.
    Accept: ``"#"``, ``"01#01"``, ``"1100#1010"`` (odds ``1 0``, evens ``1 0``),
    ``"001#010"``. Reject: ``""``, ``"1100#1100"``, ``"01#10"``, ``"0#"``.
    """

    flare_name = "odds-first"

    def transform(self, w: Tokens) -> Tokens:
        return w[::2] + w[1::2]


class BucketSort(_MarkedTransform):
    """``w # sorted(w)``, ``w`` in ``{1,2,3,4,5}*``: the same multiset in ascending order.

    Edge cases: ``w`` may be empty (``"#"`` is a member); exactly one ``#``.
    Accept: ``"#"``, ``"312#123"``, ``"551#155"``. Reject: ``"31#31"``,
    ``"21#11"``, ``"12#122"``. ``count(2k+1) = 5^k``.
    """

    flare_name, symbols = "bucket-sort", ("1", "2", "3", "4", "5")

    def transform(self, w: Tokens) -> Tokens:
        return tuple(sorted(w))


class MissingDuplicateString(ScanLanguage):
    """``w w`` with exactly one ``1`` replaced by ``_``, ``w`` in ``{0,1}*``.

    A member has even length, exactly one ``_``, and turns into a square ``w w`` when the ``_``
    becomes ``1``. Edge cases (from FLaRe's labels and code): the empty string is rejected
    (there is no ``1`` to replace), so is a string whose ``_`` stands for a ``0``.
    Accept: ``"_1"``, ``"1_"``, ``"0_01"``, ``"101_01"``.
    Reject: ``""``, ``"11"``, ``"_0"``, ``"0_00"``, ``"__"``, ``"_1_1"``.

    A member is a pair (``w``, one of the ``2 #1(w)`` positions of a 1 in ``w w``), and the pair
    is recovered from the string, so ``count(2k) = sum_w 2 #1(w) = k 2^k``. Sampling: pick the
    copy (2 ways) and position ``j < k`` uniformly, set ``w[j] = 1`` and the other ``k - 1``
    symbols uniformly: each pair has probability ``1 / (2k 2^(k-1))``, exactly uniform.
    """

    name, alphabet, level = "flare/missing-duplicate-string", ("0", "1", "_"), \
        "context-sensitive"
    reference = FLARE_REF

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        if len(toks) % 2 or toks.count("_") != 1:
            return False
        t = ["1" if a == "_" else a for a in toks]
        k = len(t) // 2
        return t[:k] == t[k:]

    def count(self, n: int) -> int:
        return (n // 2) << (n // 2) if n >= 2 and n % 2 == 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 2 or n % 2:
            return None
        k = n // 2
        w = ["01"[b] for b in rng.integers(0, 2, size=k)]
        pos = int(rng.integers(0, n))  # the copy and the position in it
        w[pos % k] = "1"
        s = w + w
        s[pos] = "_"
        return tuple(s)

    def completion(self, prefix: Sequence[str] | str) -> Tokens | None:
        """A member starting with ``prefix``, or None: ``p 1 p _`` (w = p1) without a ``_``,
        ``p t`` (w = t, the prefix with its ``_`` read as 1) with one."""
        toks = self.tokenize(prefix)
        holes = toks.count("_")
        if holes == 0:
            return (*toks, "1", *toks, "_")
        if holes > 1:
            return None
        return (*toks, *("1" if a == "_" else a for a in toks))

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        # Before any "_": 0, 1 and "_" all extend (take w long and containing the prefix).
        # After one "_": 0 and 1 extend the same way; EOS iff the prefix is a member, i.e. with
        # the "_" read as 1 it is a square t[:2k] = uu, i.e. z[k] >= k (Z-function of t).
        toks = self.tokenize(s)
        n = len(toks)
        if "_" not in toks:
            return [frozenset({"0", "1", "_"})] * (n + 1)
        i = toks.index("_")
        t = ["1" if a == "_" else a for a in toks]
        end = toks.index("_", i + 1) if "_" in toks[i + 1:] else n  # a second "_" kills
        z = z_function(t[:end])
        out = [frozenset({"0", "1", "_"})] * (i + 1)
        for L in range(i + 1, end + 1):
            square = L % 2 == 0 and z[L // 2] >= L // 2
            out.append(frozenset({"0", "1", EOS} if square else {"0", "1"}))
        return out + [frozenset()] * (n - end)


class UnmarkedReversal(ScanLanguage):
    """Even-length palindromes over ``{0,1}``: ``w reverse(w)``.

    Edge cases (from FLaRe's labels): the empty string is a member; odd-length palindromes are
    not. Accept: ``""``, ``"00"``, ``"0110"``, ``"100001"``. Reject: ``"0"``, ``"010"``,
    ``"01"``, ``"0100"``. ``count(n) = 2^(n/2)`` for even ``n``. Every prefix ``p`` extends to
    the member ``p reverse(p)``, so ``next_symbols`` is ``{0, 1}`` plus ``<eos>`` when the prefix
    is an even palindrome (all prefixes at once in O(n) with the Z-function).
    """

    name, alphabet, level = "flare/unmarked-reversal", ("0", "1"), "context-free"
    reference = FLARE_REF

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        return len(toks) % 2 == 0 and toks == toks[::-1]

    def count(self, n: int) -> int:
        return 1 << (n // 2) if n >= 0 and n % 2 == 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 0 or n % 2:
            return None
        w = tuple("01"[b] for b in rng.integers(0, 2, size=n // 2))
        return w + w[::-1]

    def completion(self, prefix: Sequence[str] | str) -> Tokens:
        """A member starting with ``prefix``: ``prefix reverse(prefix)``."""
        toks = self.tokenize(prefix)
        return toks + toks[::-1]

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        n = len(toks)
        # s[:i] is a palindrome iff reverse(s)[n-i:] == s[:i], i.e. the Z-value of
        # s + sep + reverse(s) at the start of reverse(s)[n-i:] is at least i.
        z = z_function(list(toks) + [None] + list(toks[::-1]))
        with_eos = frozenset({"0", "1", EOS})
        return [with_eos if i % 2 == 0 and (i == 0 or z[2 * n + 1 - i] >= i) else _BITS
                for i in range(n + 1)]
