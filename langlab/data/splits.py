"""Building length-generalization datasets: ``make_dataset`` and the ``Dataset``/``Split`` types.

The data layer knows how to draw data, not which task wants what: a task (``langlab.tasks``)
turns its options into a :class:`DataRequest` (with negatives or without, with next-symbol
sets or without) and ``langlab.tasks.build_dataset`` passes it here.

>>> import langlab
>>> spec = SplitSpec(train=LengthBin(1, 10, 200), validation=LengthBin(1, 10, 20),
...                  test=[LengthBin(11, 20, 50)])
>>> ds = make_dataset(langlab.load_language("parity"), DataRequest("next-symbol"), spec)
>>> list(ds.splits), len(ds.splits["train"]), ds.vocab.size
(['train', 'validation', 'test-11-20'], 200, 4)
>>> ex = ds.splits["test-11-20"].examples[0]
>>> 11 <= len(ex.tokens) <= 20, ex.label, len(ex.next) == len(ex.tokens) + 1
(True, 1, True)

Positives come from the plan of ``allocate`` (disjoint splits, distinct strings, lengths as
uniform as the language allows) drawn by ``draw``; a request with ``negatives`` adds
length-matched non-members (module ``negatives``). Targets are computed once per distinct string with
``next_symbols_all``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from langlab.data import cache as _cache
from langlab.data.allocate import Plan, capacities, plan_splits
from langlab.data.draw import POSITIVE_STREAM, draw_plans
from langlab.data.files import FileSplit
from langlab.data.flare_negatives import MEMBER, draw_flare_negatives
from langlab.data.negatives import draw_negatives
from langlab.data.permuted_negatives import draw_permuted_negatives
from langlab.data.nextsets import SetTable
from langlab.data.spec import DepthWindow, LengthBin, SplitSpec
from langlab.data.targets import convention
from langlab.data.tensors import Batch, SplitArrays, Vocab, encode_split, make_batches
from langlab.errors import LanglabError, UnknownNameError
from langlab.languages.base import Language, Tokens

TARGET_MODES = ("exact", "paper")


@dataclass(frozen=True)
class DataRequest:
    """What a task asks of the data layer, its options already resolved and checked.

    ``task`` and ``options`` (the task's data options) are recorded: in the dataset, its cache
    key and its export. The rest says what to draw: ``negatives``, half of every split made of
    non-members at the lengths of the members (``edit_fraction`` of them edits of a member);
    ``next_sets``, the next-symbol sets of every member; ``function``, inputs of the language's
    function form instead, each followed by blanks that carry ``f(x)`` (:mod:`.transduction`).
    """

    task: str
    options: dict[str, Any] = field(default_factory=dict)
    negatives: bool = False
    next_sets: bool = True
    edit_fraction: float = 0.5
    function: bool = field(default=False, repr=False)   # repr: as before this field
    # FLaRe's negatives instead (``"flare"``, :mod:`.flare_negatives`), with Geometric(edit_p)
    # edit counts recorded per example; repr: as before these fields.
    negative_kind: str = field(default="langlab", repr=False)
    edit_p: float = field(default=0.5, repr=False)


class Example(NamedTuple):
    """One string: its tokens, 1/0 membership, and the ``n + 1`` next-symbol sets (or None)."""

    tokens: Tokens
    label: int
    next: tuple[frozenset[str], ...] | None


@dataclass
class Split:
    """One split of a dataset. ``examples`` are materialized on first access; training reads
    ``batches``, which slice precomputed arrays."""

    name: str
    bin: LengthBin
    n_requested: int
    n_distinct: int
    notes: list[str]
    arrays: SplitArrays
    vocab: Vocab
    sets: list[frozenset[str]]            # the dataset's table of next-symbol sets
    khot: np.ndarray = field(repr=False)  # (S, K) the same table as 0/1 rows

    def __len__(self) -> int:
        return len(self.arrays.lengths)

    @cached_property
    def examples(self) -> list[Example]:
        a, alpha = self.arrays, self.vocab.tokens
        out = []
        for r in range(len(a.lengths)):
            n1 = int(a.lengths[r])
            toks = tuple(alpha[i] for i in a.ids[r, 1:n1])
            nxt = None
            if a.next_ids is not None and a.labels[r]:
                nxt = tuple(self.sets[j] for j in a.next_ids[r, :n1])
            out.append(Example(toks, int(a.labels[r]), nxt))
        return out

    def batches(self, batch_size: int, shuffle: bool = False, seed: int | None = None
                ) -> Iterator[Batch]:
        """Length-bucketed batches; one pass yields every example exactly once."""
        khot = self.khot if self.arrays.next_ids is not None else None
        return make_batches(self.arrays, khot, batch_size, shuffle, seed)


@dataclass
class Dataset:
    """All splits of one language for one task, in order: train, validation, tests.
    ``options``: the task's data options, as its request gave them."""

    language: str
    task: str
    spec: SplitSpec
    target_mode: str
    options: dict[str, Any]
    vocab: Vocab
    splits: dict[str, Split]
    key: str = ""
    from_cache: bool = False

    def summary(self) -> list[dict[str, Any]]:
        """Per split: name, bin, requested and distinct counts, notes (for reports)."""
        return [{"split": s.name, "bin": str(s.bin), "n": len(s), "n_requested": s.n_requested,
                 "n_distinct": s.n_distinct, "notes": list(s.notes)} for s in self.splits.values()]


def make_dataset(lang: Language | str, request: DataRequest, spec: SplitSpec | None = None,
                 target_mode: str = "exact", cache_dir: Path | str | None = None) -> Dataset:
    """Build (or load from ``cache_dir``) the dataset of ``lang`` that ``request`` asks for,
    under ``spec``. ``target_mode``: ``"exact"`` or ``"paper"`` (see
    :class:`~langlab.data.tensors.TargetConvention`). Most callers want
    ``langlab.tasks.build_dataset(lang, task, spec, **options)``, which makes the request.
    """
    if isinstance(lang, str):
        from langlab.languages.registry import load_language

        lang = load_language(lang)
    spec = (spec or SplitSpec()).resolve(lang)   # windows of the language's parameter -> lengths
    form = None
    if request.function:
        from langlab.data.transduction import transduction_vocab
        from langlab.languages.transduce import function_form

        form = function_form(lang)
        _check(form.domain, spec, target_mode, function=True)
        vocab = transduction_vocab(form)
    else:
        _check(lang, spec, target_mode)
        vocab = Vocab(lang.alphabet, convention(lang, target_mode))
    key = _cache.dataset_key(lang, request.task, spec, target_mode, request.options)
    path = (None if cache_dir is None
            else _cache.cache_path(Path(cache_dir), lang, request.task, key))
    if path is not None and path.is_file():
        loaded = _cache.load(path)
        if loaded is not None and loaded[0].get("key") == key:
            return _from_payload(lang, request, spec, target_mode, vocab, key, *loaded)
    if spec.files is not None:
        if form is not None:
            raise LanglabError(f"{lang.name}: splits from files are not supported for "
                               f"transduction (split.files)")
        ds = dataset_from_files(lang, request, spec, target_mode, vocab, key)
    elif form is None:
        ds = _build(lang, request, spec, target_mode, vocab, key)
    else:
        ds = _build_transduction(lang, form, request, spec, target_mode, vocab, key)
    if path is not None:
        _cache.save(path, *_to_payload(ds))
    return ds


def _check(lang: Language, spec: SplitSpec, target_mode: str, function: bool = False) -> None:
    if target_mode not in TARGET_MODES:
        raise UnknownNameError("target mode", target_mode, list(TARGET_MODES))
    if spec.distribution not in lang.distributions:
        raise UnknownNameError(f"distribution of {lang.name}", spec.distribution,
                               sorted(lang.distributions))
    windowed = [name for name, b in spec.bins().items() if b.depth is not None]
    if windowed and spec.files is None:
        if function:
            raise LanglabError(f"{lang.name}: depth windows ({', '.join(windowed)}) are for "
                               f"recognition and next-symbol data, not transduction")
        if spec.distribution != "uniform":
            raise LanglabError(f"{lang.name}: depth windows ({', '.join(windowed)}) are drawn "
                               f"uniformly; distribution {spec.distribution!r} has none")
        from langlab.languages.depth import depth_window

        for w in {b.depth for b in spec.bins().values() if b.depth is not None}:
            depth_window(lang, w.lo, w.hi)   # a language without depth: its one-line error


def _build(lang: Language, request: DataRequest, spec: SplitSpec, target_mode: str,
           vocab: Vocab, key: str) -> Dataset:
    bins = spec.bins()
    balanced = request.negatives   # half members, half non-members of the same lengths
    pos_sizes = {name: (b.size + 1) // 2 if balanced else b.size for name, b in bins.items()}
    plans, positives = _draw_positives(lang, spec, bins, pos_sizes)
    negatives: dict[str, list[Tokens]] = {name: [] for name in bins}
    edits: dict[str, list[int]] | None = None   # per negative (flare only); members count 0
    permuted = [name for name, b in bins.items() if b.negatives == "permuted"]
    if permuted and not balanced:
        raise LanglabError(f"{lang.name}: test bin {permuted[0].removeprefix('test-')} asks for "
                           f"permuted negatives, but the {request.task} task has no negatives")
    if balanced:
        want = {name: [len(s) for s in positives[name][:b.size - pos_sizes[name]]]
                for name, b in bins.items() if name not in permuted}
        if request.negative_kind == "flare":
            negatives, edits, neg_notes = draw_flare_negatives(
                lang, want, bins, spec.distribution, float(request.edit_fraction),
                float(request.edit_p), spec.seed)
        else:
            negatives, neg_notes = draw_negatives(lang, want, bins, spec.distribution,
                                                  float(request.edit_fraction), spec.seed)
        if permuted:   # after the others, and none of their strings
            taken = frozenset(s for group in (positives, negatives) for strings in group.values()
                              for s in strings)
            perm, perm_edits, perm_notes = draw_permuted_negatives(
                lang, {name: [len(s) for s in positives[name][:bins[name].size
                                                                - pos_sizes[name]]]
                       for name in permuted},
                spec.distribution, float(request.edit_p), spec.seed, taken)
            negatives.update(perm)
            edits = {**(edits or {}), **perm_edits}
            neg_notes = {**neg_notes, **perm_notes}
        for name, notes in neg_notes.items():
            plans[name].notes.extend(notes)
    with_next = request.next_sets
    table = SetTable(lang)
    memo: dict[Tokens, list[int]] = {}
    splits = {}
    for i, (name, b) in enumerate(bins.items()):
        strings = positives[name] + negatives[name]
        labels = [1] * len(positives[name]) + [0] * len(negatives[name])
        order = np.random.default_rng([spec.seed, 0, 3, i]).permutation(len(strings))
        strings = [strings[j] for j in order]
        labels = [labels[j] for j in order]
        counts = None
        if edits is not None and name in edits:
            counts = [MEMBER] * len(positives[name]) + edits[name]
            counts = [counts[j] for j in order]
        rows = None
        if with_next:
            rows = [(memo.get(s) or memo.setdefault(s, table.ids(s))) if y else None
                    for s, y in zip(strings, labels)]
        else:
            _verify(lang, [s for s, y in zip(strings, labels) if y])
        arrays = encode_split(vocab, strings, labels, rows, edits=counts)
        splits[name] = (b, arrays, len(set(strings)))
    sets = table.sets
    khot = _khot(vocab, sets)
    out = {name: Split(name, b, b.size, distinct, plans[name].notes, arrays, vocab, sets, khot)
           for name, (b, arrays, distinct) in splits.items()}
    return Dataset(lang.name, request.task, spec, target_mode, dict(request.options), vocab, out,
                   key)


def _draw_positives(lang: Language, spec: SplitSpec, bins: dict[str, LengthBin],
                    sizes: dict[str, int]) -> tuple[dict[str, Plan], dict[str, list[Tokens]]]:
    """Every split's plan and members. Bins with a depth window draw from the members in their
    window (:func:`~langlab.languages.depth.depth_window`), one group of bins per window in
    the order the bins come; each group excludes what the groups before it took, so splits stay
    disjoint and each draw stays uniform over the members left in its window."""
    groups: dict[DepthWindow | None, dict[str, LengthBin]] = {}
    for name, b in bins.items():
        groups.setdefault(b.depth, {})[name] = b
    if list(groups) == [None]:   # no windows: the one population, as always
        caps = capacities(lang, bins, sizes)
        plans = plan_splits(lang, bins, sizes, caps, np.random.default_rng([spec.seed, 0, 0]),
                            uniform=spec.uniform_splits())
        return plans, draw_plans(lang, plans, caps, spec.distribution, spec.seed)
    from langlab.languages.depth import depth_window

    plans, positives = {}, {}
    taken: dict[int, set[Tokens]] = {}
    for g, (window, group) in enumerate(groups.items()):
        pop = lang if window is None else depth_window(lang, window.lo, window.hi)
        lengths = {n for b in group.values() for n in b.lengths()}
        exclude = {n: frozenset(s for s in taken.get(n, ()) if pop.accepts(s)) for n in lengths}
        caps = capacities(pop, group, sizes, taken=exclude)
        gone = [n for n, c in caps.items() if c == 0 and exclude[n]]
        got = plan_splits(pop, group, sizes, caps, np.random.default_rng([spec.seed, 0, 0, g]),
                          uniform=[u for u in spec.uniform_splits() if u in group], gone=gone)
        drawn = draw_plans(pop, got, caps, spec.distribution, spec.seed,
                           stream=POSITIVE_STREAM + 100 * (g + 1), exclude=exclude)
        for name, strings in drawn.items():
            for s in strings:
                taken.setdefault(len(s), set()).add(s)
        plans.update(got)
        positives.update(drawn)
    return {name: plans[name] for name in bins}, {name: positives[name] for name in bins}


def _build_transduction(lang, form, request: DataRequest, spec: SplitSpec, target_mode: str,
                        vocab: Vocab, key: str) -> Dataset:
    from langlab.data.transduction import draw_transduction, output_sets

    sets = output_sets(form)
    khot = _khot(vocab, sets)
    out = {name: Split(name, b, b.size, distinct, notes, arrays, vocab, sets, khot)
           for name, (b, arrays, distinct, notes) in draw_transduction(form, spec, vocab).items()}
    return Dataset(lang.name, request.task, spec, target_mode, dict(request.options), vocab, out,
                   key)


def dataset_from_files(lang: Language, request: DataRequest, spec: SplitSpec, target_mode: str,
                       vocab: Vocab, key: str) -> Dataset:
    """The dataset whose splits a folder of data files gives (``spec.files``), every string
    checked against ``lang``. What the files get wrong is counted in data notes, never silent:
    a string the file calls a member but the language rejects (or the other way round) is
    dropped, with its count and first ``FILE:LINE``; duplicates within a split and strings
    shared between splits are kept, as the files have them, and counted."""
    from langlab.data.files import read_folder

    src = spec.files
    read = read_folder(src.format, src.path, lang.alphabet)
    by_name = {fs.name: fs for fs in read}
    val_is_train = False   # no held-out validation: validation is train, not compared with it
    if "validation" not in by_name:
        train = by_name["train"]
        if src.validation:
            if src.validation >= len(train.strings):
                raise LanglabError(f"{train.path}: split.files.validation={src.validation} "
                                   f"leaves no training strings ({len(train.strings)} in all)")
            order = np.random.default_rng([spec.seed, 0, 7]).permutation(len(train.strings))
            held, kept = sorted(order[:src.validation]), sorted(order[src.validation:])
            val = FileSplit("validation", [train.strings[i] for i in held],
                            [train.labels[i] for i in held], train.path,
                            [train.lines[i] for i in held], train.lo, train.hi,
                            [f"held out from {train.path.name} ({src.validation} strings)"])
            for attr in ("strings", "labels", "lines"):
                setattr(train, attr, [getattr(train, attr)[i] for i in kept])
        else:
            val_is_train = True
            val = FileSplit("validation", train.strings, train.labels, train.path, train.lines,
                            train.lo, train.hi, ["no held-out validation in the files: "
                                                 "validation is the training split itself"])
        read.insert(1, val)
    if request.negatives and not any(0 in fs.labels for fs in read):
        raise LanglabError(f"{src.path}: the files hold members only; the {request.task} task "
                           f"needs non-members (format {src.format})")
    table = SetTable(lang)
    seen: dict[Tokens, str] = {}   # string -> first split holding it
    splits = {}
    for fs in read:
        notes = list(fs.notes)
        keep, wrong = [], []
        for i, (s, y) in enumerate(zip(fs.strings, fs.labels)):
            (keep if bool(lang.accepts(s)) == bool(y) else wrong).append(i)
        if wrong:
            i = wrong[0]
            notes.append(f"{len(wrong)} string(s) labelled wrongly by the file, dropped (first: "
                         f"{fs.path}:{fs.lines[i]}, {lang.join(fs.strings[i])!r} labelled "
                         f"{fs.labels[i]})")
        strings = [fs.strings[i] for i in keep]
        labels = [fs.labels[i] for i in keep]
        if not request.negatives and 0 in labels:   # e.g. FLaRe's files for next-symbol
            notes.append(f"{labels.count(0)} non-member(s) left out: the {request.task} task "
                         f"reads members only")
            strings = [x for x, y in zip(strings, labels) if y]
            labels = [1] * len(strings)
        if not strings:
            raise LanglabError(f"{fs.path}: split {fs.name} has no usable strings")
        distinct = set(strings)
        if len(distinct) < len(strings):
            notes.append(f"{len(strings) - len(distinct)} duplicate(s) within the split, kept "
                         f"as in the file ({len(distinct)} distinct of {len(strings)})")
        if not (fs.name == "validation" and val_is_train):
            shared: dict[str, int] = {}
            for x in distinct:
                first = seen.setdefault(x, fs.name)
                if first != fs.name:
                    shared[first] = shared.get(first, 0) + 1
            for other, n in shared.items():
                notes.append(f"{n} distinct string(s) also in {other}, kept as in the files")
        rows = None
        if request.next_sets:
            rows = [table.ids(x) if y else None for x, y in zip(strings, labels)]
        arrays = encode_split(vocab, strings, labels, rows)
        b = LengthBin(fs.lo, fs.hi, len(strings))
        splits[fs.name] = (b, arrays, len(distinct), notes)
    if src.drawn_tests:
        splits.update(_drawn_beyond(lang, request, spec, target_mode, vocab, key, read, table))
    sets = table.sets
    khot = _khot(vocab, sets)
    out = {name: Split(name, b, b.size, distinct, notes, arrays, vocab, sets, khot)
           for name, (b, arrays, distinct, notes) in splits.items()}
    return Dataset(lang.name, request.task, spec, target_mode, dict(request.options), vocab, out,
                   key)


def _drawn_beyond(lang: Language, request: DataRequest, spec: SplitSpec, target_mode: str,
                  vocab: Vocab, key: str, read: list[FileSplit], table: SetTable) -> dict:
    """The ``files.drawn_tests`` bins, drawn as any split is (the spec's distribution, the
    task's negatives), re-encoded against the files' dataset's set table. Each bin lies above
    the longest file string, so drawn and file strings are disjoint by length."""
    longest = max(fs.hi for fs in read)
    names = {fs.name for fs in read}
    for b in spec.files.drawn_tests:
        if b.lo <= longest:
            raise LanglabError(f"split.files.drawn_tests: bin {b} starts at or below the longest "
                               f"string of the files ({longest}); a drawn bin must start at "
                               f"{longest + 1} or above, so that no drawn string is a file string")
        if b.name in names:
            raise LanglabError(f"split.files.drawn_tests: bin {b} is already a split of the files")
    first = spec.files.drawn_tests[0]
    few = LengthBin(lo=first.lo, hi=first.hi, size=2)   # the drawing needs a train and validation
    sub = SplitSpec(train=few, validation=few, test=list(spec.files.drawn_tests),
                    distribution=spec.distribution, seed=spec.seed)
    drawn = _build(lang, request, sub, target_mode, vocab, key)
    out = {}
    for b in spec.files.drawn_tests:
        split = drawn.splits[b.name]
        a = split.arrays
        strings = [ex.tokens for ex in split.examples]
        labels = [int(y) for y in a.labels]
        rows = None
        if request.next_sets:
            rows = [table.ids(x) if y else None for x, y in zip(strings, labels)]
        edits = None if a.edits is None else [int(e) for e in a.edits]
        arrays = encode_split(vocab, strings, labels, rows, edits=edits)
        notes = [f"drawn by langlab (the files stop at length {longest})", *split.notes]
        out[b.name] = (b, arrays, split.n_distinct, notes)
    return out


def _verify(lang: Language, strings: list[Tokens]) -> None:
    for s in set(strings):
        if not lang.accepts(s):
            raise LanglabError(f"{lang.name}: sampled string {lang.join(s)!r} is not accepted; "
                               f"the language is inconsistent")


def _khot(vocab: Vocab, sets: list[frozenset[str]]) -> np.ndarray:
    if not sets:
        return np.zeros((1, vocab.n_outputs), dtype=np.float32)
    return np.stack([vocab.khot(x) for x in sets])   # (S, K)


# ---------------------------------------------------------------------- cache payloads
def _to_payload(ds: Dataset) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    first = next(iter(ds.splits.values()))
    meta = {"data_version": _cache.DATA_VERSION, "key": ds.key, "language": ds.language,
            "sets": [sorted(x, key=ds.vocab.output_index) for x in first.sets],
            "splits": [{"name": s.name, "n_distinct": s.n_distinct, "notes": s.notes,
                        "bin": [s.bin.lo, s.bin.hi, s.bin.size]}
                       for s in ds.splits.values()]}
    arrays = {}
    for i, s in enumerate(ds.splits.values()):
        a = s.arrays
        arrays.update({f"{i}.ids": a.ids, f"{i}.lengths": a.lengths, f"{i}.labels": a.labels})
        if a.next_ids is not None:
            arrays[f"{i}.next_ids"] = a.next_ids
        if a.edits is not None:
            arrays[f"{i}.edits"] = a.edits
    return meta, arrays


def _from_payload(lang, request, spec, target_mode, vocab, key, meta, arrays) -> Dataset:
    sets = [frozenset(x) for x in meta["sets"]]
    khot = _khot(vocab, sets)
    bins = spec.bins()
    splits = {}
    for i, m in enumerate(meta["splits"]):
        a = SplitArrays(arrays[f"{i}.ids"], arrays[f"{i}.lengths"], arrays[f"{i}.labels"],
                        arrays.get(f"{i}.next_ids"), arrays.get(f"{i}.edits"))
        b = LengthBin(*m["bin"]) if spec.files is not None else bins[m["name"]]
        splits[m["name"]] = Split(m["name"], b, b.size, m["n_distinct"], m["notes"], a, vocab,
                                  sets, khot)
    return Dataset(lang.name, request.task, spec, target_mode, dict(request.options), vocab,
                   splits, key, from_cache=True)
