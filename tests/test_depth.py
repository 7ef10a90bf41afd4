"""Depth windows: members of a bracket language whose maximum nesting depth lies in a window
(Bhattamishra et al. 2020 condition their D_n splits on it), counted and drawn exactly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import langlab
from langlab.data.spec import DepthWindow, LengthBin, SplitSpec
from langlab.data.splits import DataRequest, make_dataset
from langlab.errors import LanglabError, SpecError
from langlab.languages.depth import depth_window, max_depth

BRACKETED = ["d-2", "d-3", "d-12", "dyck-1", "dyck-2"]
WINDOWS = [(0, 0), (1, 1), (2, 2), (1, 3), (3, 3), (2, 5)]


def _brute(lang, n, lo, hi):
    return sorted(s for s in itertools.product(lang.alphabet, repeat=n)
                  if lang.accepts(s) and lo <= max_depth(s, lang.brackets) <= hi)


@pytest.mark.parametrize("name", BRACKETED)
def test_every_bracketed_language_has_its_brackets(name):
    lang = langlab.load_language(name)
    assert lang.brackets and all(o in lang.alphabet and c in lang.alphabet
                                 for o, c in lang.brackets)


@pytest.mark.parametrize("name", BRACKETED)
@pytest.mark.parametrize("window", WINDOWS)
def test_window_counts_and_ranks_match_brute_force(name, window):
    lang = langlab.load_language(name)
    w = depth_window(lang, *window)
    for n in range(9):
        members = _brute(lang, n, *window)
        assert w.count(n) == len(members), (n, window)
        # unrank is a bijection onto the window's members, so rank-uniform draws are uniform
        assert sorted(w.unrank(n, r) for r in range(w.count(n))) == members


@pytest.mark.parametrize("name", ["d-3", "dyck-2"])
def test_window_samples_are_members_in_the_window(name):
    import numpy as np

    lang = langlab.load_language(name)
    w = depth_window(lang, 2, 3)
    for s in w.sample_many(40, 200, np.random.default_rng(0)):
        assert lang.accepts(s) and 2 <= max_depth(s, lang.brackets) <= 3


def test_long_dyck_window_is_quick_and_exact_against_the_reflection_count():
    # Dyck-1 paths of semilength m with height <= 1 number exactly 1; with height <= 2, 2^(m-1).
    lang = langlab.load_language("dyck-1")
    assert depth_window(lang, 0, 1).count(300) == 1
    assert depth_window(lang, 0, 2).count(300) == 2 ** 149
    assert depth_window(lang, 2, 2).count(300) == 2 ** 149 - 1


def test_a_language_without_brackets_says_so():
    with pytest.raises(LanglabError, match="parity has no brackets"):
        depth_window(langlab.load_language("parity"), 1, 2)


def test_windowed_splits_are_in_their_window_distinct_and_disjoint():
    lang = langlab.load_language("d-3")
    spec = SplitSpec(train=LengthBin(2, 30, 2000, depth=DepthWindow(lo=1, hi=3)),
                     validation=LengthBin(12, 30, 200, depth=DepthWindow(lo=2, hi=3)),
                     test=[LengthBin(12, 30, 150, depth=3), LengthBin(32, 60, 300, depth=3),
                           LengthBin(32, 60, 100)])
    ds = make_dataset(lang, DataRequest("next-symbol"), spec)
    seen: dict[tuple, str] = {}
    for name, split in ds.splits.items():
        b = split.bin
        strings = [e.tokens for e in split.examples]
        assert len(set(strings)) == len(strings) == b.size
        for s in strings:
            assert lang.accepts(s) and b.lo <= len(s) <= b.hi
            if b.depth is not None:
                assert b.depth.lo <= max_depth(s, lang.brackets) <= b.depth.hi
            assert s not in seen, f"{s} in {seen.get(s)} and {name}"
            seen[s] = name
    assert list(ds.splits) == ["train", "validation", "test-12-30-depth-3",
                               "test-32-60-depth-3", "test-32-60"]
    # the next-symbol targets are the language's own, not the window's
    ex = ds.splits["test-32-60-depth-3"].examples[0]
    assert ex.next == tuple(lang.next_symbols(ex.tokens[:i]) for i in range(len(ex.tokens) + 1))


def test_a_windowed_bin_takes_every_member_left_when_few():
    # D_2 has 7 members of length 8 at depth exactly 2; asking for 50 gives each of them (and
    # repeats, with a note).
    lang = langlab.load_language("d-2")
    members = _brute(lang, 8, 2, 2)
    spec = SplitSpec(train=LengthBin(2, 6, 10), validation=LengthBin(2, 6, 5),
                     test=[LengthBin(8, 8, 50, depth=2)])
    split = make_dataset(lang, DataRequest("next-symbol"), spec).splits["test-8-8-depth-2"]
    assert sorted(set(e.tokens for e in split.examples)) == members
    assert any("repeat" in n for n in split.notes)


def test_specs_without_windows_keep_their_dumps_and_keys():
    plain = SplitSpec()
    assert all("depth" not in b for b in plain.describe()["test"])
    assert "depth" not in plain.train.model_dump(mode="json")
    assert repr(LengthBin(1, 2, 3)) == "LengthBin(lo=1, hi=2, size=3)"
    windowed = LengthBin.model_validate({"lo": 1, "hi": 9, "size": 3, "depth": 2})
    assert windowed.model_dump(mode="json")["depth"] == {"lo": 2, "hi": 2}
    assert windowed.name == "test-1-9-depth-2"
    assert LengthBin.model_validate({"lo": 1, "hi": 9, "size": 3,
                                     "depth": {"lo": 1, "hi": 2}}).name == "test-1-9-depth-1-2"


def test_windows_are_refused_where_they_mean_nothing():
    spec = SplitSpec(train=LengthBin(2, 10, 20), validation=LengthBin(2, 10, 5),
                     test=[LengthBin(12, 20, 10, depth=2)], distribution="paper")
    with pytest.raises(LanglabError, match="drawn uniformly"):
        make_dataset(langlab.load_language("dyck-1"), DataRequest("next-symbol"), spec)
    with pytest.raises(ValueError, match="empty"):
        DepthWindow(lo=3, hi=2)


def test_the_papers_d_n_test_bins_are_at_the_depth_their_data_info_says(shared_external):
    """Bhattamishra et al.'s data_info.json gives each bin's depth window; their strings must
    have exactly that maximum depth under langlab's definition."""
    import json

    for folder, bins in (("D_2", 2), ("D_3", 2), ("D_12", 2)):
        info = json.loads((shared_external / "bhattamishra2020" / folder / "data_info.json")
                          .read_text())
        lang = langlab.load_language(f"d-{folder.split('_')[1]}")
        for i in range(bins):
            lo, hi = info[f"Val Bin-{i} Depths"]
            lines = (shared_external / "bhattamishra2020" / folder / f"val_src_bin{i}.txt"
                     ).read_text().split()
            depths = {max_depth(s, lang.brackets) for s in lines}
            assert lo <= min(depths) and max(depths) <= hi, (folder, i, sorted(depths))


def test_a_suite_window_on_a_language_without_brackets_is_a_positioned_error(tmp_path: Path):
    from langlab.harness.suite import load_suite

    path = tmp_path / "s.yaml"
    path.write_text("name: s\nlanguages: [d-2, parity]\nmodels: [{name: lstm}]\nsplit:\n"
                    "  test: [{lo: 52, hi: 80, size: 10, depth: 2}]\n")
    with pytest.raises(SpecError) as info:
        load_suite(path)
    assert info.value.line == 5 and "parity has no brackets" in str(info.value)


def test_a_split_left_nothing_by_an_earlier_window_says_so():
    lang = langlab.load_language("d-2")
    spec = SplitSpec(train=LengthBin(2, 8, 100, depth=DepthWindow(lo=0, hi=2)),
                     validation=LengthBin(2, 8, 5), test=[LengthBin(10, 12, 5)])
    with pytest.raises(LanglabError, match="every member of length 2-8 is in a split drawn "
                                           "before 'validation'"):
        make_dataset(lang, DataRequest("next-symbol"), spec)


@pytest.mark.parametrize("n, exclude", [(10, 4), (16, 20)])
def test_draws_that_exclude_taken_members_stay_uniform_over_the_rest(n, exclude):
    """Both paths of the excluding draw (by rank when few members are left, by rejection when
    many are): every member left turns up equally often, no excluded one ever."""
    import collections

    import numpy as np

    from langlab.data.draw import draw_distinct

    lang = langlab.load_language("d-2")
    members = _brute(lang, n, 0, 2)
    taken = frozenset(members[:exclude])
    left = [m for m in members if m not in taken]
    counts: collections.Counter = collections.Counter()
    trials, k = 3000, 3
    for seed in range(trials):
        got, _ = draw_distinct(lang, n, k, len(left), "uniform", np.random.default_rng(seed),
                               exclude=taken)
        assert len(set(got)) == k and not set(got) & taken
        counts.update(got)
    expected = trials * k / len(left)
    assert set(counts) == set(left)
    chi2, df = sum((c - expected) ** 2 / expected for c in counts.values()), len(left) - 1
    assert chi2 < df + 5 * (2 * df) ** 0.5   # about 5 sd above its mean under uniformity
