"""CHE's context-sensitive tasks (Delétang et al. 2023) whose inputs are regular: duplicate
string, odds first, binary addition, binary multiplication, compute sqrt and bucket sort
(missing duplicate, whose inputs are not regular, is in :mod:`.missing`).

Odds first and bucket sort share their function with FLaRe's ``w # f(w)`` languages
(``flare/odds-first``, ``flare/bucket-sort``: ``transform``), reverse string with
``flare/marked-reversal``. Numbers: CHE's little-endian binary for addition and
multiplication (operands nonzero, zero-filled to their width), big-endian for sqrt. The output
of addition, multiplication and stack manipulation ends with CHE's termination token, here
``$``; CHE pads it further to a fixed length and scores only up to the terminator, which is
the whole of our output.

>>> from langlab.languages.che.cs import BinaryAddition, ComputeSqrt, OddsFirst
>>> BinaryAddition().function_form()("001+01101")   # 4 + 22 = 26
('0', '1', '0', '1', '1', '$')
>>> ComputeSqrt().function_form()("100101"), OddsFirst().function_form()("00110101")
(('1', '1', '0'), ('0', '1', '0', '0', '0', '1', '1', '1'))
"""

from __future__ import annotations

from math import isqrt

from langlab.languages.base import Tokens
from langlab.languages.che.regular import BITS, CheDFA
from langlab.languages.flare import copy as flare_copy
from langlab.languages.transduce import binary, value

END = "$"


class DuplicateString(CheDFA):
    """Binary strings; output ``w w``. ``101 -> 101101``."""

    task, tokens, outputs, che_level = "duplicate-string", BITS, BITS, "context-sensitive"

    def apply(self, x: Tokens) -> Tokens:
        return x + x


class OddsFirst(CheDFA):
    """Binary strings; output the symbols at odd positions (1st, 3rd, ...) then those at even
    ones: ``00110101 -> 0100 0111`` (the paper's and the code's docstring; the code's slicing
    puts the even positions first, a relabelling that changes no accuracy)."""

    task, tokens, outputs, che_level = "odds-first", BITS, BITS, "context-sensitive"

    def apply(self, x: Tokens) -> Tokens:
        return flare_copy.OddsFirst().transform(x)


class BucketSort(CheDFA):
    """Strings over ``1``-``5`` (FLaRe's symbols for CHE's ``0``-``4``); output them sorted."""

    task, tokens, che_level = "bucket-sort", ("1", "2", "3", "4", "5"), "context-sensitive"
    outputs = tokens

    def apply(self, x: Tokens) -> Tokens:
        return flare_copy.BucketSort().transform(x)


class _BinaryOp(CheDFA):
    """``x OP y``: two nonzero little-endian binary numbers, each as many digits as written
    (zero-filled); output ``x OP y`` little-endian without high zeros, then ``$``."""

    op = "+"
    outputs, che_level = (*BITS, END), "context-sensitive"

    def _dfa(self):
        # a: in x, no 1 yet; b: in x, a 1 seen; c, d: the same for y.
        return "a", {"d"}, {"a": {"0": "a", "1": "b"}, "b": {"0": "b", "1": "b", self.op: "c"},
                            "c": {"0": "c", "1": "d"}, "d": {"0": "d", "1": "d"}}

    def combine(self, a: int, b: int) -> int:
        raise NotImplementedError

    def apply(self, x: Tokens) -> Tokens:
        i = x.index(self.op)
        a, b = value(x[:i], little_endian=True), value(x[i + 1:], little_endian=True)
        return binary(self.combine(a, b), little_endian=True) + (END,)


class BinaryAddition(_BinaryOp):
    __doc__ = _BinaryOp.__doc__
    task, op, tokens = "binary-addition", "+", (*BITS, "+")

    def combine(self, a: int, b: int) -> int:
        return a + b


class BinaryMultiplication(_BinaryOp):
    __doc__ = _BinaryOp.__doc__
    task, op, tokens = "binary-multiplication", "*", (*BITS, "*")

    def combine(self, a: int, b: int) -> int:
        return a * b


class ComputeSqrt(CheDFA):
    """Nonzero big-endian binary numbers of ``n`` digits; output ``floor(sqrt(x))`` in
    ``ceil(n / 2)`` digits, big-endian: ``100101`` (37) ``-> 110`` (6)."""

    task, tokens, outputs, che_level = "compute-sqrt", BITS, BITS, "context-sensitive"

    def _dfa(self):
        return "z", {"o"}, {"z": {"0": "z", "1": "o"}, "o": {"0": "o", "1": "o"}}

    def apply(self, x: Tokens) -> Tokens:
        return binary(isqrt(value(x)), (len(x) + 1) // 2)
