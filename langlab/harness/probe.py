"""``langlab probe``: linear probes from a trained model's layers to the language's trace.

For each stored run, every layer's states at every position of (member) strings are paired with
``lang.trace`` of the prefix read so far (position t has seen BOS and t tokens, the trace's
entry t). A probe is fitted on positions of training-length strings (the run's training split)
and scored on the validation split and every test bin: scikit-learn ``LogisticRegression`` for
categorical targets (accuracy), ``Ridge`` for numeric ones (R², averaged over a counter's
components). Beside it, the control: the same probe on a randomly initialised model of the same
architecture and size; a probe that finds a mechanism beats its control.

For numeric targets the probe also records the single unit most correlated with the target on
the fitted positions and that unit's Pearson correlation on each split (the 2020 paper's
depth-to-length ratio analysis for Dyck-1).

Representations: Transformer block outputs (layer k = block k); RNN/LSTM/GRU layer outputs
(rebuilt layer by layer from the fused weights), and for the LSTM also each layer's cell state
(``rep = cell``); any other encoder, its output as layer 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from langlab.errors import LanglabError
from langlab.languages.base import TRACE_KINDS, NoTraceError

MAX_FIT_POSITIONS = 30_000  # positions the probe is fitted on (a uniform subsample)


def representations(model, tokens, lengths) -> dict[tuple[int, str], Any]:
    """``{(layer, rep): states (B, T, D)}`` of one batch, without gradients."""
    import torch

    with torch.no_grad():
        if hasattr(model, "blocks"):  # the Transformer: every block's output
            captured: dict[int, Any] = {}
            hooks = [block.register_forward_hook(
                lambda _m, _a, out, k=k: captured.__setitem__(k, out))
                for k, block in enumerate(model.blocks, start=1)]
            try:
                model(tokens, lengths)
            finally:
                for h in hooks:
                    h.remove()
            return {(k, "hidden"): captured[k] for k in sorted(captured)}
        if hasattr(model, "rnn") and isinstance(model.rnn, (torch.nn.RNN, torch.nn.LSTM,
                                                             torch.nn.GRU)):
            return _recurrent_layers(model, tokens)
        return {(1, "hidden"): model(tokens, lengths)}


def _recurrent_layers(model, tokens) -> dict[tuple[int, str], Any]:
    """Each layer of a fused RNN/LSTM/GRU run on its own, with its own weights."""
    import torch

    rnn = model.rnn
    x = model.embed(tokens)  # (B, T, E)
    out = {}
    for k in range(rnn.num_layers):
        w = {name: getattr(rnn, f"{name}_l{k}") for name in ("weight_ih", "weight_hh", "bias_ih",
                                                             "bias_hh")}
        if isinstance(rnn, torch.nn.LSTM):  # step by step: the cell state is not an output
            B, T, _ = x.shape
            h = x.new_zeros(B, rnn.hidden_size)
            c = x.new_zeros(B, rnn.hidden_size)
            hs, cs = [], []
            xi = x @ w["weight_ih"].T + w["bias_ih"] + w["bias_hh"]  # (B, T, 4H)
            for t in range(T):
                i, f, g, o = (xi[:, t] + h @ w["weight_hh"].T).chunk(4, dim=-1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                hs.append(h)
                cs.append(c)
            x = torch.stack(hs, dim=1)  # (B, T, H)
            out[(k + 1, "hidden")], out[(k + 1, "cell")] = x, torch.stack(cs, dim=1)
        else:
            single = type(rnn)(x.size(-1), rnn.hidden_size, num_layers=1, batch_first=True,
                               **({"nonlinearity": rnn.nonlinearity}
                                  if isinstance(rnn, torch.nn.RNN) else {}))
            single.load_state_dict({f"{name}_l0": v for name, v in w.items()})
            x, _ = single(x)
            out[(k + 1, "hidden")] = x
    return out


def layer_count(model) -> int:
    if hasattr(model, "blocks"):
        return len(model.blocks)
    rnn = getattr(model, "rnn", None)
    return getattr(rnn, "num_layers", 1) if rnn is not None else 1


def collect(model, lang, split, targets: list[str], max_strings: int, seed: int,
            batch_size: int = 256) -> tuple[dict, dict, np.ndarray]:
    """States and trace values at every position of up to ``max_strings`` members of
    ``split``: ``({(layer, rep): X (N, D)}, {target: y (N, ...)}, lengths (N,))`` where
    ``lengths`` holds each position's string length."""
    members = [i for i, ex in enumerate(split.examples) if ex.label]
    rng = np.random.default_rng([seed, len(members)])
    keep = set(rng.permutation(members)[:max_strings].tolist()) if len(members) > max_strings \
        else set(members)
    reps: dict[tuple[int, str], list] = {}
    ys: dict[str, list] = {t: [] for t in targets}
    string_len: list[int] = []
    for batch in split.batches(batch_size, shuffle=False, seed=None):
        rows = [b for b, idx in enumerate(batch.index.tolist()) if idx in keep]
        if not rows:
            continue
        states = representations(model, batch.tokens[rows], batch.lengths[rows])
        for j, b in enumerate(rows):
            toks = split.examples[int(batch.index[b])].tokens
            n1 = len(toks) + 1
            trace = lang.trace(toks)
            for t in targets:
                ys[t].extend(trace[t])
            string_len.extend([len(toks)] * n1)
            for key, s in states.items():
                reps.setdefault(key, []).append(s[j, :n1].numpy())
    X = {key: np.concatenate(v) for key, v in reps.items()}
    Y = {t: np.asarray(v, dtype=float).reshape(len(v), -1) for t, v in ys.items()}
    return X, Y, np.asarray(string_len)


def _corr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson correlation of every column of x (N, D) with y (N,); 0 where either is constant."""
    xc, yc = x - x.mean(0), y - y.mean()
    den = np.sqrt((xc ** 2).sum(0) * (yc ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xc * yc[:, None]).sum(0) / den
    return np.nan_to_num(r)


class Probe:
    """One linear probe for one target, fitted on (X, y) of training-length positions."""

    def __init__(self, kind: str, X: np.ndarray, y: np.ndarray, seed: int):
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.preprocessing import StandardScaler

        self.kind = kind
        rng = np.random.default_rng(seed)
        if len(X) > MAX_FIT_POSITIONS:
            idx = rng.choice(len(X), MAX_FIT_POSITIONS, replace=False)
            X, y = X[idx], y[idx]
        self.scaler = StandardScaler().fit(X)
        Z = self.scaler.transform(X)
        self.constant = None
        if kind == "categorical":
            labels = y[:, 0].astype(int)
            if len(set(labels.tolist())) == 1:
                self.constant = int(labels[0])
            else:  # an unconverged fit is still a linear probe: its score says how good
                import warnings

                from sklearn.exceptions import ConvergenceWarning

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    self.model = LogisticRegression(max_iter=300).fit(Z, labels)
        else:
            self.model = Ridge(alpha=1.0).fit(Z, y)
            # the best single unit, chosen on the fitted positions (first component's target)
            self.unit = int(np.abs(_corr(X, y[:, 0])).argmax())

    def score(self, X: np.ndarray, y: np.ndarray) -> tuple[str, float, dict]:
        from sklearn.metrics import r2_score

        if self.kind == "categorical":
            labels = y[:, 0].astype(int)
            pred = (np.full(len(labels), self.constant) if self.constant is not None
                    else self.model.predict(self.scaler.transform(X)))
            return "accuracy", float((pred == labels).mean()), {}
        pred = self.model.predict(self.scaler.transform(X)).reshape(y.shape)
        r = _corr(X[:, [self.unit]], y[:, 0])[0]
        return "r2", float(r2_score(y, pred)), {"unit": self.unit, "unit_corr": round(float(r), 6)}


def check_targets(lang, targets: list[str] | None) -> list[str]:
    names = list(lang.trace_names()) if lang.trace_targets else []
    if not names:
        lang.trace(())  # raises the language's one-line "no trace" error
    if not targets:
        return names
    for t in targets:
        if t not in names:
            raise NoTraceError(f"{lang.name} has no trace target {t!r}; it has: {', '.join(names)}"
                               if t in TRACE_KINDS else
                               f"unknown probe target {t!r}; {lang.name} has: {', '.join(names)}")
    return list(targets)


def probe_run(loaded, ds, targets: list[str], layers: list[int] | None, max_strings: int,
              seed: int = 0) -> list[dict[str, Any]]:
    """Probe rows for one loaded run (``weights.LoadedRun``) on its dataset ``ds``."""
    lang = loaded.language
    control_model, _ = loaded.untrained(seed=10_007 + loaded.row["seed"])
    splits = [name for name in ds.splits if name != "train"]
    out = []
    for control, model in ((0, loaded.model), (1, control_model)):
        fit_X, fit_Y, _ = collect(model, lang, ds.splits["train"], targets, max_strings, seed)
        scored = {name: collect(model, lang, ds.splits[name], targets, max_strings, seed)
                  for name in splits}
        for (layer, rep), X in sorted(fit_X.items()):
            if layers and layer not in layers:
                continue
            for target in targets:
                kind = TRACE_KINDS[target]
                probe = Probe(kind, X, fit_Y[target], seed)
                for name, (sX, sY, _) in [("train", (X, fit_Y, None)), *scored.items()]:
                    if not len(sY[target]):
                        continue
                    metric, score, extra = probe.score(sX[(layer, rep)] if name != "train"
                                                       else X, sY[target])
                    out.append({"run_key": loaded.row["key"], "target": target, "layer": layer,
                                "rep": rep, "control": control, "split": name, "metric": metric,
                                "score": round(score, 6), "n": int(len(sY[target])),
                                "extra": extra})
    return out


def probe_folder(run_dir: str | Path, language: str | None = None,
                 targets: list[str] | None = None, layer: int | None = None,
                 max_strings: int = 2000, cache_dir: str | Path | None = None,
                 attention: bool = True) -> list[dict[str, Any]]:
    """Probe every finished run of ``run_dir`` (or one ``language``) whose language has a
    trace; store the rows (replacing earlier probes of the same run, target, layer, split) and,
    for Transformer runs, their attention maps (``probes/attention.json``). Every check runs
    before anything is computed or written."""
    import os

    import torch

    from langlab.data import SplitSpec
    from langlab.harness.attention import attention_record, write_attention
    from langlab.harness.store import Store
    from langlab.harness.suite import load_suite
    from langlab.harness.weights import NoWeightsError, done_rows, has_weights, load_run

    from langlab.errors import UnknownNameError

    if max_strings < 1:
        raise LanglabError(f"--strings must be at least 1, got {max_strings}")
    for t in targets or ():
        if t not in TRACE_KINDS:
            raise UnknownNameError("probe target", t, list(TRACE_KINDS))
    run_dir = Path(run_dir)
    rows = done_rows(run_dir, language)
    suite = load_suite(run_dir / "suite.yaml")
    missing = [r for r in rows if not has_weights(run_dir, r["key"])]
    if missing:
        raise NoWeightsError(f"{run_dir}: {len(missing)} of {len(rows)} runs have no weights; "
                             "rerun the suite into a new folder to keep them")
    from langlab.languages.registry import load_language

    langs = {name: load_language(name) for name in dict.fromkeys(r["language"] for r in rows)}
    chosen = {}
    for name, lang in langs.items():
        if not lang.trace_targets:
            if language is not None or targets:
                check_targets(lang, targets)  # the one-line "no trace" error
            continue
        if targets and language is None and not all(t in lang.trace_names() for t in targets):
            continue  # a suite-wide probe of one target skips languages without it
        chosen[name] = check_targets(lang, targets)
    if not chosen:
        raise NoTraceError(f"no language of {run_dir} has "
                           + (f"the trace target(s) {', '.join(targets)}" if targets
                              else "a trace") + f" (languages: {', '.join(langs)})")
    rows = [r for r in rows if r["language"] in chosen]
    loaded_runs = [load_run(run_dir, r) for r in rows]
    if layer is not None:
        depth = {r["key"]: layer_count(lr.model) for r, lr in zip(rows, loaded_runs)}
        if layer < 1 or all(layer > d for d in depth.values()):
            raise LanglabError(f"layer {layer} does not exist: the models of {run_dir} have "
                               f"{', '.join(sorted({str(d) for d in depth.values()}))} layer(s) "
                               "(layers count from 1)")
        keep = [i for i, r in enumerate(rows) if layer <= depth[r["key"]]]
        rows, loaded_runs = [rows[i] for i in keep], [loaded_runs[i] for i in keep]
    cache = cache_dir or os.environ.get("LANGLAB_CACHE") or run_dir / "cache"
    spec = SplitSpec.model_validate(suite.split.model_dump(mode="json"))
    datasets: dict[str, Any] = {}
    results, maps = [], []
    torch.set_num_threads(1)
    for row, loaded in zip(rows, loaded_runs):
        if row["language"] not in datasets:
            datasets[row["language"]] = loaded.dataset(spec, cache)
        ds = datasets[row["language"]]
        results += probe_run(loaded, ds, chosen[row["language"]],
                             [layer] if layer is not None else None, max_strings)
        if attention and hasattr(loaded.model, "blocks"):
            maps.append(attention_record(loaded, ds))
    store = Store(run_dir / "results.sqlite")
    try:
        store.record_probes(results)
    finally:
        store.close()
    if maps:
        write_attention(run_dir, maps)
    return results
