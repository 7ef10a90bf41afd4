"""The docstring examples of langlab.data and langlab.tasks run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["langlab.data", "langlab.data.spec", "langlab.data.allocate", "langlab.data.draw",
           "langlab.data.negatives", "langlab.data.nextsets", "langlab.data.tensors",
           "langlab.data.targets", "langlab.data.cache", "langlab.data.splits",
           "langlab.data.export", "langlab.tasks", "langlab.tasks.base",
           "langlab.tasks.next_symbol", "langlab.tasks.recognition"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
