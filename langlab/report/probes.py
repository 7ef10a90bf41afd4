"""The report's probe section: linear-probe scores (``langlab probe``) by split, per model,
representation, layer and target, trained against the random-init control; the best single
unit's correlation for numeric targets (the 2020 paper's depth-to-length ratio for Dyck-1);
and the Transformer attention maps. Absent from a report whose store holds no probes.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from langlab.report.build import Report


def _split_order(report: Report, splits) -> list[str]:
    def key(name: str):
        if name == "train":
            return (0, 0)
        if name == "validation":
            return (1, 0)
        try:
            return (2, int(name.split("-")[1]))
        except (IndexError, ValueError):
            return (3, 0)
    return sorted(set(splits), key=key)


def summarize_probes(report: Report) -> list[dict]:
    """Scores averaged over seeds: one record per language x column x target x rep x layer x
    control, with ``{split: mean score}``, the metric, the seeds and (numeric targets) the mean
    |correlation| of the best single unit per split."""
    groups: dict[tuple, list[dict]] = {}
    for p in report.probes:
        groups.setdefault((p["language"], p["column"], p["target"], p["rep"], p["layer"],
                           p["control"]), []).append(p)
    columns = [c for c, _ in report.columns]
    out = []
    for (lang, col, target, rep, layer, control), ps in groups.items():
        splits = _split_order(report, [p["split"] for p in ps])
        scores = {s: round(statistics.fmean(p["score"] for p in ps if p["split"] == s), 4)
                  for s in splits}
        corr = {s: round(statistics.fmean(abs(p["extra"]["unit_corr"]) for p in ps
                                          if p["split"] == s), 4)
                for s in splits if all("unit_corr" in p["extra"] for p in ps if p["split"] == s)}
        out.append({"language": lang, "column": col, "target": target, "rep": rep,
                    "layer": layer, "control": bool(control), "metric": ps[0]["metric"],
                    "seeds": len({p["seed"] for p in ps}), "scores": scores,
                    "unit_corr": corr})
    order = {lang: i for i, lang in enumerate(report.languages)}
    out.sort(key=lambda r: (order.get(r["language"], 99), columns.index(r["column"])
                            if r["column"] in columns else 99, r["target"], r["rep"], r["layer"],
                            r["control"]))
    return out


def probe_md(report: Report, plots: dict | None) -> list[str]:
    if not report.probes:
        return []
    records = summarize_probes(report)
    lines = ["## Probes", "",
             "Linear probes (scikit-learn: logistic regression for categorical targets, "
             "accuracy; ridge regression for numeric ones, R²) from each layer's states to the "
             "language's trace, fitted on positions of training strings, scored on every "
             "split. Each cell: **trained** / control (the same probe on a randomly initialised "
             "model of the same architecture), mean over seeds. *|r| unit*: the best single "
             "unit's absolute correlation with the target (chosen on the training positions).",
             ""]
    for lang in report.languages:
        mine = [r for r in records if r["language"] == lang]
        if not mine:
            continue
        splits = _split_order(report, [s for r in mine for s in r["scores"]])
        heads = ["val" if s == "validation" else s.removeprefix("test-") for s in splits]
        lines += [f"### `{lang}`", "", "| model | rep | layer | target | metric | "
                  + " | ".join(heads) + " |", "|---|---|---:|---|---|" + "---:|" * len(heads)]
        by_key: dict[tuple, dict] = {}
        for r in mine:
            by_key.setdefault((r["column"], r["rep"], r["layer"], r["target"]), {})[r["control"]] = r
        for (col, rep, layer, target), pair in by_key.items():
            t, c = pair.get(False), pair.get(True)
            cells = [f"**{_num(t, s)}** / {_num(c, s)}" for s in splits]
            lines.append(f"| {col} | {rep} | {layer} | {target} | {(t or c)['metric']} | "
                         + " | ".join(cells) + " |")
            if t and t["unit_corr"]:
                cells = [f"**{_corr(t, s)}** / {_corr(c, s)}" for s in splits]
                lines.append(f"| {col} | {rep} | {layer} | {target} | \\|r\\| unit | "
                             + " | ".join(cells) + " |")
        lines.append("")
        if plots and lang in plots.get("probes", {}):
            lines += [f"![probes: {lang}]({plots['probes'][lang]['svg']})", ""]
    if plots and plots.get("attention"):
        lines += ["### Attention maps", ""]
        lines += [f"- {label}: [{files['svg']}]({files['svg']})"
                  for label, files in plots["attention"].items()]
        lines.append("")
    return lines


def _num(r: dict | None, split: str) -> str:
    v = None if r is None else r["scores"].get(split)
    return "—" if v is None else f"{v:.2f}"


def _corr(r: dict | None, split: str) -> str:
    v = None if r is None else r["unit_corr"].get(split)
    return "—" if v is None else f"{v:.2f}"


def probe_figure(report: Report, language: str):
    """Probe score against split (ordered by length), one panel per target; trained solid,
    control dashed, one colour per model x rep x layer."""
    from matplotlib.figure import Figure

    records = [r for r in summarize_probes(report) if r["language"] == language]
    targets = list(dict.fromkeys(r["target"] for r in records))
    fig = Figure(figsize=(3.2 * len(targets), 2.8))
    axes = fig.subplots(1, len(targets), squeeze=False)[0]
    for ax, target in zip(axes, targets):
        lines = [r for r in records if r["target"] == target]
        splits = _split_order(report, [s for r in lines for s in r["scores"]])
        labels = list(dict.fromkeys((r["column"], r["rep"], r["layer"]) for r in lines))
        for i, lab in enumerate(labels):
            for r in lines:
                if (r["column"], r["rep"], r["layer"]) != lab:
                    continue
                ys = [r["scores"].get(s) for s in splits]
                ax.plot(range(len(splits)), ys, color=f"C{i % 10}", marker="o", markersize=3,
                        linestyle="--" if r["control"] else "-", linewidth=1,
                        label=None if r["control"] else f"{lab[0]} {lab[1]} L{lab[2]}")
        ax.set_xticks(range(len(splits)))
        ax.set_xticklabels(["val" if s == "validation" else s.removeprefix("test-")
                            for s in splits], rotation=45, fontsize=6)
        ax.set_title(f"{language}: {target}", fontsize=8)
        ax.set_ylabel(lines[0]["metric"] if lines else "", fontsize=7)
        ax.set_ylim(-0.05 if lines and lines[0]["metric"] == "accuracy" else -1.0, 1.05)
        ax.legend(fontsize=5, loc="lower left")
    fig.tight_layout()
    return fig


def attention_figure(record: dict):
    """Heatmaps of one run's attention for its first string: rows layers, columns heads."""
    from matplotlib.figure import Figure

    m = record["maps"][0]
    layers = m["layers"]
    heads = len(layers[0])
    fig = Figure(figsize=(1.9 * heads, 1.9 * len(layers)))
    axes = fig.subplots(len(layers), heads, squeeze=False)
    for li, layer in enumerate(layers):
        for hi, w in enumerate(layer):
            ax = axes[li][hi]
            ax.imshow(w, cmap="viridis", vmin=0.0, vmax=1.0)
            ax.set_xticks(range(len(m["tokens"])))
            ax.set_xticklabels(m["tokens"], fontsize=4, rotation=90)
            ax.set_yticks([])
            ax.set_title(f"layer {li + 1} head {hi + 1}", fontsize=5)
    fig.suptitle(f"{record['language']} × {record['column']} seed {record['seed']}: "
                 f"{m['string']}", fontsize=6)
    fig.tight_layout()
    return fig


def probe_plots(report: Report, plots_dir: Path, save, slug) -> dict:
    """``{"probes": {language: files}, "attention": {label: files}}`` (empty without probes)."""
    out: dict = {"probes": {}, "attention": {}}
    for old in [*plots_dir.glob("probes-*.*"), *plots_dir.glob("attention-*.*")]:
        if old.suffix in (".png", ".svg"):
            old.unlink()
    for lang in report.languages:
        if any(p["language"] == lang for p in report.probes):
            out["probes"][lang] = save(probe_figure(report, lang), plots_dir / f"probes-{slug(lang)}")
    for rec in report.attention:
        if rec.get("maps") and rec["seed"] == min(r["seed"] for r in report.attention
                                                  if r["language"] == rec["language"]
                                                  and r["column"] == rec["column"]):
            label = f"{rec['language']} × {rec['column']}"
            out["attention"][label] = save(attention_figure(rec), plots_dir / (
                f"attention-{slug(rec['language'])}-{slug(rec['column'])}"))
    return out
