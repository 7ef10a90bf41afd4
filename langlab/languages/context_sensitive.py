"""Classic languages beyond context-free (and aⁿbᵐcⁿ⁺ᵐ): copy, marked copy, squares, powers of 2,
and the marked transformations ``w # f(w)`` that marked copy and FLaRe's copy languages share.

>>> Copy().accepts("abab"), MarkedCopy().accepts("ab#ab"), AnBmCnm().accepts("abcc")
(True, True, True)
>>> [ASquare().count(n) for n in range(10)]
[1, 1, 0, 0, 1, 0, 0, 0, 0, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from math import isqrt

import numpy as np

from langlab.languages.base import EOS, Language, ScanLanguage, Tokens


def z_function(s: Sequence) -> list[int]:
    """``z[i]`` = length of the longest common prefix of ``s`` and ``s[i:]`` (``z[0] = len(s)``).

    >>> z_function("abab")
    [4, 0, 2, 0]
    """
    n = len(s)
    z = [0] * n
    if n:
        z[0] = n
    left = right = 0
    for i in range(1, n):
        if i < right:
            z[i] = min(right - i, z[i - left])
        while i + z[i] < n and s[z[i]] == s[i + z[i]]:
            z[i] += 1
        if i + z[i] > right:
            left, right = i, i + z[i]
    return z


class Copy(Language):
    """copy: ``w w`` for w in {a,b}*. ``count(2m) = 2**m`` (distinct w give distinct ww).

    Every prefix p extends to a member (p p is one), so ``next_symbols`` is always ``{a, b}``,
    plus EOS iff p is a square; ``p[:2h]`` is a square iff ``z[h] >= h`` in the Z-function of p,
    which makes ``next_symbols_all`` O(n).

    >>> L = Copy()
    >>> L.accepts("abaaba"), L.accepts("abba"), sorted(L.next_symbols("aa"))
    (True, False, ['<eos>', 'a', 'b'])
    """

    name = "copy"
    alphabet = ("a", "b")
    level = "context-sensitive"

    def count(self, n: int) -> int:
        return 1 << (n // 2) if n >= 0 and n % 2 == 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if self.count(n) == 0:
            return None
        w = tuple(self.alphabet[x] for x in rng.integers(0, 2, size=n // 2).tolist())
        return w + w

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        h = len(toks) // 2
        return len(toks) % 2 == 0 and toks[:h] == toks[h:]

    _OPEN, _DONE = frozenset({"a", "b"}), frozenset({"a", "b", EOS})

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        z = z_function(toks)
        out = [self._DONE]
        for i in range(1, len(toks) + 1):
            square = i % 2 == 0 and z[i // 2] >= i // 2
            out.append(self._DONE if square else self._OPEN)
        return out

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self._DONE if self.accepts(prefix) else self._OPEN


class MarkedTransform(ScanLanguage):
    """``{ w # f(w) : w in symbols* }`` for a length-preserving ``f``: subclasses set
    ``symbols`` (and ``marker``) and implement ``transform``.

    The string is determined by ``w`` and every ``w`` is allowed, so members have odd length
    ``2k + 1``, ``count(2k + 1) = |symbols|^k`` and a uniform member is ``w # f(w)`` for a
    uniform ``w``. Before the marker every symbol (and the marker) extends the prefix; after
    it the next symbol is forced: the next one of ``f(w)``, or EOS once it is complete.
    """

    symbols: tuple[str, ...] = ("0", "1")
    marker = "#"
    level = "context-sensitive"

    def __init__(self) -> None:
        self.alphabet = (*self.symbols, self.marker)
        self._before = frozenset(self.alphabet)  # any w-prefix extends, and # may come next

    def transform(self, w: Tokens) -> Tokens:
        raise NotImplementedError

    def function_form(self):
        """``w -> f(w)`` over nonempty ``w``: the function this language is the graph of (the
        transduction task draws ``w`` and asks for ``f(w)``)."""
        from langlab.languages.transduce import FunctionForm, sigma_star

        domain = sigma_star(f"{self.name} (inputs)", self.symbols, nonempty=True)
        return FunctionForm(self.name, domain, tuple(self.symbols), self.transform, self.level)

    def accepts(self, s: Sequence[str] | str) -> bool:
        toks = self.tokenize(s)
        if toks.count(self.marker) != 1:
            return False
        i = toks.index(self.marker)
        return toks[i + 1:] == self.transform(toks[:i])

    def count(self, n: int) -> int:
        return len(self.symbols) ** (n // 2) if n >= 1 and n % 2 == 1 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if n < 1 or n % 2 == 0:
            return None
        w = tuple(self.symbols[i] for i in rng.integers(0, len(self.symbols), size=n // 2))
        return (*w, self.marker, *self.transform(w))

    def completion(self, prefix: Sequence[str] | str) -> Tokens | None:
        """The shortest member starting with ``prefix``, or None when there is none."""
        toks = self.tokenize(prefix)
        if self.marker not in toks:
            return (*toks, self.marker, *self.transform(toks))
        i = toks.index(self.marker)
        s = (*toks[:i + 1], *self.transform(toks[:i]))
        return s if s[:len(toks)] == toks else None

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        if self.marker not in toks:
            return [self._before] * (len(toks) + 1)
        i = toks.index(self.marker)
        target = (*self.transform(toks[:i]), EOS)  # what must follow the marker, then the end
        out = [self._before] * (i + 1)
        for j in range(len(toks) - i):  # the set after toks[:i + 1 + j]
            alive = j == 0 or toks[i + j] == target[j - 1]
            if not alive:
                return out + [frozenset()] * (len(toks) - i - j)
            out.append(frozenset({target[j]}))
        return out


class MarkedCopy(MarkedTransform):
    """marked-copy: ``w # w`` for w in {a,b}*. ``count(2m + 1) = 2**m``. The one
    implementation of ``w # w``: FLaRe's Marked Copy is this over {0,1}
    (:class:`langlab.languages.flare.copy.MarkedCopy`); both files carry the generic copy
    pattern ``[w, "#", w]`` as its reference (tests/test_spec_agreement.py).

    >>> L = MarkedCopy()
    >>> L.accepts("ab#ab"), L.accepts("ab#ba"), sorted(L.next_symbols("ab#a"))
    (True, False, ['b'])
    """

    name, symbols = "marked-copy", ("a", "b")

    def transform(self, w: Tokens) -> Tokens:
        return w


class AnBmCnm(ScanLanguage):
    """anbmcnm: ``a^n b^m c^(n+m)`` with n, m ≥ 0 (ε included). Context-free, not merely
    context-sensitive: ``S -> a S c | T``, ``T -> b T c | ε``. ``count(2j) = j + 1``.

    >>> L = AnBmCnm()
    >>> [L.count(n) for n in range(5)], L.accepts("aabccc"), L.accepts("acb")
    ([1, 0, 2, 0, 3], True, False)
    """

    name = "anbmcnm"
    alphabet = ("a", "b", "c")
    level = "context-free"

    def count(self, n: int) -> int:
        return n // 2 + 1 if n >= 0 and n % 2 == 0 else 0

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        if self.count(n) == 0:
            return None
        j = n // 2
        a = int(rng.integers(0, j + 1))
        return ("a",) * a + ("b",) * (j - a) + ("c",) * j

    trace_targets = ("counter", "block")

    def _trace(self, toks: Tokens) -> dict[str, list]:
        """The counter ``#a + #b - #c`` and the block (0 a's, 1 b's, 2 c's) after each prefix."""
        sets = self.next_symbols_all(toks)
        counter, blocks, c, block = [(0,)], [0], 0, 0
        for i, t in enumerate(toks):
            if not sets[i + 1]:
                break
            c += -1 if t == "c" else 1
            block = max(block, "abc".index(t))
            counter.append((c,))
            blocks.append(block)
        n = len(toks)
        return {"counter": self._pad_dead(counter, n), "block": self._pad_dead(blocks, n)}

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        toks = self.tokenize(s)
        phase, need, cs = 0, 0, 0  # phase 0: a's, 1: b's, 2: c's; need = n + m so far

        def allowed() -> frozenset[str]:
            out = {"a"} if phase == 0 else set()
            if phase <= 1:
                out.add("b")
            if cs < need:
                out.add("c")
            if cs == need:
                out.add(EOS)
            return frozenset(out)

        out = [allowed()]
        for t in toks:
            if t not in out[-1]:
                break
            phase = max(phase, "abc".index(t))
            if t == "c":
                cs += 1
            else:
                need += 1
            out.append(allowed())
        return out + [frozenset()] * (len(toks) + 1 - len(out))


class UnaryLengths(Language):
    """A unary language ``{a^n : n in S}`` for an infinite set S given by ``member(n)``.

    Every prefix extends (S is infinite), so next_symbols is ``{a}`` plus EOS iff a member.
    """

    alphabet = ("a",)
    level = "context-sensitive"

    def member(self, n: int) -> bool:
        raise NotImplementedError

    def count(self, n: int) -> int:
        return int(n >= 0 and self.member(n))

    def sample(self, n: int, rng: np.random.Generator) -> Tokens | None:
        return ("a",) * n if self.count(n) else None

    def accepts(self, s: Sequence[str] | str) -> bool:
        return self.member(len(self.tokenize(s)))

    _OPEN, _DONE = frozenset({"a"}), frozenset({"a", EOS})

    def next_symbols_all(self, s: Sequence[str] | str) -> list[frozenset[str]]:
        n = len(self.tokenize(s))
        return [self._DONE if self.member(i) else self._OPEN for i in range(n + 1)]

    def next_symbols(self, prefix: Sequence[str] | str) -> frozenset[str]:
        return self._DONE if self.accepts(prefix) else self._OPEN


class ASquare(UnaryLengths):
    """a-square: ``a^(k^2)`` for k ≥ 0 (so ε is a member).

    >>> [n for n in range(20) if ASquare().accepts("a" * n)]
    [0, 1, 4, 9, 16]
    """

    name = "a-square"

    def member(self, n: int) -> bool:
        return isqrt(n) ** 2 == n

    parameter = "k"

    def parameter_length(self, n: int) -> int:
        return n * n


class APow2(UnaryLengths):
    """a-pow2: ``a^(2^k)`` for k ≥ 0 (lengths 1, 2, 4, 8, ...; ε is not a member).

    >>> [n for n in range(20) if APow2().accepts("a" * n)]
    [1, 2, 4, 8, 16]
    """

    name = "a-pow2"

    def member(self, n: int) -> bool:
        return n >= 1 and n & (n - 1) == 0

    parameter = "k"

    def parameter_length(self, n: int) -> int:
        return 2 ** n
