"""Bins given as windows of a language's parameter (n in aⁿbⁿ), as Bhattamishra et al. 2020 bin
their counter languages: every registered language that declares a parameter has its members
exactly at the parameter's lengths, and a window of n draws exactly the strings of its lengths."""

from __future__ import annotations

from pathlib import Path

import pytest

import langlab
from langlab.data.spec import LengthBin, SplitSpec
from langlab.data.splits import DataRequest, make_dataset
from langlab.errors import LanglabError, SpecError
from langlab.languages.pattern import pattern_language

LIMIT = 40   # lengths checked per language


def _with_parameter():
    out = []
    for name in langlab.list_languages():
        lang = langlab.load_language(name)
        if lang.parameter is not None:
            out.append(name)
    return out


PARAMETRIZED = _with_parameter()


def test_the_counter_and_unary_languages_have_a_parameter():
    assert {"anbn", "anbncn", "anbncndn", "a-square", "a-pow2"} <= set(PARAMETRIZED)
    for name in ("parity", "dyck-1", "shuffle-2", "tomita-3"):
        assert langlab.load_language(name).parameter is None, name


@pytest.mark.parametrize("name", PARAMETRIZED)
def test_members_sit_exactly_at_the_parameters_lengths(name):
    """The contract a window of n rests on: the parameter's lengths strictly increase, and a
    length has members only if it is the length of some n (so a window of n is a window of
    lengths with the same members)."""
    lang = langlab.load_language(name)
    lengths, n = [], 0
    while not lengths or lengths[-1] <= LIMIT:
        lengths.append(lang.parameter_length(n))
        n += 1
    assert all(a < b for a, b in zip(lengths, lengths[1:]))
    for length in range(LIMIT + 1):
        if lang.count(length):
            assert length in lengths, (name, length)


def test_a_counter_pattern_with_one_variable_has_it_as_its_parameter():
    one = pattern_language("a2nbn1", ("a", "b"), ["a^(2n)", "b^(n+1)"], "n >= 1")
    assert one.parameter == "n"
    assert [one.parameter_length(n) for n in range(4)] == [1, 4, 7, 10]
    assert [k for k in range(12) if one.count(k)] == [4, 7, 10]
    two = pattern_language("anbm", ("a", "b"), ["a^n", "b^m"], "n >= 1, m >= 1")
    assert two.parameter is None
    with pytest.raises(LanglabError, match="no parameter"):
        two.parameter_length(3)


def test_a_window_of_n_reads_and_dumps_as_written():
    w = LengthBin.model_validate({"n": {"lo": 51, "hi": 100}, "size": 50})
    assert (w.lo, w.hi, w.unit, w.name) == (51, 100, "n", "test-n51-100")
    assert w.model_dump(mode="json") == {"lo": 51, "hi": 100, "size": 50, "unit": "n"}
    assert LengthBin.model_validate(w.model_dump(mode="json")) == w
    assert LengthBin.model_validate({"n": 7, "size": 1}).name == "test-n7-7"
    assert "unit" not in LengthBin(1, 2, 3).model_dump(mode="json")
    assert repr(LengthBin(1, 2, 3)) == "LengthBin(lo=1, hi=2, size=3)"
    for bad in ({"n": 3, "lo": 1, "hi": 9, "size": 1}, {"n": "x", "size": 1},
                {"n": {"lo": 1}, "size": 1}, {"n": {"lo": 5, "hi": 2}, "size": 1}):
        with pytest.raises(ValueError):
            LengthBin.model_validate(bad)
    with pytest.raises(LanglabError, match="resolve it"):
        w.lengths()
    assert 60 not in w   # a window of n holds no length until resolved


@pytest.mark.parametrize("name, k", [("anbn", 2), ("anbncn", 3), ("anbncndn", 4)])
def test_windows_of_n_resolve_to_the_lengths_of_the_paper(name, k):
    """Bhattamishra et al.'s aⁿbⁿ: train n 1-50 (lengths 2-100), test n 51-100 (102-200)."""
    spec = SplitSpec.model_validate({
        "train": {"n": {"lo": 1, "hi": 50}, "size": 50},
        "validation": {"n": {"lo": 1, "hi": 50}, "size": 5},
        "test": [{"n": {"lo": 51, "hi": 100}, "size": 50}, {"lo": 1, "hi": 9, "size": 3}]})
    got = spec.resolve(langlab.load_language(name))
    assert (got.train.lo, got.train.hi) == (k, 50 * k)
    assert [(b.lo, b.hi, b.unit) for b in got.test] == [(51 * k, 100 * k, None), (1, 9, None)]
    assert got.resolve(langlab.load_language(name)) == got
    assert SplitSpec().resolve(langlab.load_language("parity")) == SplitSpec()


def test_a_window_of_n_draws_the_strings_of_its_lengths():
    """The same dataset, string for string, as the bins written in lengths: the same strings,
    so the same draw, and every n of the window appears (one member per n)."""
    lang = langlab.load_language("anbncn")
    of_n = SplitSpec.model_validate({
        "train": {"n": {"lo": 1, "hi": 8}, "size": 40}, "validation": {"n": {"lo": 1, "hi": 8},
                                                                      "size": 4},
        "test": [{"n": {"lo": 9, "hi": 14}, "size": 6}], "train_lengths": "uniform"})
    in_lengths = SplitSpec(train=LengthBin(3, 24, 40), validation=LengthBin(3, 24, 4),
                           test=[LengthBin(27, 42, 6)], train_lengths="uniform")
    a = make_dataset(lang, DataRequest("next-symbol"), of_n)
    b = make_dataset(lang, DataRequest("next-symbol"), in_lengths)
    assert list(a.splits) == list(b.splits)
    for split in a.splits:
        assert [e.tokens for e in a.splits[split].examples] == \
            [e.tokens for e in b.splits[split].examples], split
    test = a.splits["test-27-42"].examples
    assert sorted(len(e.tokens) // 3 for e in test) == list(range(9, 15))


def test_a_suite_with_windows_of_n_has_the_keys_of_its_lengths(tmp_path: Path):
    """A job's split is in lengths, so a suite written with n has the very runs (keys) of the
    suite written in lengths: rows stored by either serve the other."""
    from langlab.harness.suite import expand, load_suite

    def suite(split: str) -> Path:
        path = tmp_path / f"s{len(list(tmp_path.iterdir()))}.yaml"
        path.write_text("name: s\nlanguages:\n  - name: anbn\n    split:\n" + split +
                        "models: [{name: lstm}]\n")
        return path

    of_n = suite("      train: {n: {lo: 1, hi: 50}, size: 100}\n"
                 "      test: [{n: {lo: 51, hi: 100}, size: 50}]\n")
    lengths = suite("      train: {lo: 2, hi: 100, size: 100}\n"
                    "      test: [{lo: 102, hi: 200, size: 50}]\n")
    a, b = expand(load_suite(of_n)), expand(load_suite(lengths))
    assert [j.key for j in a] == [j.key for j in b]
    assert a[0].split["test"] == [{"lo": 102, "hi": 200, "size": 50}]


def _suite_error(path: Path, text: str) -> SpecError:
    from langlab.harness.suite import load_suite

    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_suite(path)
    return info.value


def test_a_window_of_n_for_a_language_without_one_is_a_positioned_error(tmp_path: Path):
    err = _suite_error(tmp_path / "s.yaml",
                       "name: s\nlanguages: [anbn, parity]\nmodels: [{name: lstm}]\nsplit:\n"
                       "  test: [{n: {lo: 51, hi: 100}, size: 10}]\n")
    assert err.line == 5 and "parity has no parameter n" in str(err)
    err = _suite_error(tmp_path / "own.yaml",
                       "name: s\nlanguages:\n  - anbn\n  - name: dyck-1\n    split:\n"
                       "      test: [{n: 9, size: 1}]\nmodels: [{name: lstm}]\n")
    assert err.line == 4 and "dyck-1 has no parameter n" in str(err)
    with pytest.raises(LanglabError, match="parity has no parameter n"):
        make_dataset(langlab.load_language("parity"), DataRequest("next-symbol"),
                     SplitSpec.model_validate({"test": [{"n": 3, "size": 1}]}))
