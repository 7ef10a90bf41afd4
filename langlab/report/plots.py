"""The report's plots (matplotlib, no pyplot state): accuracy against string length for each
language, one line per model column, and a heatmap of the whole table. Each is written as PNG
and SVG with the date and software metadata removed and a fixed SVG hash salt, so the files
are byte-identical when regenerated.

A length plot draws the per-length accuracy stored with each run (``by_length``); for stores
without it, one point per test bin at the bin's midpoint (the figure says so).

>>> slug("parity"), slug("flare/parity"), slug("aa*bb*cc*dd*ee*")
('parity', 'flare_parity-75187b', 'aa_bb_cc_dd_ee_-403a60')
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

from langlab.harness.results import GENERALIZES
from langlab.report.build import Report
from langlab.tasks import task_class

RC = {"svg.hashsalt": "langlab-report", "svg.fonttype": "none", "font.size": 8,
      "axes.spines.top": False, "axes.spines.right": False}
METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def slug(name: str) -> str:
    """A file name for a language name; a short hash keeps rewritten names distinct."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return clean if clean == name else f"{clean}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def _save(fig, base: Path) -> dict[str, str]:
    """``base.png`` and ``base.svg``; returns their paths relative to the report folder."""
    base.parent.mkdir(parents=True, exist_ok=True)
    out = {}
    for fmt in ("png", "svg"):
        path = base.with_suffix(f".{fmt}")
        fig.savefig(path, format=fmt, dpi=110, metadata=METADATA[fmt], bbox_inches="tight")
        out[fmt] = f"{base.parent.name}/{path.name}"
    return out


def _ranges(report: Report) -> dict[str, tuple[int, int]]:
    return {s["name"]: tuple(int(x) for x in s["lengths"].split("-"))
            for s in report.protocol["splits"]}


def score_axis(report: Report) -> str:
    """The task's axis label; several tasks (one column per model and task): each column's
    own headline score."""
    if report.protocol.get("tasks"):
        return "each task's score (%)"
    return task_class(report.protocol["task"]).score_axis


MANY_POINTS = 200   # per-length points beyond which a figure's crosses are rasterized


def length_figure(report: Report, language: str):
    """Accuracy (%) against length: mean over seeds with a ±sd band, max over seeds as
    crosses, the published numbers dashed, the training lengths shaded."""
    from matplotlib.figure import Figure

    ranges = _ranges(report)
    fig = Figure(figsize=(4.2, 2.8))
    ax = fig.add_subplot()
    lo, hi = ranges["train"]
    ax.axvspan(lo, hi, color="#eeeeee", zorder=0, label="training lengths")
    ax.axhline(100 * GENERALIZES, color="#999999", lw=0.6, ls=":", zorder=1)
    for i, (col, _) in enumerate(report.columns):
        color = COLORS[i % len(COLORS)]
        e = report.entries[(language, col)]
        if e.cell and e.cell.by_length:  # measured per length
            pts = list(e.cell.by_length.items())
        else:  # older stores: one point per test bin, at its midpoint
            pts = [(sum(ranges[b]) / 2, e.cell.bins[b]) for b in report.bins
                   if e.cell and b in e.cell.bins]
        if pts:
            xs = [x for x, _ in pts]
            mean = [100 * s.mean for _, s in pts]
            ax.fill_between(xs, [max(m - 100 * s.sd, 0) for m, (_, s) in zip(mean, pts)],
                            [min(m + 100 * s.sd, 100) for m, (_, s) in zip(mean, pts)],
                            color=color, alpha=0.18, lw=0)
            dense = len(pts) > 12
            ax.plot(xs, mean, color=color, marker="" if dense else "o", ms=3, lw=1.2, label=col)
            # hundreds of lengths (CHE's 41-500): the crosses as one image, not one SVG path
            # each, which would make the page megabytes
            ax.plot(xs, [100 * s.max for _, s in pts], color=color, marker="x",
                    ms=2 if dense else 4, lw=0, rasterized=len(pts) > MANY_POINTS)
        ref = e.reference
        if ref:
            rp = [(sum(ranges[b]) / 2, 100 * ref.values[b]) for b in report.bins
                  if b in ref.values and b in ranges]
            if rp:
                ax.plot(*zip(*rp), color=color, ls="--", lw=0.9, marker="s", ms=3, mfc="none",
                        label=f"{col}: {'claim' if ref.claim else 'published'}")
    ax.set_xlim(0, max(h for _, h in ranges.values()) + 2)
    ax.set_ylim(-3, 103)
    per_length = any(report.entries[(language, c)].cell and report.entries[(language, c)].cell.by_length
                     for c, _ in report.columns)
    ax.set_xlabel(("string length" if per_length else "string length (points at test-bin midpoints)")
                  + "\nline: mean, band: ±sd, ×: max over seeds", fontsize=7)
    ax.set_ylabel(score_axis(report))
    ax.set_title(f"{language}  ({report.classes[language]})", fontsize=9)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def heatmap_figure(report: Report):
    """Max-over-seeds accuracy of every language x column x test bin, a header row per class;
    cells that disagree with a published number outlined in black."""
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rows: list[tuple[str, str | None]] = []  # (label, language or None for a class header)
    for cls, langs in report.groups():
        rows += [(cls, None)] + [(lang, lang) for lang in langs]
    cols = [(c, b) for c, _ in report.columns for b in report.bins]
    data = np.full((len(rows), len(cols)), np.nan)
    for i, (_, lang) in enumerate(rows):
        for j, (c, b) in enumerate(cols):
            e = report.entries.get((lang, c))
            if e and e.cell and b in e.cell.bins:
                data[i, j] = 100 * e.cell.bins[b].max
    fig = Figure(figsize=(2.4 + 0.62 * len(cols), 1.0 + 0.24 * len(rows)))
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(data), cmap=cmap, vmin=0, vmax=100, aspect="auto")
    for i, (label, lang) in enumerate(rows):
        if lang is None:  # class header row
            ax.add_patch(Rectangle((-0.5, i - 0.5), len(cols), 1, color="white"))
            ax.text(-0.4, i, label, va="center", fontsize=7, fontweight="bold")
            continue
        for j, (c, b) in enumerate(cols):
            e = report.entries[(lang, c)]
            v = data[i, j]
            text = f"{v:.0f}" if not math.isnan(v) else ("F" if e.status == "failed" else "–")
            ax.text(j, i, text, ha="center", va="center", fontsize=6)
            if e.disagrees(b):
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.2, ec="black"))
    for j in range(len(report.bins), len(cols), len(report.bins)):
        ax.axvline(j - 0.5, color="white", lw=2)
    ax.set_yticks(range(len(rows)), [label if lang else "" for label, lang in rows], fontsize=7)
    ax.set_xticks(range(len(cols)), [f"{c}\n{b.removeprefix('test-')}" for c, b in cols],
                  fontsize=6)
    ax.tick_params(length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    title = f"max over seeds, {score_axis(report)}"
    if any(e.reference for e in report.entries.values()):
        title += "\n(outlined: disagrees with the published number on generalization)"
    ax.set_title(title, fontsize=8)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, shrink=min(1.0, 12 / max(len(rows), 1)))
    return fig


def render_plots(report: Report, out_dir: Path) -> dict:
    """Write every plot under ``out_dir/plots``; returns ``{"heatmap": files, "languages":
    {language: files}}`` with files ``{"png": path, "svg": path}`` relative to ``out_dir``."""
    import matplotlib

    plots = Path(out_dir) / "plots"
    for old in [*plots.glob("length-*.*"), *plots.glob("heatmap.*")]:  # a previous report's
        if old.suffix in (".png", ".svg"):
            old.unlink()
    with matplotlib.rc_context(RC):  # rc is read both when artists are made and when saved
        out = {"heatmap": _save(heatmap_figure(report), plots / "heatmap"), "languages": {}}
        for lang in report.languages:
            out["languages"][lang] = _save(length_figure(report, lang),
                                           plots / f"length-{slug(lang)}")
        if report.probes or report.attention:  # a probed folder: its figures too
            from langlab.report.probes import probe_plots

            out.update(probe_plots(report, plots, _save, slug))
    return out
