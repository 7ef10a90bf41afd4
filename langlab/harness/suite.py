"""Suite files: what to train, on what, how — validated with positioned errors, expanded to jobs.

A suite names languages (registered names, YAML paths, or tags such as ``bhattamishra2020``),
models with settings (a list value expands to a grid), the task (or a list of tasks: one
language under several formulations, see :func:`suite_tasks`), the split, seeds, the training
budget and the selection rule. Defaults live in code (these models); the YAML overrides them; the
command line overrides both (``--training.epochs=3``). The resolved suite — every default filled
in — is saved beside the results.

>>> s = Suite(name="t", languages=["parity"], models=[ModelEntry(name="lstm")])
>>> s.training.batch_size, s.selection
(64, 'validation-accuracy')
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag,
                      ValidationError, ValidationInfo, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from langlab.data import SplitSpec
from langlab.errors import LanglabError, SpecError, UnknownNameError
from langlab.harness.results import LONG_RULES
from langlab.harness.search import Search, apply_search, check_search
from langlab.tasks import list_tasks, task_class
from langlab.yamlio import pydantic_error, read_yaml

Strict = ConfigDict(extra="forbid")


class TaskConfig(BaseModel):
    """The task and its options, checked against the task registry (``langlab.tasks``). The
    options are kept as written, not filled with the task's defaults, so that the keys of
    stored runs stay what they were."""

    model_config = Strict
    name: str = "next-symbol"
    target_mode: Literal["exact", "paper"] = "exact"
    options: dict[str, Any] = Field(default_factory=dict)  # passed to build_dataset/get_task

    @field_validator("name")
    @classmethod
    def _registered(cls, name: str) -> str:
        try:
            task_class(name)
        except UnknownNameError as exc:
            raise _error("unknown_task", f"{exc} (tasks: {', '.join(list_tasks())})") from None
        return name

    @field_validator("options")
    @classmethod
    def _task_options(cls, options: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        if "name" not in info.data:  # the name's own error is reported
            return options
        task = task_class(info.data["name"])
        # One option at a time first, so that the error can point at the option at fault.
        for key, value in options.items():
            try:
                task.resolve({key: value})
            except LanglabError as exc:
                raise _error("task_option", str(exc), key=key,
                             unknown=key not in task.defaults()) from None
        try:
            task.resolve(options)
        except LanglabError as exc:
            raise _error("task_option", str(exc)) from None
        return options


def _error(kind: str, message: str, **where: Any) -> PydanticCustomError:
    """A pydantic error whose message is ``message`` as is; ``where`` travels in its context."""
    return PydanticCustomError(kind, "{message}", {"message": message, **where})


# ``task:`` is one task or a list of them. The tags hold "[" so that a positioned error's
# location skips them, as it skips pydantic's own union members (yamlio.pydantic_error).
TaskField = Annotated[
    Annotated[TaskConfig, Tag("[one]")]
    | Annotated[list[TaskConfig], Field(min_length=1), Tag("[list]")],
    Discriminator(lambda v: "[list]" if isinstance(v, list) else "[one]")]


class ModelEntry(BaseModel):
    model_config = Strict
    name: str
    label: str | None = None  # the table's column name; default: the registry name
    settings: dict[str, Any] = Field(default_factory=dict)  # list values expand to a grid
    # Training settings of this model's runs over the suite's, key by key (a language's own
    # win over both): e.g. a learning-rate grid of its own.
    training: dict[str, Any] = Field(default_factory=dict)

    @property
    def column(self) -> str:
        return self.label or self.name


class TrainingConfig(BaseModel):
    model_config = Strict
    epochs: int = Field(20, ge=1)
    max_steps: int | None = Field(None, ge=1)
    batch_size: int = Field(64, ge=1)
    optimizer: Literal["adam", "adamw", "sgd", "rmsprop"] = "adam"
    lr: float | list[float] = 1e-3  # a list expands to a grid
    weight_decay: float = 0.0
    grad_clip: float | None = 1.0
    patience: int | None = Field(5, ge=1)  # evaluations without validation improvement
    eval_every: int | None = Field(None, ge=1)  # steps between validations; None: every epoch
    time_limit_s: float | None = None  # wall-clock cap per run; the best checkpoint is kept
    eval_batch_size: int = Field(256, ge=1)
    # The 2020 paper's stopping rule: stop once the mean accuracy over the splits the selection
    # rule scores reaches this (the paper: 0.999 over its test bins). None: patience only.
    stop_accuracy: float | None = Field(None, gt=0, le=1)
    # What every checkpoint scores: the splits the selection rule needs ("selection"); every
    # held-out split ("all"), so that one run can be scored under each rule afterwards; or
    # ("rules") both validation splits, with the test bins scored only at the checkpoints that
    # some validation rule keeps: every rule but test-max rescored, at a few test passes a run.
    history: Literal["selection", "all", "rules"] = "selection"
    # Where to train: auto picks CUDA when torch sees it. An execution setting like the number
    # of workers: it is not part of a run's key (see EXECUTION_ONLY).
    device: Literal["auto", "cpu", "cuda"] = "auto"

    def describe(self) -> dict:
        """The settings as JSON, those added after runs were stored left out at their default."""
        return {k: v for k, v in self.model_dump(mode="json").items()
                if not (k in ADDED_AT_DEFAULT and v == ADDED_AT_DEFAULT[k])}


def _check_training(entries: list, field: str) -> None:
    """Each entry's own ``training`` keys are training settings with valid values; else an
    error at the offending key."""
    for i, entry in enumerate(entries):
        own = getattr(entry, "training", None)
        if not own:
            continue
        try:
            TrainingConfig.model_validate(own)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = str(err["loc"][0]) if err.get("loc") else ""
            raise _error("entry_training", f"{entry.name}: {err['msg']}", field=field, index=i,
                         key=key, unknown=err.get("type") == "extra_forbidden") from None


class LanguageEntry(BaseModel):
    """A suite's language with its own protocol: ``split``, ``task_options`` and ``training``
    override the suite's, key by key (``split: {files: ...}``, ``split: {test: [...]}``,
    ``training: {max_steps: 6000}``: a budget of its own, e.g. more steps where inputs are
    short and steps cheap)."""

    model_config = Strict
    name: str  # a registered name, a YAML file or a tag
    split: dict[str, Any] = Field(default_factory=dict)
    task_options: dict[str, Any] = Field(default_factory=dict)
    training: dict[str, Any] = Field(default_factory=dict)


# Why a cell disagrees with its published number: the fixed vocabulary of the protocol
# comparison. Each reason but the last names one setting that an isolating run changes.
REASONS = ("split", "distribution", "targets", "selection", "budget", "model",
           "language definition", "unexplained")


class Isolation(BaseModel):
    """Runs that isolate one reason for a disagreement: the suite's own runs of ``languages`` x
    ``models`` (table columns; empty: all) with only the settings in ``set`` changed. ``set``
    holds dotted keys over a run, as on the command line: ``split.files: null``,
    ``task.target_mode: exact``, ``training.epochs: 50``, ``settings.positional: sinusoidal``,
    ``selection: validation-accuracy``, ``language: tomita-3-weiss``. Their cells are kept apart
    from the suite's table and shown beside the cells they explain."""

    model_config = Strict
    reason: Literal[REASONS]
    languages: list[str] = Field(min_length=1)
    models: list[str] = Field(default_factory=list)
    set: dict[str, Any] = Field(min_length=1)
    note: str = ""

    @property
    def label(self) -> str:
        """How a table names these runs: the reason and the changed settings."""
        changed = ", ".join(f"{k}={json.dumps(v)}" for k, v in self.set.items())
        return f"{self.reason}: {changed}"


# The selection rules (see langlab.harness.results). ``test-max`` selects on test, as the 2020
# paper's code did (best checkpoint per test bin, best seed): offered to compare with papers.
SELECTION_RULES = ("validation-accuracy", "validation-loss", "validation-long",
                   "validation-long-loss", "test-max")


class Suite(BaseModel):
    model_config = Strict
    name: str
    description: str = ""
    languages: list[str | LanguageEntry] = Field(min_length=1)
    models: list[ModelEntry] = Field(min_length=1)
    task: TaskField = Field(default_factory=TaskConfig)
    split: SplitSpec = Field(default_factory=SplitSpec)
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    # Random search beside the grids (langlab.harness.search); None: none, the jobs as before.
    search: Annotated[Search | None, AfterValidator(check_search)] = None
    selection: Literal[SELECTION_RULES] = "validation-accuracy"
    # Runs that each change one setting of some cells, to explain a disagreement (see Isolation).
    isolate: list[Isolation] = Field(default_factory=list)
    # Another protocol's report folder of the same languages, shown beside this one's cells.
    compare: str | None = None

    @field_validator("languages")
    @classmethod
    def _entry_splits(cls, languages: list, info: ValidationInfo) -> list:
        for entry in languages:
            if isinstance(entry, LanguageEntry) and entry.split:
                try:
                    SplitSpec.model_validate({**SplitSpec().model_dump(mode="json"),
                                              **entry.split})
                except ValidationError as exc:
                    err = exc.errors()[0]
                    where = ".".join(str(p) for p in err.get("loc", ()))
                    raise _error("language_split",
                                 f"{entry.name}: split.{where}: {err['msg']}") from None
        _check_training(languages, "languages")
        return languages

    @field_validator("models")
    @classmethod
    def _model_training(cls, models: list) -> list:
        _check_training(models, "models")
        return models

    @model_validator(mode="after")
    def _task_list(self) -> Suite:
        """A list of tasks names each task once; a language's ``task_options`` must be options
        of every task of the suite (they apply to each)."""
        tasks = suite_tasks(self)
        seen: dict[str, int] = {}
        for i, t in enumerate(tasks):
            if t.name in seen:
                raise _error("task_twice", f"task {t.name} is listed twice (task.{seen[t.name]} "
                             f"and task.{i}); a suite runs each task once", index=i)
            seen[t.name] = i
        for i, entry in enumerate(self.languages):
            if isinstance(entry, str):
                continue
            for key, value in entry.task_options.items():
                for t in tasks:
                    try:
                        task_class(t.name).resolve({**t.options, key: value})
                    except LanglabError as exc:
                        also = (f" (the suite lists {len(tasks)} tasks: a language's task_options "
                                "apply to each; put a task's own options under its entry in "
                                "task:)" if len(tasks) > 1 else "")
                        raise _error("entry_task_option", f"{entry.name}: {exc}{also}",
                                     index=i, key=key) from None
        return self

    @model_validator(mode="after")
    def _long_rule_has_its_split(self) -> Suite:
        """A validation-long rule needs a validation-long split for every language: the
        suite's ``split.validation_long``, a language's own, or files that hold one (FLaRe's);
        without it every run would fail, so it is an error before any training."""
        if self.selection not in LONG_RULES:
            return self
        for entry in self.languages:
            split = self.entry_split(entry)
            if split.validation_long is None and split.files is None:
                name = entry if isinstance(entry, str) else entry.name
                raise _error("long_rule", f"selection {self.selection} needs a validation-long "
                             f"split, and {name} has none: add split.validation_long (a bin "
                             f"between the training and test lengths), or choose another rule")
        return self

    def entry_split(self, entry: str | LanguageEntry) -> SplitSpec:
        """The split of one language entry: the suite's, with the entry's keys over it."""
        if isinstance(entry, str) or not entry.split:
            return self.split
        return SplitSpec.model_validate({**self.split.model_dump(mode="json"), **entry.split})


# Training settings that say how a run is executed, not what it computes: left out of its key,
# so that adding one (with its default) leaves every stored run's key as it was.
EXECUTION_ONLY = frozenset({"device"})
# Settings added after runs were stored: left out of the key at their default, for the same reason.
ADDED_AT_DEFAULT = {"stop_accuracy": None, "history": "selection"}
# Selection rules whose runs differ from the first two's (what they evaluate, when they stop):
# part of the key. The first two rules only pick among stored runs and stay out of it.
KEYED_RULES = frozenset({"validation-long", "validation-long-loss", "test-max"})


@dataclass(frozen=True)
class Job:
    """One training run: everything a worker needs, picklable."""

    key: str
    language: str
    model: str
    column: str
    settings: dict
    training: dict
    task: dict
    split: dict
    seed: int
    grammars: tuple[str, ...] = ()
    selection: str = "validation-accuracy"
    variant: str = ""  # an isolating run: the Isolation's label ("" for the suite's own runs)
    # an isolating run: (index of its Isolation in the suite, the language of the cell it
    # explains). Not part of the key: which runs an entry made, for the report.
    origin: tuple[int, str] | None = None

    @property
    def config_id(self) -> str:
        """Identifies the grid point (everything but the seed), for selection across seeds."""
        return _digest({k: v for k, v in self.describe().items() if k != "seed"})

    def describe(self) -> dict:
        """What decides the run's numbers: its key hashes this (execution settings left out)."""
        training = {k: v for k, v in self.training.items() if k not in EXECUTION_ONLY
                    and not (k in ADDED_AT_DEFAULT and v == ADDED_AT_DEFAULT[k])}
        out = {"language": self.language, "model": self.model, "column": self.column,
               "settings": self.settings, "training": training, "task": self.task,
               "split": self.split, "seed": self.seed}
        if self.selection in KEYED_RULES:
            out["selection"] = self.selection
        if self.variant:
            out["variant"] = self.variant
        return out


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def parse_overrides(items: Iterable[str]) -> list[tuple[str, Any]]:
    """Command-line ``--key.sub=value`` items as (dotted key, value) pairs; a value is read as
    YAML. The one parser of overrides, for ``langlab run`` and ``langlab train`` alike.

    >>> parse_overrides(["--training.epochs=3", "--split.test=[{lo: 9, hi: 12}]", "--act=tanh"])
    [('training.epochs', 3), ('split.test', [{'lo': 9, 'hi': 12}]), ('act', 'tanh')]
    """
    import yaml

    pairs = []
    for item in items:
        key, sep, raw = item.lstrip("-").partition("=")
        ok = bool(sep) and all(key.split("."))  # no '=', or an empty key or key part: malformed
        try:
            value = yaml.safe_load(raw) if ok else None
        except yaml.YAMLError:
            ok = False
        if not ok:
            raise SpecError(f"override {item!r} is not of the form --key=value "
                            "(value written as in YAML, e.g. --training.epochs=5)")
        pairs.append((key, value))
    return pairs


def apply_overrides(data: dict, overrides: list[tuple[str, Any]]) -> dict:
    """Set each ``(dotted key, value)`` of :func:`parse_overrides` in a suite dict; a number
    indexes a list (``--task.1.options.threshold=0.3``: the second of a list of tasks)."""
    for key, value in overrides:
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            if isinstance(node, list):
                if not (p.isdigit() and int(p) < len(node)):
                    raise SpecError(f"override '--{key}': {p!r} is not an index of the "
                                    f"{len(node)} items there (0 to {len(node) - 1})")
                node = node[int(p)]
            else:
                node = node.setdefault(p, {})
            if not isinstance(node, (dict, list)):
                raise SpecError(f"override '--{key}': {p!r} is not a section")
        if isinstance(node, list):
            raise SpecError(f"override '--{key}': a list item is set by its index")
        node[parts[-1]] = value
    return data


def load_suite(path: str | Path, overrides: list[str] = (), check_models: bool = False) -> Suite:
    """Read and validate a suite file; any problem is a :class:`SpecError` at its position.

    ``check_models`` also builds every model grid point once (imports torch), so that a
    misspelled model or setting is reported at its line before any training starts.
    """
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error("a suite file must be a YAML mapping")
    try:
        suite = Suite.model_validate(doc.data)
    except ValidationError as exc:
        raise _suite_error(doc, exc) from None
    if overrides:
        suite = with_overrides(suite, parse_overrides(overrides))
    if check_models:
        from langlab import build_model
        from langlab.errors import LanglabError

        for i, entry in enumerate(suite.models):
            for settings in _grid(entry.settings):
                try:
                    model = build_model(entry.name, vocab_size=4, **settings)
                except LanglabError as exc:
                    field = "name" if "unknown model" in str(exc) else "settings"
                    raise doc.error(f"suite: models[{i}]: {exc}", ("models", i, field)) from None
                if not model.causal:
                    _check_two_way(suite, doc, i, entry, bool(overrides))
        _check_task_languages(suite, doc, bool(overrides))
    _check_windows(suite, doc, bool(overrides))
    return suite


def _check_windows(suite: Suite, doc: Any, overridden: bool) -> None:
    """A bin with a depth window, for a language without brackets (so without a depth), or with
    a window of n, for a language without a parameter, is an error at that language's line (or
    at the suite's split), before any data is drawn."""
    from langlab.languages.registry import list_languages, load_language

    names = None
    for i, item in enumerate(suite.languages):
        split = suite.entry_split(item)
        bins = split.bins()
        if split.files is not None:   # the files' splits replace the drawn bins
            bins = {b.name: b for b in split.files.drawn_tests}
        deep = [name for name, b in bins.items() if b.depth is not None]
        of_n = [b.name for b in split.windows_of_n()]   # every bin SplitSpec.resolve reads
        if not (deep or of_n):
            continue
        names = names or list_languages()
        try:
            langs = [load_language(n) for n in _expand(_entry_name(item), names, ())]
        except UnknownNameError:
            continue  # an unknown name or tag is expand's error
        for lang in langs:
            if deep and not lang.brackets:
                msg = (f"suite: languages[{i}]: {lang.name} has no brackets, so no nesting "
                       f"depth for the depth window of {', '.join(deep)}")
            elif of_n and lang.parameter is None:
                msg = (f"suite: languages[{i}]: {lang.name} has no parameter n (such as "
                       f"aⁿbⁿ's), so no window of n for {', '.join(of_n)}: give lengths (lo, hi)")
            else:
                continue
            own = not isinstance(item, str) and bool(item.split)
            at = ("languages", i) if own or "split" not in doc.data else ("split",)
            raise SpecError(msg) if overridden else doc.error(msg, at)


def _check_two_way(suite: Suite, doc: Any, index: int, entry: ModelEntry,
                   overridden: bool) -> None:
    """A model that attends both ways (``causal: false``) under a task that needs a causal one
    (next-symbol; recognition with next-token losses) is an error at its setting, before any
    training: its prediction of a token would read that token."""
    from langlab.tasks import task_class

    own = [e.task_options for e in suite.languages if not isinstance(e, str) and e.task_options]
    for t in suite_tasks(suite):
        cls = task_class(t.name)
        for extra in [{}, *own]:
            why = cls.needs_causal(cls.resolve({**t.options, **extra}))
            if why:
                msg = (f"suite: models[{index}]: {entry.name} attends both ways (causal: false), "
                       f"and task {t.name} needs a causal model ({why})")
                at = ("models", index, "settings", "causal") if "causal" in entry.settings else (
                    "models", index)
                raise SpecError(msg) if overridden else doc.error(msg, at)


def _check_task_languages(suite: Suite, doc: Any, overridden: bool) -> None:
    """A task that cannot be asked of a listed language (transduction of a language without a
    function form) is an error at that language's line, before any training. Only for tasks
    that restrict their languages; names the registry does not know are left to ``expand``.
    Under a list of tasks, a language is skipped for the tasks it cannot take (the report
    says so: :func:`skipped_tasks`); only a language that no listed task can take is an error."""
    from langlab.errors import LanglabError
    from langlab.languages.registry import list_languages, load_language
    from langlab.tasks.base import Task

    classes = [task_class(t.name) for t in suite_tasks(suite)]
    if all(c.check_language.__func__ is Task.check_language.__func__ for c in classes):
        return
    names = list_languages()
    for i, item in enumerate(suite.languages):
        try:
            langs = [load_language(n) for n in _expand(_entry_name(item), names, ())]
        except UnknownNameError:
            continue  # an unknown name or tag is expand's error
        for lang in langs:
            problems = []
            for cls in classes:
                try:
                    cls.check_language(lang)
                except LanglabError as exc:
                    problems.append(f"task {cls.name}: {exc}")
            if len(problems) == len(classes):
                msg = f"suite: languages[{i}]: " + "; ".join(problems)
                raise (SpecError(msg) if overridden else doc.error(msg, ("languages", i))) from None


def _suite_error(doc: Any, exc: ValidationError) -> SpecError:
    """The first validation error at its place in the file; a task option's error points at
    that option (its name when the name is unknown, else its value)."""
    err = exc.errors()[0]
    ctx = err.get("ctx") or {}
    if err.get("type") == "task_option" and "key" in ctx:
        index = tuple(p for p in err["loc"][1:] if isinstance(p, int))[:1]  # task.i in a list
        at = ("task", *index, "options", ctx["key"]) + (("__key__",) if ctx["unknown"] else ())
        where = ".".join(map(str, ("task", *index)))
        return doc.error(f"suite: {where}.options.{ctx['key']}: {err['msg']}", at)
    if err.get("type") == "entry_task_option":
        i, key = ctx["index"], ctx["key"]
        return doc.error(f"suite: languages.{i}.task_options.{key}: {err['msg']}",
                         ("languages", i, "task_options", key, "__key__"))
    if err.get("type") == "entry_training":
        field, i, key = ctx["field"], ctx["index"], ctx["key"]
        return doc.error(f"suite: {field}.{i}.training.{key}: {err['msg']}",
                         (field, i, "training", key) + (("__key__",) if ctx["unknown"] else ()))
    if err.get("type") == "long_rule":
        return doc.error(f"suite: selection: {err['msg']}", ("selection",))
    if err.get("type") == "task_twice":
        return doc.error(f"suite: task.{ctx['index']}.name: {err['msg']}",
                         ("task", ctx["index"], "name"))
    if err.get("type") == "search_space" and "key" in ctx:
        return doc.error(f"suite: search.space.{ctx['key']}: {err['msg']}",
                         ("search", "space", ctx["key"], "__key__"))
    return pydantic_error(doc, exc, model=Suite, what="suite")


def with_overrides(suite: Suite, overrides: list[tuple[str, Any]]) -> Suite:
    """``suite`` with (dotted key, value) overrides applied on top of every default, so that
    ``--split.train.size=200`` changes one field of the default training bin."""
    data = apply_overrides(suite.model_dump(mode="json"), list(overrides))
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise SpecError(f"override: {where}: {err.get('msg', 'invalid value')}") from None


def resolve_languages(suite: Suite, grammars: tuple[str, ...] = ()) -> list[str]:
    """Names (or paths) of the suite's languages; a tag expands to every language carrying it."""

    return language_names(suite.languages, grammars)


def language_names(items: Iterable[str | LanguageEntry], grammars: tuple[str, ...] = ()
                   ) -> list[str]:
    """The languages a list of suite entries (names, files, tags) names, in order."""
    from langlab.languages.registry import list_languages

    names = list_languages(list(grammars))
    return list(dict.fromkeys(n for item in items
                              for n in _expand(_entry_name(item), names, grammars)))


def _entry_name(item: str | LanguageEntry) -> str:
    return item if isinstance(item, str) else item.name


def _language_entries(suite: Suite, grammars: tuple[str, ...] = ()
                      ) -> list[tuple[str, str | LanguageEntry]]:
    """(language, the entry that names it) in suite order; a language named twice keeps its
    first entry."""
    from langlab.languages.registry import list_languages

    names = list_languages(list(grammars))
    out: dict[str, str | LanguageEntry] = {}
    for item in suite.languages:
        for n in _expand(_entry_name(item), names, grammars):
            out.setdefault(n, item)
    return list(out.items())


def _expand(item: str, names: list[str], grammars: tuple[str, ...]) -> list[str]:
    """The languages one suite entry names: itself (a name or a file), or every language
    carrying it as a tag."""
    from langlab.errors import UnknownNameError
    from langlab.languages.registry import load_language

    if item in names or item.endswith((".yaml", ".yml")):
        load_language(item, list(grammars))  # fail early on a broken file
        return [item]
    tagged = [n for n in names if item in load_language(n, list(grammars)).tags]
    if not tagged:
        raise UnknownNameError("language or tag", item, names)
    return tagged


def _grid(d: dict) -> list[dict]:
    keys = [k for k, v in d.items() if isinstance(v, list)]
    fixed = {k: v for k, v in d.items() if k not in keys}
    return [{**fixed, **dict(zip(keys, combo))}
            for combo in itertools.product(*(d[k] for k in keys))] or [fixed]


def suite_tasks(suite: Suite) -> list[TaskConfig]:
    """The suite's tasks: ``task:`` as one task or a list of them (each runs every language
    that can take it, with every model)."""
    return list(suite.task) if isinstance(suite.task, list) else [suite.task]


def column_label(column: str, task: str, multi: bool) -> str:
    """A table column: the model's, and under a list of tasks the task's too, so that each
    formulation is its own cell (``lstm · recognition``). One task: the model's alone, so
    that the keys of single-task suites stay what they were.

    >>> column_label("lstm", "recognition", True), column_label("lstm", "recognition", False)
    ('lstm · recognition', 'lstm')
    """
    return f"{column}{COLUMN_SEP}{task}" if multi else column


COLUMN_SEP = " · "


def model_column(column: str) -> str:
    """The model's part of a table column (see :func:`column_label`)."""
    return column.split(COLUMN_SEP)[0]


def skipped_tasks(suite: Suite, grammars: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(language, task, why) for each language that a task of a list of tasks cannot take
    (transduction of a language without a function form): those runs are left out, and the
    report says so. Empty for a single task, whose such languages are an error instead."""
    from langlab.languages.registry import load_language

    tasks = suite_tasks(suite)
    if len(tasks) < 2:
        return []
    out = []
    for lang, _ in _language_entries(suite, grammars):
        language = load_language(lang, list(grammars))
        for t in tasks:
            try:
                task_class(t.name).check_language(language)
            except LanglabError as exc:
                out.append((lang, t.name, str(exc)))
    return out


def expand(suite: Suite, grammars: tuple[str, ...] = ()) -> list[Job]:
    """Every (language, task, model grid point, seed[, search trial]) run of the suite, in a
    stable order; a language a listed task cannot take is left out of that task
    (:func:`skipped_tasks`)."""
    training = suite.training.model_dump()
    tasks = suite_tasks(suite)
    multi = len(tasks) > 1
    skipped = {(lang, t) for lang, t, _ in skipped_tasks(suite, grammars)}
    jobs = []
    for lang, item in _language_entries(suite, grammars):
        split = _resolved(suite.entry_split(item), lang, grammars).describe()
        for task_config in tasks:
            if (lang, task_config.name) in skipped:
                continue
            task = task_config.model_dump()
            if not isinstance(item, str) and item.task_options:
                task = {**task, "options": {**task["options"], **item.task_options}}
            for entry in suite.models:
                column = column_label(entry.column, task["name"], multi)
                own = {**training, **entry.training,
                       **(item.training if not isinstance(item, str) else {})}
                if own != training:
                    own = TrainingConfig.model_validate(own).model_dump()
                for settings in _grid(entry.settings):
                    for tr in _grid(own):
                        for seed in suite.seeds:
                            job = Job(key="", language=lang, model=entry.name, column=column,
                                      settings=settings, training=tr, task=task, split=split,
                                      seed=seed, grammars=tuple(grammars),
                                      selection=suite.selection)
                            jobs.append(dataclasses.replace(job, key=_digest(job.describe())))
    if suite.search is not None:   # every job once per trial
        jobs = apply_search(suite.search, jobs, lambda j: _digest(j.describe()))
    return jobs + [j for i, iso in enumerate(suite.isolate)
                   for j in _isolated(i, iso, jobs, grammars)]


def _resolved(split: SplitSpec, language: str, grammars: tuple[str, ...]) -> SplitSpec:
    """``split`` in lengths for ``language``: its windows of n resolved (SplitSpec.resolve)."""
    if not split.windows_of_n():   # nothing to resolve: the language need not be loaded
        return split
    from langlab.languages.registry import load_language

    return split.resolve(load_language(language, list(grammars)))


def _isolated(index: int, iso: Isolation, jobs: list[Job], grammars: tuple[str, ...]
              ) -> list[Job]:
    """The isolating runs of ``iso`` (the suite's ``index``-th): each matching job of the suite
    with ``iso.set`` applied."""
    from langlab.data import SplitSpec

    names = language_names(iso.languages, grammars)
    out = []
    for job in jobs:
        if job.language not in names or (iso.models and job.column not in iso.models
                                         and model_column(job.column) not in iso.models):
            continue
        d = {"language": job.language, "model": job.model, "settings": dict(job.settings),
             "training": dict(job.training), "task": json.loads(json.dumps(job.task)),
             "split": json.loads(json.dumps(job.split)), "selection": job.selection}
        try:
            d = apply_overrides(d, list(iso.set.items()))
            split = _resolved(SplitSpec.model_validate(d["split"]), d["language"],
                              job.grammars).describe()
            training = TrainingConfig.model_validate(d["training"]).model_dump()
            task = TaskConfig.model_validate(d["task"]).model_dump()
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err.get("loc", ()))
            raise SpecError(f"suite: isolate ({iso.label}): {where}: {err['msg']}") from None
        if d["selection"] not in SELECTION_RULES:
            raise SpecError(f"suite: isolate ({iso.label}): unknown selection {d['selection']!r}")
        new = Job(key="", language=d["language"], model=d["model"], column=job.column,
                  settings=d["settings"], training=training, task=task, split=split,
                  seed=job.seed, grammars=job.grammars, selection=d["selection"],
                  variant=iso.label, origin=(index, job.language))
        out.append(dataclasses.replace(new, key=_digest(new.describe())))
    return out
