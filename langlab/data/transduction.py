"""Transduction data: inputs ``x`` of a language's function form, each followed by ``|f(x)|``
blanks, with the output token ``f(x)_j`` as the one-element target set at the ``j``-th blank.

The inputs are drawn by the same machinery as members of any language (``allocate`` plans the
lengths from exact capacities of the function's *domain*, ``draw`` draws distinct inputs, no
input in two splits), so length bins are bins of input length ``n``. The targets ride in the
dataset's table of next-symbol sets (``{f(x)_j}``, the empty set elsewhere), so splits, batches,
the cache and the export need nothing new.

>>> from langlab.data import LengthBin, SplitSpec
>>> from langlab.data.splits import DataRequest, make_dataset
>>> spec = SplitSpec(train=LengthBin(1, 6, 20), validation=LengthBin(1, 6, 5),
...                  test=[LengthBin(7, 9, 5)])
>>> ds = make_dataset("che/reverse-string", DataRequest("transduction", function=True), spec)
>>> ex = ds.splits["train"].examples[0]
>>> n = len(ex.tokens) // 2
>>> ex.tokens[n:] == ("<blank>",) * n, [min(s) for s in ex.next[n + 1:]] == list(ex.tokens[:n][::-1])
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from langlab.data.allocate import capacities, plan_splits
from langlab.data.draw import draw_plans
from langlab.data.tensors import TargetConvention, Vocab, encode_split
from langlab.languages.transduce import BLANK, FunctionForm

if TYPE_CHECKING:
    from langlab.data.spec import SplitSpec


def transduction_vocab(form: FunctionForm) -> Vocab:
    """Input tokens: the domain's alphabet, the output tokens it lacks, then BLANK; the scored
    output columns are the function's output alphabet."""
    alphabet = (*form.domain.alphabet,
                *(t for t in form.outputs if t not in form.domain.alphabet), BLANK)
    probe = Vocab(alphabet)
    columns = tuple(probe.output_index(t) for t in form.outputs)
    return Vocab(alphabet, TargetConvention("transduction", columns, 0))


def output_sets(form: FunctionForm) -> list[frozenset[str]]:
    """The dataset's set table: 0 the empty set, then ``{y}`` for each output token."""
    return [frozenset(), *(frozenset({t}) for t in form.outputs)]


def draw_transduction(form: FunctionForm, spec: SplitSpec, vocab: Vocab):
    """Per split name: (bin, arrays, distinct inputs, notes)."""
    domain = form.domain
    bins = spec.bins()
    sizes = {name: b.size for name, b in bins.items()}
    caps = capacities(domain, bins, sizes)
    plans = plan_splits(domain, bins, sizes, caps, np.random.default_rng([spec.seed, 0, 0]),
                        uniform=spec.uniform_splits())
    inputs = draw_plans(domain, plans, caps, spec.distribution, spec.seed)
    sid = {t: i + 1 for i, t in enumerate(form.outputs)}
    out = {}
    for i, (name, b) in enumerate(bins.items()):
        xs = inputs[name]
        order = np.random.default_rng([spec.seed, 0, 3, i]).permutation(len(xs))
        xs = [xs[j] for j in order]
        strings, rows = [], []
        for x in xs:
            y = form.fn(x)
            if not y:
                raise ValueError(f"{form.name}: f({domain.join(x)!r}) is empty")
            strings.append((*x, *(BLANK,) * len(y)))
            rows.append([0] * (len(x) + 1) + [sid[t] for t in y])
        arrays = encode_split(vocab, strings, [1] * len(strings), rows)
        out[name] = (b, arrays, len(set(xs)), plans[name].notes)
    return out
