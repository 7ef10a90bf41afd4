"""Random search as a suite option: seeded points in their ranges, jobs once per trial, keys of
suites without a search unchanged, and every bad value of a search block at its line."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langlab.errors import SpecError
from langlab.harness.search import Distribution, Search
from langlab.harness.suite import Suite, expand, load_suite

BASE = ("name: t\nlanguages: [parity]\nmodels: [{name: lstm, settings: {hidden: [8, 16]}}]\n"
        "seeds: [0, 1]\ntask: {name: recognition}\n")
FLARE = ("search:\n  trials: 4\n  seed: 3\n  space:\n"
         "    training.lr: {log_uniform: [1.0e-4, 1.0e-2]}\n"
         "    training.batch_size: {choice: [8, 16, 32]}\n"
         "    task.options.lm_loss: {log_uniform: [0.01, 10]}\n")


def write(tmp_path, text: str):
    p = tmp_path / "suite.yaml"
    p.write_text(text)
    return p


# ---------------------------------------------------------------------- drawing
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.floats(1e-6, 1.0), st.floats(1.0, 1e3), st.integers(0, 50),
       st.integers(0, 50))
def test_points_are_seeded_and_in_range(seed, lo, hi, a, b):
    a, b = sorted((a, b))
    space = {"training.lr": {"log_uniform": [lo, hi]}, "training.epochs": {"int_uniform": [a, b]},
             "training.weight_decay": {"uniform": [0.0, lo]},
             "training.batch_size": {"log_int_uniform": [a + 1, b + 1]},
             "training.optimizer": {"choice": ["adam", "sgd"]}}
    pts = Search(trials=5, seed=seed, space=space).points()
    assert pts == Search(trials=5, seed=seed, space=space).points()
    for p in pts:
        assert lo <= p["training.lr"] <= hi
        assert a <= p["training.epochs"] <= b and isinstance(p["training.epochs"], int)
        assert 0.0 <= p["training.weight_decay"] <= lo
        assert a + 1 <= p["training.batch_size"] <= b + 1
        assert p["training.optimizer"] in ("adam", "sgd")


def test_each_path_has_its_own_stream():
    """Adding a path or trials leaves the values drawn for the others as they were."""
    one = Search(trials=3, seed=1, space={"training.lr": {"log_uniform": [1e-4, 1e-2]}})
    two = Search(trials=5, seed=1, space={"task.options.lm_loss": {"uniform": [0, 1]},
                                          "training.lr": {"log_uniform": [1e-4, 1e-2]}})
    assert [p["training.lr"] for p in one.points()] == [p["training.lr"]
                                                        for p in two.points()[:3]]
    other_seed = Search(trials=3, seed=2, space=one.space)
    assert one.points() != other_seed.points()


def test_log_uniform_is_uniform_in_log_scale():
    s = Search(trials=4000, space={"training.lr": {"log_uniform": [1e-4, 1e-2]}})
    logs = [math.log10(p["training.lr"]) for p in s.points()]
    assert abs(sum(logs) / len(logs) + 3) < 0.05                        # centred on 1e-3
    assert abs(sum(x < -3.5 for x in logs) / len(logs) - 0.25) < 0.03   # a quarter below


def test_log_int_uniform_reaches_both_ends():
    vals = {p["training.batch_size"] for p in
            Search(trials=500, space={"training.batch_size":
                                      {"log_int_uniform": [1, 4]}}).points()}
    assert vals == {1, 2, 3, 4}


# ---------------------------------------------------------------------- expansion
def test_without_search_the_jobs_are_as_before(tmp_path):
    suite = load_suite(write(tmp_path, BASE))
    assert suite.search is None
    jobs = expand(suite)
    # the same suite read without the field at all (as before it existed) gives the same keys
    again = expand(Suite.model_validate({k: v for k, v in suite.model_dump().items()
                                         if k != "search"}))
    assert [j.key for j in jobs] == [j.key for j in again]
    assert all("search" not in j.describe() and "trial" not in j.describe() for j in jobs)


def test_search_runs_every_job_once_per_trial(tmp_path):
    plain = expand(load_suite(write(tmp_path, BASE)))
    suite = load_suite(write(tmp_path, BASE + FLARE))
    jobs = expand(suite)
    assert len(jobs) == len(plain) * 4
    assert len({j.key for j in jobs}) == len(jobs)
    points = suite.search.points()
    for i, job in enumerate(jobs):
        point = points[i % 4]
        assert job.training["lr"] == point["training.lr"]
        assert job.training["batch_size"] == point["training.batch_size"]
        assert job.task["options"] == {"lm_loss": point["task.options.lm_loss"]}
    # a trial is a grid point: its seeds share a config id, the trials do not
    by_config: dict[str, set[int]] = {}
    for j in jobs:
        by_config.setdefault(j.config_id, set()).add(j.seed)
    assert len(by_config) == 2 * 4 and all(s == {0, 1} for s in by_config.values())
    assert [j.key for j in expand(load_suite(write(tmp_path, BASE + FLARE)))] == \
        [j.key for j in jobs]


def test_override_reaches_the_search(tmp_path):
    suite = load_suite(write(tmp_path, BASE + FLARE), ["--search.trials=2"])
    assert suite.search.trials == 2 and len(expand(suite)) == 2 * 2 * 2


# ---------------------------------------------------------------------- bad input, positioned
@pytest.mark.parametrize("block, where, message", [
    ("search:\n  trials: 2\n  space:\n    training.lrr: {uniform: [0, 1]}\n", ":9:5: ",
     "suite: search.space.training.lrr: unknown training setting 'lrr'; did you mean 'lr'?"),
    ("search:\n  trials: 2\n  space:\n    model.hidden: {choice: [8]}\n", ":9:5: ",
     "search path starts with training. or task.options., got 'model.hidden'"),
    ("search:\n  trials: 2\n  space:\n    training.lr: {log_unifrom: [1, 2]}\n", ":9:19: ",
     "unknown key 'log_unifrom'; did you mean 'log_uniform'?"),
    ("search:\n  trials: 2\n  space:\n    training.lr: {log_uniform: [0, 1]}\n", ":9:18: ",
     "log_uniform: the range must be positive, got lo = 0"),
    ("search:\n  trials: 2\n  space:\n    training.lr: {uniform: [2, 1]}\n", ":9:18: ",
     "uniform: the range [2.0, 1.0] is empty (lo > hi)"),
    ("search:\n  trials: 2\n  space:\n    training.lr: {}\n", ":9:18: ",
     "give exactly one distribution of uniform, log_uniform"),
    ("search:\n  trials: 2\n  space:\n    training.batch_size: {uniform: [8, 64]}\n", ":9:5: ",
     ("suite: search.space.training.batch_size: value 8.0 is a float; training.batch_size "
      "takes int values")),
    ("search:\n  trials: 2\n  space:\n    task.options.lm_loss: {uniform: [-1, 1]}\n", ":9:5: ",
     "task recognition: lm_loss must be >= 0, got -1.0"),
    ("search:\n  trials: 2\n  space:\n    task.options.lm_los: {uniform: [0, 1]}\n", ":9:5: ",
     "unknown option 'lm_los' for task recognition; did you mean 'lm_loss'?"),
    ("search:\n  trials: 0\n  space:\n    training.lr: {uniform: [0, 1]}\n", ":7:11: ",
     "search.trials: Input should be greater than or equal to 1"),
    ("search:\n  trials: 2\n  space: {}\n", ":8:10: ", "search.space: "),
    ("search:\n  trials: 2\n  seeds: 1\n  space:\n    training.lr: {uniform: [0, 1]}\n",
     ":8:3: ", "unknown key 'seeds'; did you mean 'seed'?"),
    (("training: {lr: [0.1, 0.01]}\nsearch:\n  trials: 2\n  space:\n"
      "    training.lr: {uniform: [0, 1]}\n"), ":10:5: ",
     "training.lr is a grid (a list) and a search path; give one of the two"),
])
def test_bad_search_blocks_are_positioned(tmp_path, block, where, message):
    p = write(tmp_path, BASE + block)
    with pytest.raises(SpecError) as info:
        load_suite(p)
    head = info.value.headline()
    assert head.startswith(f"{p}{where}"), head
    assert message in head, head


def test_distribution_kinds_are_exclusive():
    with pytest.raises(ValueError, match="exactly one"):
        Distribution(uniform=[0, 1], choice=[1])


def test_per_cell_draws_give_each_cell_its_own_points_and_shared_draws_one_set():
    from langlab.harness.search import Search

    space = {"training.lr": {"log_uniform": [1e-4, 1e-2]}}
    shared = Search(trials=4, space=space)
    own = Search(trials=4, space=space, draw="per-cell")
    assert shared.points(("parity", "rnn")) == shared.points(("dyck-1", "lstm")) == shared.points()
    a, b = own.points(("parity", "rnn")), own.points(("parity", "lstm"))
    assert a != b and a == own.points(("parity", "rnn"))
    assert all(1e-4 <= p["training.lr"] <= 1e-2 for p in a + b)
    # each cell's draws are log-uniform: over many cells, a quarter fall below 10^-3.5
    lows = [p["training.lr"] < 10 ** -3.5 for c in range(400) for p in own.points((f"l{c}", "m"))]
    assert abs(sum(lows) / len(lows) - 0.25) < 0.04


def test_per_cell_search_expands_each_cells_own_points_seeds_sharing_them(tmp_path):
    text = BASE.replace("languages: [parity]", "languages: [parity, dyck-1]") + FLARE.replace(
        "  seed: 3\n", "  seed: 3\n  draw: per-cell\n")
    suite = load_suite(write(tmp_path, text))
    jobs = expand(suite)
    lrs: dict[tuple, set] = {}
    for j in jobs:
        point = suite.search.points((j.language, j.column))
        assert j.training["lr"] in {p["training.lr"] for p in point}
        lrs.setdefault((j.language, j.column), set()).add(j.training["lr"])
        same = [k for k in jobs if k.config_id == j.config_id]
        assert {k.seed for k in same} == {0, 1} and {k.training["lr"] for k in same} == {j.training["lr"]}
    assert all(len(v) == 4 for v in lrs.values())
    assert len({frozenset(v) for v in lrs.values()}) == len(lrs)   # no two cells share points
