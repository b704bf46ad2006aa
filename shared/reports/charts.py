"""Figure I and Figure II as PNG and SVG, with matplotlib's Agg backend (no display).

The only module that imports matplotlib; only ``intake report --charts`` imports it. The
SVG output is reproducible (fixed hash salt, no date), so a chart committed to the docs
changes only when its numbers do.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from shared.domain.annual_report import AnnualReport
from shared.domain.taxonomy import ADVICE_LABELS

# Figures are drawn without pyplot (no global state, no display); Agg renders them.
matplotlib.use("Agg")

BLUE = "#1cabe2"  # the report's cyan
DARK = "#374ea2"
PALE = "#a6dcf2"
TEXT = "#222222"


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def figure_1(report: AnnualReport) -> Figure:
    """Advice requests by year; a year with none recorded gets no bar but "no data", so it
    cannot be read as zero."""
    years = list(report.figure_1)
    counts = [report.figure_1[y] for y in years]
    values = [0 if n is None else n for n in counts]
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    bars = ax.bar(range(len(years)), values, color=BLUE, width=0.6)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.bar_label(bars, labels=["no data" if n is None else _grouped(n) for n in counts],
                 padding=3, color=TEXT)
    for bar, n in zip(bars, counts, strict=True):
        if n is None:
            bar.set_visible(False)
    ax.set_ylabel("Requests")
    ax.set_ylim(0, max([*values, 1]) * 1.15)
    ax.set_title(f"Figure I. Confidential ethics advice provided, {years[0]} to {years[-1]}",
                 loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def figure_2(report: AnnualReport) -> Figure:
    labels, values, shares, colours = [], [], [], []
    for group in report.figure_2:
        labels.append(ADVICE_LABELS[group.code])
        values.append(group.count)
        shares.append(group.percent)
        colours.append(DARK)
        for part in group.parts:
            labels.append(ADVICE_LABELS[part.code])
            values.append(part.count)
            shares.append(part.percent)
            colours.append(PALE)
    height = 1.1 + 0.32 * len(labels)
    fig = Figure(figsize=(10, height))
    ax = fig.subplots()
    positions = list(range(len(labels)))[::-1]  # the largest at the top
    bars = ax.barh(positions, values, color=colours, height=0.7)
    ax.bar_label(bars, padding=3, labels=[
        f"{_grouped(v)} ({'-' if s is None else f'{s:.1f}'} %)" for v, s in zip(
            values, shares, strict=True)])
    ax.set_yticks(positions, labels)
    for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
        if colour == PALE:  # a member of the group above: smaller, grey
            tick.set_color("#555555")
            tick.set_fontsize(9)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, max([*values, 1]) * 1.45)
    ax.set_xlabel("Requests")
    fig.suptitle(f"Figure II. Confidential ethics advice provided by sub-category, "
                 f"{report.year} (n = {_grouped(report.figure_2_n)})", x=0.01, ha="left",
                 fontsize=11)
    fig.tight_layout()
    return fig


def write_charts(report: AnnualReport, directory: Path) -> list[Path]:
    """Write figure-1 and figure-2 as PNG and SVG into ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context({
            "svg.hashsalt": "ethics-intake", "svg.fonttype": "none", "font.size": 10,
            "axes.spines.top": False, "axes.spines.right": False,
            "axes.edgecolor": "#888888", "text.color": TEXT, "axes.labelcolor": TEXT}):
        for name, draw in (("figure-1", figure_1), ("figure-2", figure_2)):
            fig = draw(report)
            png, svg = directory / f"{name}.png", directory / f"{name}.svg"
            fig.savefig(png, dpi=150, metadata={"Software": None})
            fig.savefig(svg, metadata={"Date": None, "Creator": None})
            written += [png, svg]
    return written
