"""The model zoo: causal sequence encoders behind one interface, found by name.

Every model maps ``tokens`` (B, T) long (id 0 is padding, ``lengths[b]`` real tokens first) and
``lengths`` (B,) to states (B, T, D): the state after reading each prefix. Outputs at real
positions never depend on later tokens or on padding; outputs at padded positions are zero.
Each model exposes ``config`` (its dataclass), ``output_dim`` (D) and ``num_parameters()``.

>>> from langlab.models import build_model, list_models
>>> list_models()
['gru', 'lstm', 'rnn', 'ssm', 'stack-rnn', 'tape-rnn', 'transformer']
>>> build_model("gru", vocab_size=5, hidden=8).output_dim
8
"""

from __future__ import annotations

from typing import Any

from langlab.errors import UnknownNameError

from langlab.models import recurrent, ssm, stack_rnn, tape_rnn, transformer  # noqa: F401  (they register)
from langlab.models.common import (Encoder, ModelSettingError, Setting, build, parse_params,
                                   registered, settings_of)

__all__ = ["Encoder", "ModelSettingError", "Setting", "build_model", "list_models", "model_class",
           "parse_params", "settings_of"]


def list_models() -> list[str]:
    """Every registered model name, sorted."""
    return sorted(registered())


def model_class(name: str) -> type[Encoder]:
    """The encoder class registered as ``name`` (its ``Config`` lists the settings)."""
    classes = registered()
    if name not in classes:
        raise UnknownNameError("model", name, sorted(classes))
    return classes[name]


def build_model(name: str, vocab_size: int, **settings: Any) -> Encoder:
    """Build the model ``name`` for token ids 0..vocab_size-1 (0 is padding).

    ``settings`` are the fields of the model's config dataclass, or ``params`` (an int or a
    string such as ``"64k"``) to solve the model's width for that many parameters (within 10%).
    Unknown settings and bad values raise :class:`ModelSettingError` (a ``LanglabError``).

    >>> build_model("transformer", vocab_size=6, positional="rope", d_model=64, heads=4).config.ff is None
    True
    """
    return build(name, vocab_size, settings)
