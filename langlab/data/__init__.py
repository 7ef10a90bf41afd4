"""Length-generalization datasets: split specs, exact sampling, tensors, cache and export.

>>> from langlab.data import LengthBin, SplitSpec, build_dataset
>>> ds = build_dataset("parity", "recognition", SplitSpec(
...     train=LengthBin(1, 8, 40), validation=LengthBin(1, 8, 10), test=[LengthBin(9, 12, 20)]))
>>> sorted({ex.label for ex in ds.splits["train"].examples})
[0, 1]
"""

from __future__ import annotations

from langlab.data.cache import DATA_VERSION
from langlab.data.spec import LengthBin, SplitSpec, make_spec
from langlab.data.splits import Dataset, Example, Split, build_dataset
from langlab.data.tensors import Batch, TargetConvention, Vocab

__all__ = ["DATA_VERSION", "Batch", "Dataset", "Example", "LengthBin", "Split", "SplitSpec",
           "TargetConvention", "Vocab", "build_dataset", "make_spec"]
