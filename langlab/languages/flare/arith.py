"""FLaRe's binary arithmetic languages (Butoi et al., ICLR 2025): Binary Addition, Binary
Multiplication and Compute Sqrt.

A member writes its operands, ``=``, and the value as binary numbers LEAST significant bit
first, each of any length >= 1: high-order zero padding (trailing ``0`` tokens) is allowed on
every number, including the result, and an empty number is not. So ``x + y = z`` is a member
iff ``x, y, z`` are nonempty bit strings with ``val(x) + val(y) = val(z)``. These edge cases
were settled against every label of FLaRe's published data and FLaRe's own recognizer code
(tests/test_languages_flare.py).

The string is determined by the lengths ``(a, b, c)`` of its numbers and the operand values, so
members of length ``n`` are in bijection with ``(a, b, c, X, Y)``, ``a + b + c = n - 2``,
``X < 2^a``, ``Y < 2^b``, ``X op Y < 2^c``. Counting and sampling work on that form.

>>> from langlab.languages.flare.arith import BinaryAddition
>>> L = BinaryAddition()
>>> L.accepts("1+1=01"), L.accepts("1+1=010"), L.accepts("1+1=1"), L.accepts("+1=1")
(True, True, False, False)
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from langlab.languages.base import EOS, ScanLanguage, Tokens, randbelow
from langlab.languages.flare import FLARE_REF


def bits_value(bits: Sequence[str]) -> int:
    """The value of an LSB-first bit string: ``bits_value("011") == 6``."""
    return int("".join(reversed(bits)), 2) if bits else 0


def value_bits(x: int, width: int) -> tuple[str, ...]:
    """``x`` as ``width`` bits, least significant first (``x < 2^width``)."""
    return tuple(format(x, f"0{width}b")[::-1]) if width else ()


def flare_widths(n: int, weights: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
    """FLaRe's split of ``n - 2`` symbols into the widths of ``x``, ``y`` and ``z`` (its
    ``sample_lengths``): proportions from a Dirichlet(``weights``) over the ``n - 5`` symbols
    beyond one bit each, floored on their cumulative sums, plus one; ``x`` the narrower operand."""
    total = n - 5
    cut = np.floor(np.cumsum(rng.dirichlet(weights)[:-1]) * total).astype(np.int64)
    a, b, c = (int(w) + 1 for w in np.diff(cut, prepend=0, append=total))
    return (b, a, c) if a > b else (a, b, c)


class _BinaryRelation(ScanLanguage):
    """Strings ``x_1 op_1 x_2 ... = z`` over bits and separator tokens, with ``z`` the value of a
    function of the operands. Subclasses set ``separators`` (the tokens after each operand, the
    last is ``=``) and implement ``value(operands)``, ``count`` and ``sample``.
    """

    separators: tuple[str, ...] = ("=",)
    level = "context-sensitive"
    reference = FLARE_REF

    def value(self, operands: list[int]) -> int:
        raise NotImplementedError

    def _min_length(self) -> int:
        return 2 * len(self.separators) + 1  # every number one bit

    def _parse(self, toks: Tokens) -> tuple[list[int], Tokens] | None:
        """``(operand values, result bits)`` or None when the shape is wrong."""
        operands, start = [], 0
        for sep in self.separators:
            if sep not in toks[start:]:
                return None
            end = toks.index(sep, start)
            part = toks[start:end]
            if not part or any(t not in ("0", "1") for t in part):
                return None
            operands.append(bits_value(part))
            start = end + 1
        z = toks[start:]
        if not z or any(t not in ("0", "1") for t in z):
            return None
        return operands, z

    def accepts(self, s: Sequence[str] | str) -> bool:
        parsed = self._parse(self.tokenize(s))
        return parsed is not None and self.value(parsed[0]) == bits_value(parsed[1])

    def has_member_of_length(self, n: int) -> bool:
        return n >= self._min_length()

    # FLaRe's own sampler (``LengthRestrictedBinaryArithmeticOperation.sample`` in
    # rycolab/neural-network-recognizers), for the two-operand relations that set these.
    flare_weights: tuple[int, ...] = ()

    def flare_bound_x(self, max_z: int) -> int | None:
        """The largest ``x`` with ``x op 0 <= max_z`` (None: any), FLaRe's ``get_max_x``."""
        raise NotImplementedError

    def flare_bound_y(self, max_z: int, x: int) -> int | None:
        """The largest ``y`` with ``x op y <= max_z`` (None: any), FLaRe's ``get_max_y``."""
        raise NotImplementedError

    def flare_sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        """A member of length ``n`` drawn as FLaRe's generator draws it (distribution
        ``"paper"``), not uniformly. Widths from :func:`flare_widths`; ``x`` uniform up to
        ``2^a - 1`` and :meth:`flare_bound_x`, then ``y`` uniform up to ``2^b - 1`` and the bound
        that keeps ``x op y`` within ``c`` bits, then the operands swapped with probability 1/2.
        So products and sums with nonzero operands are common, where a uniform draw over the
        members of a length is almost always a zero product (multiplication)."""
        if n < 5:
            return None
        a, b, c = flare_widths(n, self.flare_weights, rng)
        max_z = (1 << c) - 1
        x_bound, x_top = self.flare_bound_x(max_z), (1 << a) - 1
        x = randbelow(rng, (x_top if x_bound is None else min(x_top, x_bound)) + 1)
        y_bound, y_top = self.flare_bound_y(max_z, x), (1 << b) - 1
        y = randbelow(rng, (y_top if y_bound is None else min(y_top, y_bound)) + 1)
        left, right = value_bits(x, a), value_bits(y, b)
        if randbelow(rng, 2):
            left, right = right, left
        z = self.value([x, y])
        return (*left, self.separators[0], *right, "=", *value_bits(z, c))

    @property
    def distributions(self) -> dict:
        if not self.flare_weights:
            return {"uniform": self.sample}
        return {"uniform": self.sample, "paper": self.flare_sample}

    def completion(self, prefix: Sequence[str] | str) -> Tokens | None:
        """A shortest member starting with ``prefix`` (missing operands are ``0``, the result
        gets the value's remaining bits), or None when there is none."""
        toks = self.tokenize(prefix)
        if not self.next_symbols_all(toks)[-1]:
            return None
        seps, out = self.separators, list(toks)
        done = sum(t in seps for t in out)  # separators read, in order since the prefix is live
        if done < len(seps):
            if not out or out[-1] in seps:
                out.append("0")  # the current operand needs a bit
            for sep in seps[done:]:
                out += [sep, "0"] if sep != seps[-1] else [sep]
        operands, start = [], 0
        for sep in seps:
            end = out.index(sep, start)
            operands.append(bits_value(out[start:end]))
            start = end + 1
        z = self.value(operands)
        out += [str((z >> k) & 1) for k in range(len(out) - start, max(1, z.bit_length()))]
        return tuple(out)

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        # While reading an operand, bits always extend (pad the result) and its separator may
        # follow once it has a bit. After "=" the result is forced bit by bit: bit k of the
        # value z (0 beyond its length); EOS once k >= max(1, bit length of z).
        toks = self.tokenize(s)
        seps, out = self.separators, []
        i, bits, operands = 0, [], []  # i: the number being read; i == len(seps): the result
        z = k = need = 0
        for t in toks + (None,):
            if i < len(seps):
                nxt = {"0", "1", seps[i]} if bits else {"0", "1"}
            else:
                nxt = {str((z >> k) & 1)} | ({EOS} if k >= need else set())
            out.append(frozenset(nxt))
            if t is None:
                break
            if t not in nxt:
                return out + [frozenset()] * (len(toks) + 1 - len(out))
            if i == len(seps):
                k += 1
            elif t == seps[i]:
                operands.append(bits_value(bits))
                bits, i = [], i + 1
                if i == len(seps):
                    z = self.value(operands)
                    need = max(1, z.bit_length())
            else:
                bits.append(t)
        return out


def _add_block(a: int, b: int, c: int) -> int:
    """``#{X < 2^a, Y < 2^b : X + Y < 2^c}``, by cases on where ``c`` falls."""
    lo, hi, big = min(a, b), max(a, b), 1 << c
    if c > hi:  # X + Y <= 2^a + 2^b - 2 < 2^c: every pair
        return 1 << (a + b)
    if c <= lo:  # X, Y < 2^c: the triangle X + Y < C
        return big * (big + 1) // 2
    small = 1 << lo  # X < 2^lo < C, Y < C - X <= 2^hi
    return small * big - small * (small - 1) // 2


def _add_weight(c: int, s: int) -> int:
    """``sum_{a + b = s, a, b >= 1} _add_block(a, b, c)`` in closed form (O(1) big-int ops)."""
    big = 1 << c
    n_all = max(0, min(s - 1, c - 1) - max(1, s - c + 1) + 1)  # a < c and b < c
    n_tri = max(0, s - 2 * c + 1)                              # a >= c and b >= c
    total = n_all * (1 << s) + n_tri * (big * (big + 1) // 2)
    top = min(c - 1, s - c)  # exactly one of a, b (= lo) below c: lo = 1..top, two ways
    if top >= 1:
        g = (1 << (top + 1)) - 2              # sum of 2^l
        h = ((1 << (2 * top + 2)) - 4) // 3   # sum of 4^l
        total += 2 * (big * g - (h - g) // 2)
    return total


class BinaryAddition(_BinaryRelation):
    """``x + y = z`` with ``val(x) + val(y) = val(z)``; numbers LSB first, padding allowed.

    Edge cases (FLaRe's labels and code): every number has at least one bit (``"+1=1"``,
    ``"1+1="`` are rejected); any number may carry high-order zeros, written as trailing
    ``0`` tokens, including the result (``"1+1=0100"`` is a member); exactly one ``+`` and one
    ``=``. Accept: ``"0+0=0"``, ``"1+1=01"``, ``"10+01=11"``, ``"1000+1=01"``, ``"1+1=0100"``.
    Reject: ``"1+1=1"``, ``"1+1=10"`` (that is 1), ``"+=0"``, ``"1+1"``, ``"1+1=01=0"``.

    Counting: ``count(n) = sum_c W(c)`` over the result width ``c``, with ``W(c)`` the number
    of ``(a, b, X, Y)`` for that ``c`` in closed form (:func:`_add_weight`); exact at any n.
    Sampling: ``c`` with weight ``W(c)``, then ``a`` with weight ``N(a, b, c)``
    (:func:`_add_block`), both by ``randbelow`` over exact totals, then ``(X, Y)`` uniform in
    the box ``[0, min(2^a, 2^c)) x [0, min(2^b, 2^c))`` until ``X + Y < 2^c``. That box holds
    every valid pair, so the accepted pair is uniform over them, and at least half the box is
    valid ((X, Y) -> (A'-1-X, B'-1-Y) maps invalid pairs into valid ones): exactly uniform, at
    most 2 tries expected.
    """

    name, alphabet, separators = "flare/binary-addition", ("0", "1", "+", "="), ("+", "=")
    flare_weights = (1, 1, 1)

    def flare_bound_x(self, max_z: int) -> int | None:
        return max_z

    def flare_bound_y(self, max_z: int, x: int) -> int | None:
        return max_z - x

    def __init__(self) -> None:
        self._tables: dict[int, tuple[list[int], list[int]]] = {}

    def value(self, operands: list[int]) -> int:
        return operands[0] + operands[1]

    def _table(self, n: int) -> tuple[list[int], list[int]]:
        """Result widths ``c`` with members and the cumulative ``W(c)`` (cached per n)."""
        if n not in self._tables:
            cs, cum, acc = [], [], 0
            for c in range(1, n - 3):
                acc += _add_weight(c, n - 2 - c)
                cs.append(c)
                cum.append(acc)
            self._tables[n] = (cs, cum)
        return self._tables[n]

    def count(self, n: int) -> int:
        return self._table(n)[1][-1] if n >= 5 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 5:
            return None
        cs, cum = self._table(n)
        r = randbelow(rng, cum[-1])
        j = bisect_right(cum, r)
        c, r = cs[j], r - (cum[j - 1] if j else 0)
        s = n - 2 - c
        for a in range(1, s):
            w = _add_block(a, s - a, c)
            if r < w:
                break
            r -= w
        b, big = s - a, 1 << c
        xs, ys = min(1 << a, big), min(1 << b, big)
        while True:
            x, y = randbelow(rng, xs), randbelow(rng, ys)
            if x + y < big:
                return (*value_bits(x, a), "+", *value_bits(y, b), "=", *value_bits(x + y, c))


class ComputeSqrt(_BinaryRelation):
    """``x = z`` with ``val(z) = floor(sqrt(val(x)))``; numbers LSB first, padding allowed.

    Edge cases (FLaRe's labels and code): both numbers have at least one bit; trailing ``0``
    padding is allowed on both; exactly one ``=``. The square root is the exact integer one
    (``math.isqrt``); FLaRe's generator used ``floor(math.sqrt(x))`` in floating point, which
    agrees on every string of its data (checked by the tests) and for every ``x < 2^52``.
    Accept: ``"0=0"``, ``"1=100"``, ``"001=01"`` (sqrt 4 = 2), ``"111=01"`` (sqrt 7 -> 2),
    ``"0001=01"`` (sqrt 8 -> 2). Reject: ``"=0"``, ``"1="``, ``"001=1"``, ``"111=11"``,
    ``"0=0=0"``.

    Counting: ``isqrt(X) < 2^c`` iff ``X < 4^c``, so ``count(n) = sum_{a + c = n-1}
    min(2^a, 4^c)``; sampling picks ``a`` with that weight and ``X`` uniform below it.
    """

    name, alphabet, separators = "flare/compute-sqrt", ("0", "1", "="), ("=",)

    def __init__(self) -> None:
        self._tables: dict[int, list[int]] = {}

    def value(self, operands: list[int]) -> int:
        return math.isqrt(operands[0])

    def _cum(self, n: int) -> list[int]:
        """Cumulative ``min(2^a, 4^c)`` over ``a = 1 .. n-2`` (cached per n)."""
        if n not in self._tables:
            acc, cum = 0, []
            for a in range(1, n - 1):
                acc += min(1 << a, 1 << (2 * (n - 1 - a)))
                cum.append(acc)
            self._tables[n] = cum
        return self._tables[n]

    def count(self, n: int) -> int:
        return self._cum(n)[-1] if n >= 3 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 3:
            return None
        cum = self._cum(n)
        a = 1 + bisect_right(cum, randbelow(rng, cum[-1]))
        c = n - 1 - a
        x = randbelow(rng, min(1 << a, 1 << (2 * c)))
        return (*value_bits(x, a), "=", *value_bits(math.isqrt(x), c))
