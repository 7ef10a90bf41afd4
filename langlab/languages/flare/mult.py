"""FLaRe's Binary Multiplication (Butoi et al., ICLR 2025): ``x × y = z`` in LSB-first binary.

Counting members means counting lattice points under hyperbolas ``X Y < 2^c``, so the exact
count is only computed up to :data:`COUNT_EXACT_MAX`; sampling is exactly uniform at any length
by rejection from a proposal set that contains every member and is at least ~39% members.

>>> from langlab.languages.flare.mult import BinaryMultiplication
>>> L = BinaryMultiplication()
>>> L.accepts("11×11=1001"), L.accepts("0×1011=0"), L.accepts("11×11=1"), L.count(10)
(True, True, False, 554)
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_right

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import Tokens, randbelow
from langlab.languages.flare.arith import _BinaryRelation, value_bits

COUNT_EXACT_MAX = 100  # count(n) is exact up to this length and raises beyond it


def _comb2(m: int) -> int:
    return m * (m - 1) // 2 if m >= 2 else 0


@functools.cache
def boundary_pairs(i: int, j: int) -> int:
    """``#{X in [2^(i-1), 2^i), Y in [2^(j-1), 2^j) : X Y < 2^(i+j-1)}`` (i, j >= 1).

    Such a product has ``i + j - 1`` or ``i + j`` bits; this counts the shorter ones. For each
    ``X`` the valid ``Y`` are ``[2^(j-1), ceil(2^(i+j-1) / X))``; summed with numpy over the
    ``2^(min(i,j)-1)`` values of the shorter operand (exact int64: all values < 2^51 here).
    """
    if i > j:
        return boundary_pairs(j, i)
    if i + j > 52:
        raise LanglabError("boundary_pairs: operands too wide for exact int64 counting")
    big, lo = 1 << (i + j - 1), 1 << (i - 1)
    total = 0
    for start in range(lo, 2 * lo, 1 << 20):
        x = np.arange(start, min(2 * lo, start + (1 << 20)), dtype=np.int64)
        total += int(((big + x - 1) // x).sum())
    return total - lo * (1 << (j - 1))


class BinaryMultiplication(_BinaryRelation):
    """``x × y = z`` with ``val(x) · val(y) = val(z)``; numbers LSB first, padding allowed.

    Edge cases (FLaRe's labels and code): every number has at least one bit; any number may
    carry high-order zeros (trailing ``0`` tokens), the result included; a zero operand makes
    any all-zero result right (``"0×101=000"``); exactly one ``×`` and one ``=``.
    Accept: ``"0×0=0"``, ``"1×1=1"``, ``"11×11=1001"`` (3·3 = 9), ``"01×11=011"`` (2·3 = 6),
    ``"0×1011=0"``, ``"1×1=1000"``. Reject: ``"11×11=1"``, ``"×1=0"``, ``"1×1="``,
    ``"1×1=01"``, ``"1×1=1=1"``.

    Members of length ``n`` are the ``(a, b, c, X, Y)`` with widths ``a + b + c = n - 2`` (all
    >= 1), ``X < 2^a``, ``Y < 2^b``, ``X Y < 2^c``. Grouping nonzero operands by their bit
    lengths ``(i, j)`` (the product has ``i + j - 1`` or ``i + j`` bits) and counting the
    widths that fit by stars and bars gives ``count(n)`` from :func:`boundary_pairs`; that is
    exact for ``n <= COUNT_EXACT_MAX`` (100) and too slow beyond, where ``count`` raises while
    ``count_capped`` answers from an exact lower bound and ``has_member_of_length`` is ``n >= 5``.

    Sampling (exactly uniform at any length): the proposal set holds
    (1) ``(a, b, c, 0, Y)`` and ``(a, b, c, X, 0)`` (a duplicate of ``X = Y = 0`` is rejected),
    (2) ``(a, b, c, X, Y)`` with ``X, Y >= 1`` of bit lengths ``i <= a``, ``j <= b`` and
    ``c >= i + j - 1`` -- a necessary condition for ``X Y < 2^c``. Its size has an O(n) closed
    form per ``n``; a uniform proposal is drawn (bucket by ``randbelow`` over exact sizes, then
    uniform parts) and accepted iff it is a member. Every member is in the set once, so accepted
    draws are uniform. Cells with ``c >= i + j`` always pass; for ``c = i + j - 1`` a fraction
    ``>= 2 ln 2 - 1 ~ 0.386`` passes, which bounds the expected number of tries.
    """

    name, alphabet, separators = "flare/binary-multiplication", ("0", "1", "×", "="), ("×", "=")
    flare_weights = (1, 1, 2)

    def flare_bound_x(self, max_z: int) -> int | None:
        return None   # x · 0 = 0 fits any result width

    def flare_bound_y(self, max_z: int, x: int) -> int | None:
        return None if x == 0 else max_z // x

    def __init__(self) -> None:
        self._tables: dict[int, tuple] = {}
        self._counts: dict[int, int] = {}

    def value(self, operands: list[int]) -> int:
        return operands[0] * operands[1]

    # ------------------------------------------------------------ counting
    @staticmethod
    def _zero_members(n: int) -> int:
        """Members with a zero operand: ``sum over widths of 2^a + 2^b - 1``."""
        one_side = sum((1 << a) * (n - 3 - a) for a in range(1, n - 3))
        return 2 * one_side - _comb2(n - 3)

    def count(self, n: int) -> int:
        if n < 5:
            return 0
        if n > COUNT_EXACT_MAX:
            raise LanglabError(
                f"{self.name}: count({n}) is not computed: exact counts need lattice points "
                f"under hyperbolas and are only available for n <= {COUNT_EXACT_MAX}; "
                f"use count_capped(n, cap) or has_member_of_length(n)")
        if n not in self._counts:
            total = self._zero_members(n)
            for t in range(2, (n - 1) // 2 + 1):  # t = i + j
                short, full = _comb2(n + 1 - 2 * t), _comb2(n - 2 * t)
                for i in range(1, t):
                    q = boundary_pairs(i, t - i)
                    total += q * short + ((1 << (t - 2)) - q) * full
            self._counts[n] = total
        return self._counts[n]

    def count_lower_bound(self, n: int) -> int:
        """An exact lower bound on ``count(n)`` in O(n): zero operands plus ``c >= i + j``."""
        if n < 5:
            return 0
        return self._zero_members(n) + sum(
            (t - 1) * (1 << (t - 2)) * _comb2(n - 2 * t) for t in range(2, n // 2 + 1))

    def count_capped(self, n: int, cap: int) -> int:
        if n < 5:
            return 0
        if self.count_lower_bound(n) >= cap:
            return cap
        return min(self.count(n), cap)

    # ------------------------------------------------------------ sampling
    def _table(self, n: int) -> tuple:
        """Proposal buckets for length n: zero-operand widths and bit-length sums t."""
        if n not in self._tables:
            zb, zc, acc = [], [], 0
            for b in range(1, n - 3):  # width of the free operand; (a, c) share n - 2 - b
                acc += (1 << b) * (n - 3 - b)
                zb.append(b)
                zc.append(acc)
            tb, tc, acc = [], [], 0
            for t in range(2, (n - 1) // 2 + 1):
                acc += (t - 1) * (1 << (t - 2)) * _comb2(n + 1 - 2 * t)
                tb.append(t)
                tc.append(acc)
            self._tables[n] = (zb, zc, tb, tc)
        return self._tables[n]

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 5:
            return None
        zb, zc, tb, tc = self._table(n)
        zero = zc[-1]
        while True:
            r = randbelow(rng, 2 * zero + (tc[-1] if tc else 0))
            if r < 2 * zero:  # one operand is 0; swap says which
                swap, r = r >= zero, r % zero
                b = zb[bisect_right(zc, r)]
                a = 1 + randbelow(rng, n - 3 - b)
                c, x, y = n - 2 - b - a, 0, randbelow(rng, 1 << b)
                if swap:
                    if y == 0:
                        continue  # (0, 0) is already in the unswapped half
                    a, b, x, y = b, a, y, 0
            else:
                t = tb[bisect_right(tc, r - 2 * zero)]
                i = 1 + randbelow(rng, t - 1)
                j = t - i
                x = (1 << (i - 1)) | randbelow(rng, 1 << (i - 1))
                y = (1 << (j - 1)) | randbelow(rng, 1 << (j - 1))
                slack = n - 1 - 2 * t  # widths beyond (i, j, t - 1), split in 3 by 2 bars
                m = randbelow(rng, _comb2(slack + 2))
                q = (1 + math.isqrt(1 + 8 * m)) // 2
                p = m - _comb2(q)
                a, b, c = i + p, j + q - p - 1, t - 1 + slack + 1 - q
                if x * y >> c:
                    continue
            return (*value_bits(x, a), "×", *value_bits(y, b), "=", *value_bits(x * y, c))
