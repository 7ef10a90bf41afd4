"""The model registry, strict settings checks and parameter-budget sizing.

Every model family registers its encoder class with :func:`register`. An encoder class carries
``Config`` (a ``@dataclass`` whose first field is ``vocab_size``) and ``width_field`` (the setting
that :func:`build_model` solves for when a ``params`` budget is given).

>>> from langlab.models import build_model
>>> m = build_model("lstm", vocab_size=6, params="20k")
>>> abs(m.num_parameters() - 20_000) <= 2_000, m.config.hidden
(True, 49)
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from typing import Any, Callable

import torch
from torch import nn

from langlab.errors import LanglabError, UnknownNameError, did_you_mean

_REGISTRY: dict[str, type[nn.Module]] = {}
BUDGET_TOLERANCE = 0.10  # a params budget is met when |count - budget| <= 10% of the budget
_MAX_WIDTH = 8192


class ModelSettingError(LanglabError, ValueError):
    """A model setting that is unknown, of the wrong type or out of range (one line)."""


def register(name: str) -> Callable[[type[nn.Module]], type[nn.Module]]:
    """Class decorator: make an encoder buildable as ``build_model(name, ...)``."""

    def deco(cls: type[nn.Module]) -> type[nn.Module]:
        if name in _REGISTRY:  # two families claiming one name is a programming error
            raise RuntimeError(f"model {name!r} registered twice")
        cls.registry_name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def registered() -> dict[str, type[nn.Module]]:
    return dict(_REGISTRY)


class Encoder(nn.Module):
    """Base of every registered model: a causal sequence encoder (``causal``: the output at t
    depends on tokens up to t only; an instance that attends both ways sets it False).

    Subclasses set ``Config``, ``width_field``, ``output_dim`` and implement
    ``forward(tokens (B, T) long, lengths (B,) long) -> (B, T, output_dim)``. Outputs at padded
    positions (t >= lengths[b]) are zero, so pooling mistakes downstream cannot leak padding.
    """

    Config: type
    width_field: str
    registry_name: str
    output_dim: int
    causal: bool = True

    def num_parameters(self) -> int:
        """Trainable parameters, embeddings included."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    @staticmethod
    def real_mask(lengths: torch.Tensor, T: int) -> torch.Tensor:
        """(B, T, 1) float mask, 1 at real positions."""
        steps = torch.arange(T, device=lengths.device)
        return (steps[None, :] < lengths[:, None]).unsqueeze(-1).float()


# ---------------------------------------------------------------------------- settings checks

def _type_ok(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(_type_name(h) for h in typing.get_args(hint))
    return "None" if hint is type(None) else getattr(hint, "__name__", str(hint))


def make_config(cls: type[Encoder], vocab_size: int, settings: dict[str, Any]):
    """Check ``settings`` against ``cls.Config`` and return the config instance.

    Unknown names get "did you mean"; values are type-checked here and range-checked by the
    config's ``check()`` method, so every mistake is a one-line :class:`ModelSettingError`.
    """
    name = cls.registry_name
    config_cls = cls.Config
    hints = typing.get_type_hints(config_cls)
    fields = [f.name for f in dataclasses.fields(config_cls) if f.init and f.name != "vocab_size"]
    if not _type_ok(vocab_size, int) or vocab_size < 2:
        raise ModelSettingError(f"model {name!r}: vocab_size must be an int >= 2 (id 0 is padding), got {vocab_size!r}")
    for key, value in settings.items():
        if key not in fields:
            hint = did_you_mean(key, fields + ["params"], n=2)
            raise ModelSettingError(
                f"model {name!r} has no setting {key!r}{hint} (settings: {', '.join(fields + ['params'])})")
        if not _type_ok(value, hints[key]):
            raise ModelSettingError(
                f"model {name!r}: setting {key!r} must be {_type_name(hints[key])}, got {value!r}")
    choices: dict[str, tuple[str, ...]] = getattr(config_cls, "CHOICES", {})
    for key, value in settings.items():
        if key in choices and value not in choices[key]:
            hint = did_you_mean(str(value), choices[key])
            raise ModelSettingError(
                f"model {name!r}: {key}={value!r} is not one of {', '.join(choices[key])}{hint}")
    config = config_cls(vocab_size=vocab_size, **settings)
    config.check()
    return config


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting a model takes, as ``langlab models`` lists it."""

    name: str
    type: str                      # e.g. "int", "int or None", "str"
    default: Any
    choices: tuple[str, ...] = ()  # the only values allowed, when the config restricts them
    note: str = ""


def settings_of(cls: type[Encoder]) -> list[Setting]:
    """The settings :func:`build_model` takes for ``cls``: the fields of its config in order
    (``vocab_size`` comes from the data, so it is not one), then ``params``.

    >>> from langlab.models import model_class
    >>> [(s.name, s.type, s.default) for s in settings_of(model_class("lstm"))][:2]
    [('hidden', 'int', 64), ('layers', 'int', 1)]
    """
    hints = typing.get_type_hints(cls.Config)
    choices: dict[str, tuple[str, ...]] = getattr(cls.Config, "CHOICES", {})
    out = []
    for f in dataclasses.fields(cls.Config):
        if not f.init or f.name == "vocab_size":
            continue
        default = None if f.default is dataclasses.MISSING else f.default
        note = "the width that params sets" if f.name == cls.width_field else ""
        out.append(Setting(f.name, _type_name(hints[f.name]), default, tuple(choices.get(f.name, ())), note))
    out.append(Setting("params", "int or str", None,
                       note=f"a parameter budget (64000, '64k', '1.5M'): sets {cls.width_field} "
                            f"to meet it within {BUDGET_TOLERANCE:.0%}"))
    return out


def positive(name: str, **values: int | float) -> None:
    """Raise ModelSettingError unless every value is > 0 (helper for ``Config.check``)."""
    for key, value in values.items():
        if value is not None and value <= 0:
            raise ModelSettingError(f"model {name!r}: {key} must be > 0, got {value!r}")


def dropout_ok(name: str, p: float) -> None:
    if not 0.0 <= p < 1.0:
        raise ModelSettingError(f"model {name!r}: dropout must be in [0, 1), got {p!r}")


# ---------------------------------------------------------------------------- parameter budgets

_BUDGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_params(value: int | str) -> int:
    """A parameter budget: an int, or a string such as ``"64k"`` (x1000) or ``"1.5M"`` (x10^6).

    >>> parse_params("64k"), parse_params("1.5M"), parse_params(5000)
    (64000, 1500000, 5000)
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ModelSettingError(f"params must be an int or a string like '64k', got {value!r}")
    if isinstance(value, int):
        count = value
    else:
        m = _BUDGET.match(value)
        if not m:
            raise ModelSettingError(f"params must look like 64000, '64k' or '1.5M', got {value!r}")
        count = round(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])
    if count <= 0:
        raise ModelSettingError(f"params must be > 0, got {value!r}")
    return count


def count_parameters(cls: type[Encoder], config) -> int:
    """Trainable parameters of ``cls(config)``, built on the meta device (no memory, no RNG)."""
    with torch.device("meta"):
        return cls(config).num_parameters()


def solve_width(cls: type[Encoder], vocab_size: int, settings: dict[str, Any], budget: int):
    """The config whose width (``cls.width_field``) brings the parameter count closest to budget.

    Parameter counts grow with width, so a binary search over the valid widths finds the two
    neighbours of the budget; the closer one must be within ``BUDGET_TOLERANCE``.
    """
    name, field = cls.registry_name, cls.width_field
    if field in settings:
        raise ModelSettingError(f"model {name!r}: give either params or {field}, not both")

    def config_at(width: int):
        try:
            return make_config(cls, vocab_size, {**settings, field: width})
        except ModelSettingError:
            return None  # e.g. a width not divisible by the number of heads

    make_config(cls, vocab_size, settings)  # report bad settings before searching

    def next_valid(width: int) -> int | None:
        for w in range(width, min(width + 256, _MAX_WIDTH) + 1):
            if config_at(w) is not None:
                return w
        return None

    def too_small(width: int) -> bool:  # is every valid width <= this one under budget?
        w = next_valid(width)
        return w is not None and count_parameters(cls, config_at(w)) < budget

    lo, hi = 1, _MAX_WIDTH
    while lo < hi:  # the smallest width at which the next valid model meets the budget
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if too_small(mid) else (lo, mid)
    below = next((w for w in range(lo - 1, max(0, lo - 257), -1) if config_at(w) is not None), None)
    candidates = [w for w in (below, next_valid(lo)) if w is not None]
    if not candidates:
        raise ModelSettingError(f"model {name!r}: no valid {field} near the params budget {budget}")
    best = min(candidates, key=lambda w: abs(count_parameters(cls, config_at(w)) - budget))
    config = config_at(best)
    got = count_parameters(cls, config)
    if abs(got - budget) > BUDGET_TOLERANCE * budget:
        raise ModelSettingError(
            f"model {name!r}: cannot meet params={budget} within 10% by {field} (closest: {field}={best}, "
            f"{got} parameters); change the other settings")
    return config


def build(name: str, vocab_size: int, settings: dict[str, Any]) -> Encoder:
    if name not in _REGISTRY:
        raise UnknownNameError("model", name, sorted(_REGISTRY))
    cls = _REGISTRY[name]
    settings = dict(settings)
    if "params" in settings:
        config = solve_width(cls, vocab_size, {k: v for k, v in settings.items() if k != "params"},
                             parse_params(settings["params"]))
    else:
        config = make_config(cls, vocab_size, settings)
    return cls(config)
