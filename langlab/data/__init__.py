"""Length-generalization datasets: split specs, exact sampling, tensors, cache and export.

A dataset is drawn for a :class:`DataRequest`, which a task makes from its options; the usual
entry point is ``langlab.tasks.build_dataset(lang, task, spec, **options)``.

>>> from langlab.data import DataRequest, LengthBin, SplitSpec, make_dataset
>>> ds = make_dataset("parity", DataRequest("recognition", negatives=True, next_sets=False),
...     SplitSpec(train=LengthBin(1, 8, 40), validation=LengthBin(1, 8, 10),
...               test=[LengthBin(9, 12, 20)]))
>>> sorted({ex.label for ex in ds.splits["train"].examples})
[0, 1]
"""

from __future__ import annotations

from langlab.data.cache import DATA_VERSION
from langlab.data.spec import FileSource, LengthBin, SplitSpec, make_spec
from langlab.data.splits import DataRequest, Dataset, Example, Split, make_dataset
from langlab.data.tensors import Batch, TargetConvention, Vocab

__all__ = ["DATA_VERSION", "Batch", "DataRequest", "Dataset", "Example", "FileSource", "LengthBin", "Split",
           "SplitSpec", "TargetConvention", "Vocab", "make_dataset", "make_spec"]
