"""The split specification: length bins as a type, and the spec that names every split.

Defaults follow Bhattamishra, Ahuja & Goyal (EMNLP 2020): 10,000 training strings of lengths
1-50 and three test bins of 2,000 strings, lengths 1-50 (held out), 51-100 and 101-150. langlab
adds a validation set of 1,000 strings at the training lengths (for early stopping and model
selection; the paper had none and selected on test bins).

>>> spec = SplitSpec()
>>> str(spec.train), [str(b) for b in spec.test]
('1-50', ['1-50', '51-100', '101-150'])
>>> spec.split_names()
['train', 'validation', 'test-1-50', 'test-51-100', 'test-101-150']
>>> SplitSpec(train=LengthBin(1, 20, 100), test=[LengthBin(21, 40, 50)]).test[0].name
'test-21-40'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

from langlab.errors import LanglabError


class DepthWindow(BaseModel):
    """The deepest nesting a string reaches, from ``lo`` to ``hi`` (inclusive); in YAML
    ``depth: 2`` (exactly 2) or ``depth: {lo: 1, hi: 3}``.

    >>> DepthWindow.model_validate(2), str(DepthWindow(lo=1, hi=3))
    (DepthWindow(lo=2, hi=2), '1-3')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lo: int = Field(ge=0, description="shallowest maximum depth")
    hi: int = Field(ge=0, description="deepest maximum depth (inclusive)")

    @model_validator(mode="before")
    @classmethod
    def _exactly(cls, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return {"lo": value, "hi": value}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> DepthWindow:
        if self.hi < self.lo:
            raise ValueError(f"depth window {self.lo}-{self.hi} is empty (hi < lo)")
        return self

    def __str__(self) -> str:
        return f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"


class LengthBin(BaseModel):
    """An inclusive range of lengths (in tokens) and how many strings to draw from it, and
    optionally the window of maximum nesting depth its strings must reach (``depth``, for
    languages with brackets: Dyck-k, D_n; sampling stays exactly uniform within the window).

    A bin may instead give a window of the language's parameter (``n: {lo: 51, hi: 100}`` or
    ``n: 7``; ``unit`` is then ``"n"``), as the 2020 paper bins aⁿbⁿ by n. The window becomes
    lengths once the language is known (:meth:`resolve`): for aⁿbⁿ, n 51-100 is lengths 102-200,
    the same strings, each n as likely as another.

    >>> b = LengthBin(lo=51, hi=100, size=2000)
    >>> str(b), b.name, 60 in b, b.lengths()[:2]
    ('51-100', 'test-51-100', True, [51, 52])
    >>> LengthBin(lo=102, hi=200, size=10, depth=2).name
    'test-102-200-depth-2'
    >>> LengthBin(lo=81, hi=160, size=10, negatives="permuted").name
    'test-81-160-permuted'
    >>> w = LengthBin.model_validate({"n": {"lo": 51, "hi": 100}, "size": 50})
    >>> str(w), w.name, str(w.resolve(lambda n: 2 * n))
    ('n51-100', 'test-n51-100', '102-200')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lo: int = Field(ge=0, description="shortest length, in tokens")
    hi: int = Field(ge=0, description="longest length, in tokens (inclusive)")
    size: int = Field(ge=1, description="number of strings to draw")
    depth: DepthWindow | None = Field(None, description="window of the maximum nesting depth")
    unit: Literal["n"] | None = Field(
        None, description="n: lo and hi are a window of the language's parameter, not lengths")
    negatives: Literal["permuted"] | None = Field(
        None, description="recognition: this bin's negatives are members with transposed "
                          "symbols (langlab.data.permuted_negatives), not the task's")

    def __repr_args__(self):
        return [(k, v) for k, v in super().__repr_args__()
                if not (k in ("depth", "unit", "negatives") and v is None)]

    @model_serializer(mode="wrap")
    def _dump(self, handler):
        # Left out when unset, so that bins written before the fields keep their keys and dumps.
        out = handler(self)
        for key in ("depth", "unit", "negatives"):
            if out.get(key) is None:
                out.pop(key, None)
        return out

    @model_validator(mode="before")
    @classmethod
    def _parameter_window(cls, value):
        # ``n: 7`` or ``n: {lo, hi}`` in place of lo and hi
        if not isinstance(value, dict) or "n" not in value:
            return value
        value = dict(value)
        window = value.pop("n")
        if "lo" in value or "hi" in value:
            raise ValueError("give the bin's lengths (lo, hi) or its window of n, not both")
        if isinstance(window, int) and not isinstance(window, bool):
            window = {"lo": window, "hi": window}
        if not isinstance(window, dict) or set(window) != {"lo", "hi"}:
            raise ValueError("n is a window of the language's parameter: n: 7 or n: {lo: 1, hi: 50}")
        return {**value, **window, "unit": "n"}

    def __init__(self, lo: int | None = None, hi: int | None = None, size: int | None = None,
                 **kw):
        # Positional construction, LengthBin(1, 50, 10000), reads best in code; YAML uses keys.
        for key, value in (("lo", lo), ("hi", hi), ("size", size)):
            if value is not None:
                kw[key] = value
        super().__init__(**kw)

    @model_validator(mode="after")
    def _ordered(self) -> LengthBin:
        if self.hi < self.lo:
            raise ValueError(f"length range {self.lo}-{self.hi} is empty (hi < lo)")
        return self

    def __str__(self) -> str:
        return f"{self.unit or ''}{self.lo}-{self.hi}"

    def __contains__(self, n: object) -> bool:
        return isinstance(n, int) and self.unit is None and self.lo <= n <= self.hi

    def resolve(self, length_of) -> LengthBin:
        """The bin in lengths: a window of n becomes ``length_of(lo)-length_of(hi)`` (the
        parameter's lengths, strictly increasing in n); a bin in lengths stays as it is."""
        if self.unit is None:
            return self
        return self.model_copy(update={"lo": length_of(self.lo), "hi": length_of(self.hi),
                                       "unit": None})

    @property
    def name(self) -> str:
        """The name of a test split over this bin: ``test-LO-HI`` (``-depth-D`` when windowed,
        ``-permuted`` with permuted negatives)."""
        return (f"test-{self}" + ("" if self.depth is None else f"-depth-{self.depth}")
                + ("" if self.negatives is None else f"-{self.negatives}"))

    def lengths(self) -> list[int]:
        if self.unit is not None:
            raise LanglabError(f"bin {self} is a window of a language's parameter: resolve it "
                               "with the language first (SplitSpec.resolve)")
        return list(range(self.lo, self.hi + 1))

    @classmethod
    def parse(cls, text: str) -> LengthBin:
        """``"LO-HI:SIZE"`` (the command line's form) as a bin.

        >>> LengthBin.parse("51-100:2000")
        LengthBin(lo=51, hi=100, size=2000)
        """
        try:
            rng, _, size = text.partition(":")
            lo, dash, hi = rng.partition("-")
            return cls(lo=int(lo), hi=int(hi if dash else lo), size=int(size))
        except ValueError as exc:
            raise LanglabError(f"bad length bin {text!r}: expected LO-HI:SIZE, e.g. 51-100:2000"
                               f" ({_first_error(exc)})") from None


class FileSource(BaseModel):
    """Splits read from a folder of a peer's data files (see :mod:`langlab.data.files`).

    ``validation``: how many training strings to hold out as the validation split, when the
    folder has no validation file; 0 keeps every training string for training and validates on
    the training split itself (the 2020 paper's code had no held-out set).

    ``drawn_tests``: test bins langlab draws itself, beside the files' splits, with the suite's
    distribution and task (e.g. FLaRe's negatives), where the published files stop. Each bin must
    lie wholly above the longest string of the files, so that no drawn string can be a file
    string.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(description="bhattamishra2020, flare or jsonl")
    path: str = Field(description="the folder (relative paths: from the working directory)")
    validation: int = Field(0, ge=0)
    drawn_tests: list[LengthBin] = Field(default_factory=list)


# Fields added since data version 1, with their defaults: left out of keys at the default
# (see SplitSpec.describe).
ADDED_FIELDS = {"validation_long": None, "files": None, "train_lengths": "spread"}


class SplitSpec(BaseModel):
    """Every split of a dataset: train, validation and the test bins, the length distribution
    and the seed.

    ``distribution`` is ``"uniform"`` (uniform over members at each length) or the name of one of
    the language's alternative samplers (``lang.distributions``), e.g. the 2020 paper's
    probabilistic grammar ``"paper"``. Lengths are uniform over the lengths that have members,
    bent only where a length has too few members to supply its share (see ``allocate``).

    ``train_lengths`` says what the training split does at such a length: ``"spread"`` (the
    default) keeps its strings distinct and lets the other lengths make up the share;
    ``"uniform"`` keeps every length's share by repeating the few members, as a training stream
    that draws a length uniformly and then a member does (Delétang et al. 2023's protocol,
    where short inputs such as parity's of length 1-7 make up a sixth of the batches).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    train: LengthBin = LengthBin(lo=1, hi=50, size=10_000)
    validation: LengthBin = LengthBin(lo=1, hi=50, size=1_000)
    test: list[LengthBin] = Field(default_factory=lambda: [
        LengthBin(lo=1, hi=50, size=2_000), LengthBin(lo=51, hi=100, size=2_000),
        LengthBin(lo=101, hi=150, size=2_000)])
    distribution: str = "uniform"
    seed: int = 0
    # A held-out bin between training and test lengths, disjoint from every other split, for
    # the ``validation-long`` selection rule (Butoi et al. 2025). None: no such split.
    validation_long: LengthBin | None = None
    # Splits from files instead of drawn: train/validation/test above are then unused.
    files: FileSource | None = None
    # How the training split treats lengths with fewer members than their uniform share.
    train_lengths: Literal["spread", "uniform"] = "spread"

    @model_validator(mode="after")
    def _distinct_test_bins(self) -> SplitSpec:
        names = [b.name for b in self.test]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"test bins repeat a length range: {', '.join(dup)}")
        for name, b in (("train", self.train), ("validation", self.validation),
                        ("validation_long", self.validation_long)):
            if b is not None and b.negatives is not None:
                raise ValueError(f"{name}: negatives: {b.negatives} is for test bins only")
        return self

    def describe(self) -> dict:
        """The spec as JSON, fields added since data version 1 left out at their default: what
        run keys and dataset cache keys hash, so that adding a field changes no stored key."""
        out = self.model_dump(mode="json")
        for name, default in ADDED_FIELDS.items():
            if out.get(name) == default:
                out.pop(name, None)
        if out.get("files") is not None and not out["files"]["drawn_tests"]:
            del out["files"]["drawn_tests"]   # added after files: absent at its default
        return out

    def windows_of_n(self) -> list[LengthBin]:
        """The bins given as windows of the language's parameter (drawn tests of files too)."""
        bins = [*self.bins().values(), *(self.files.drawn_tests if self.files else ())]
        return [b for b in bins if b.unit is not None]

    def resolve(self, language) -> SplitSpec:
        """The spec with every window of the language's parameter (``n:``) made lengths; the
        same spec when it has none. A language without a parameter is an error naming it."""
        windowed = self.windows_of_n()
        if not windowed:
            return self
        if language.parameter is None:
            raise LanglabError(f"{language.name} has no parameter n (such as aⁿbⁿ's), so no "
                               f"window of n for bin {', '.join(map(str, windowed))}: give its "
                               "lengths (lo, hi)")
        f = language.parameter_length
        data = {"train": self.train.resolve(f), "validation": self.validation.resolve(f),
                "test": [b.resolve(f) for b in self.test]}
        if self.validation_long is not None:
            data["validation_long"] = self.validation_long.resolve(f)
        if self.files is not None:
            data["files"] = self.files.model_copy(
                update={"drawn_tests": [b.resolve(f) for b in self.files.drawn_tests]})
        try:
            return SplitSpec.model_validate({**self.model_dump(), **data})
        except ValueError as exc:
            raise LanglabError(f"{language.name}: split: {_first_error(exc)}") from None

    def uniform_splits(self) -> tuple[str, ...]:
        """The splits whose lengths stay exactly uniform (``allocate.plan_splits``)."""
        return ("train",) if self.train_lengths == "uniform" else ()

    def bins(self) -> dict[str, LengthBin]:
        """Split name -> bin, in the order train, validation, tests."""
        out = {"train": self.train, "validation": self.validation}
        if self.validation_long is not None:
            out["validation-long"] = self.validation_long
        out.update((b.name, b) for b in self.test)
        return out

    def split_names(self) -> list[str]:
        return list(self.bins())


def _first_error(exc: Exception) -> str:
    """The first line of an error's message (pydantic's are long)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            return errors()[0]["msg"]
        except Exception:  # noqa: BLE001 - fall back to the plain message
            pass
    return str(exc).splitlines()[0]


def make_spec(**fields) -> SplitSpec:
    """``SplitSpec(**fields)`` with pydantic's errors turned into one-line LanglabErrors."""
    from pydantic import ValidationError

    try:
        return SplitSpec(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise LanglabError(f"split spec: {where}: {err['msg']}") from None
