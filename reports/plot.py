#!/usr/bin/python3
"""Plots for chainsim run folders and sweep folders (matplotlib, Agg backend).

usage: plot.py run DIR     writes into DIR: block_tree.png, tip_agreement.png,
                           propagation.png, reorg_depths.png, miners.png, difficulty.png,
                           with adversaries attacks.png and, when a workload ran (txs.csv
                           exists), confirmations.png
       plot.py sweep DIR   writes DIR/sweep-<parameter>.png for every swept parameter and,
                           with adversaries, DIR/sweep-<parameter>-attack.png

It reads only what the simulator wrote (report.json, the CSV series described in
reports/series.h, sweep.json) and never changes those files. A plot without data says so on
the figure instead of failing.

Exit codes: 0 done; 2 bad input (one line on stderr naming the file); 4 matplotlib is not
installed for this interpreter (Debian: apt-get install python3-matplotlib).
"""

import csv
import json
import math
import os
import re
import sys

EXIT_BAD_INPUT = 2
EXIT_NO_MATPLOTLIB = 4

# One colour per meaning, used by every figure.
MAIN_COLOUR = "#1f5fa8"
STALE_COLOUR = "#d62728"
FAULT_COLOURS = {"partition": "#ff9f1c", "crash": "#7f7f7f", "cut": "#9467bd"}
FAULT_LABELS = {"partition": "partition", "crash": "node(s) down", "cut": "link cut"}
MARK_COLOUR = "#2ca02c"
QUANTILE_COLOURS = {"t50": "#2ca02c", "t90": "#ff7f0e", "t100": "#d62728"}
# t90 and t100 often coincide (every node has a block once most do): t100 is drawn thinner
# and dashed over a wider t90, so both stay visible where they overlap.
QUANTILE_STYLES = {"t50": {"lw": 1.6, "ls": "-", "zorder": 2},
                   "t90": {"lw": 3.2, "ls": "-", "zorder": 2},
                   "t100": {"lw": 1.3, "ls": (0, (4, 2)), "zorder": 3}}


class BadInput(Exception):
    """A file is missing or malformed; the message names it."""


# --- Reading the run folder ----------------------------------------------------------------


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}")
    except ValueError as e:
        raise BadInput(f"{path}: not valid JSON: {e}")


def read_csv(path, columns):
    """Rows of a CSV file as dicts, converted by `columns` (name -> converter).

    Converters: int, float, str, or `optional(float)` for cells that may be empty.
    Columns the file has beyond `columns` are kept as strings.
    """
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise BadInput(f"{path}: missing column(s) {', '.join(missing)}")
            rows = []
            for line, raw in enumerate(reader, start=2):
                row = dict(raw)
                for name, convert in columns.items():
                    try:
                        row[name] = convert(raw[name])
                    except (TypeError, ValueError):
                        raise BadInput(f"{path}: line {line}: column {name}: "
                                       f"unexpected value {raw[name]!r}")
                rows.append(row)
            return rows
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}")


def optional(convert):
    return lambda cell: None if cell == "" else convert(cell)


def parse_node_set(text):
    """'0-9,20' -> {0..9, 20}; 'all' -> None (every node)."""
    text = text.strip()
    if text == "all":
        return None
    nodes = set()
    try:
        for item in text.split(","):
            item = item.strip()
            if "-" in item:
                lo, hi = item.split("-", 1)
                nodes.update(range(int(lo), int(hi) + 1))
            elif item:
                nodes.add(int(item))
    except ValueError:
        return None  # not a node set we know: shade as if every node were meant
    return nodes


class Run:
    """Everything the run plots need, loaded once."""

    def __init__(self, folder):
        self.folder = folder
        self.report = read_json(self.path("report.json"))
        self.blocks = read_csv(self.path("blocks.csv"), {
            "hash": str, "parent": str, "height": int, "miner": int,
            "found_s": float, "main_chain": int})
        self.tips = read_csv(self.path("tips.csv"), {
            "t_s": float, "agreement": float, "distinct_tips": int})
        self.reorgs = read_csv(self.path("reorgs.csv"), {"t_s": float, "depth": int})
        self.propagation = read_csv(self.path("propagation.csv"), {
            name: optional(float) for name in decile_columns()})
        self.events = read_csv(self.path("events.csv"),
                               {"t_s": float, "kind": str, "description": str})
        self.txs = None
        if os.path.exists(self.path("txs.csv")):
            self.txs = read_csv(self.path("txs.csv"), {
                "submitted_s": float, "result": str, "confirmation_s": optional(float)})
        try:
            self.name = str(self.report["scenario"])
            self.seed = self.report["seed"]
            self.nodes = int(self.report["nodes"])
            self.end_s = float(self.report["sim_seconds"])
        except (KeyError, TypeError, ValueError) as e:
            raise BadInput(f"{self.path('report.json')}: missing or bad field {e}")
        self.unit, self.scale = time_unit(self.end_s)

    def path(self, name):
        return os.path.join(self.folder, name)

    def t(self, seconds):
        """Sim seconds in the unit of the time axes."""
        return seconds / self.scale

    def title(self, what):
        return f"{what} — {self.name}, seed {self.seed}, {self.nodes} nodes"


def decile_columns():
    return [f"t{p}_ms" for p in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]


def time_unit(end_s):
    """A unit that keeps time-axis numbers readable: (label, seconds per unit)."""
    if end_s >= 3 * 3600:
        return "h", 3600.0
    if end_s >= 3 * 60:
        return "min", 60.0
    return "s", 1.0


# --- Fault timeline ------------------------------------------------------------------------

# How each kind of fault is drawn on the time plots. A partition and down nodes shade the
# whole height; a cut link, which affects one link only, is a strip along the bottom; a
# latency setting is a strip along the top from its event to the next latency event.
FAULT_STYLE = {
    "partition": {"colour": FAULT_COLOURS["partition"], "ymin": 0.0, "ymax": 1.0, "alpha": 0.18},
    "crash": {"colour": FAULT_COLOURS["crash"], "ymin": 0.0, "ymax": 1.0, "alpha": 0.18},
    "cut": {"colour": FAULT_COLOURS["cut"], "ymin": 0.0, "ymax": 0.06, "alpha": 0.55},
    "latency": {"colour": "#17becf", "ymin": 0.94, "ymax": 1.0, "alpha": 0.55},
}
FAULT_LABELS["latency"] = "latency"
# Labels closer than this fraction of the time axis are joined into one.
LABEL_GAP = 0.025


def fault_spans(events, end_s):
    """Drawn intervals (start_s, end_s, kind, text) and point markers (t_s, description).

    A partition lasts until a heal or the next partition; crashed nodes until every one of
    them restarted; a cut link until it is restored; a latency setting until the next one.
    Anything still open ends with the run. `text` says what the interval is, with its value
    ("cut 3-4", "latency constant 2s").
    """
    spans, markers = [], []
    partition = None  # (start, description)
    crashes = []      # (start, nodes still down; None for all, description)
    cuts = {}         # link text -> start
    latency = None    # (start, description)
    for e in events:
        kind, t, description = e["kind"], e["t_s"], e["description"]
        detail = description.split(" ", 1)[1] if " " in description else ""
        if kind == "partition":
            if partition is not None:
                spans.append((partition[0], t, "partition", partition[1]))
            partition = (t, description)
        elif kind == "heal":
            if partition is not None:
                spans.append((partition[0], t, "partition", partition[1]))
            partition = None
        elif kind == "crash":
            crashes.append((t, parse_node_set(detail), description))
        elif kind == "restart":
            back = parse_node_set(detail)
            still_down = []
            for start, nodes, text in crashes:
                remaining = set() if back is None or nodes is None else nodes - back
                if remaining:
                    still_down.append((start, remaining, text))
                else:
                    spans.append((start, t, "crash", text))
            crashes = still_down
        elif kind == "cut":
            cuts.setdefault(detail, t)
        elif kind == "restore":
            if detail in cuts:
                spans.append((cuts.pop(detail), t, "cut", "cut " + detail))
        elif kind == "latency":
            if latency is not None:
                spans.append((latency[0], t, "latency", latency[1]))
            latency = (t, description)
        markers.append((t, description))
    if partition is not None:
        spans.append((partition[0], end_s, "partition", partition[1]))
    spans += [(start, end_s, "crash", text) for start, _, text in crashes]
    spans += [(start, end_s, "cut", "cut " + link) for link, start in cuts.items()]
    if latency is not None:
        spans.append((latency[0], end_s, "latency", latency[1]))
    return spans, markers


def label_groups(markers, end_s, gap=LABEL_GAP):
    """Event labels that cannot overlap: markers closer than `gap` of the axis (0..end_s)
    are joined into one label at the first one's time. Returns [(t_s, text)]."""
    groups = []
    span = end_s if end_s > 0 else 1.0
    for t, text in sorted(markers, key=lambda m: m[0]):
        if groups and (t - groups[-1][0]) / span < gap:
            groups[-1] = (groups[-1][0], groups[-1][1] + "; " + text)
        else:
            groups.append((t, text))
    return groups


def convergence_label(converged):
    """The legend entry of convergence lines: the kinds of event they follow, in order."""
    kinds = []
    for c in converged:
        kind = str(c.get("event", "")).split(" ", 1)[0] or "event"
        if kind not in kinds:
            kinds.append(kind)
    return "converged after " + "/".join(kinds)


def shade_faults(ax, run, label_events=False):
    """Draws every fault interval in its kind's style and a thin line at every event."""
    spans, markers = fault_spans(run.events, run.end_s)
    labelled = set()
    for start, end, kind, text in spans:
        style = FAULT_STYLE[kind]
        label = FAULT_LABELS[kind] if kind not in labelled else None
        labelled.add(kind)
        ax.axvspan(run.t(start), run.t(end), ymin=style["ymin"], ymax=style["ymax"],
                   color=style["colour"], alpha=style["alpha"], lw=0, label=label)
        if label_events and style["ymax"] - style["ymin"] < 1.0:
            # Strips carry their value inside, where the time-point labels cannot collide.
            y = style["ymin"] + 0.01 if style["ymin"] == 0.0 else style["ymax"] - 0.01
            ax.text(run.t(start), y, " " + text, transform=ax.get_xaxis_transform(),
                    va="bottom" if style["ymin"] == 0.0 else "top", ha="left", fontsize=7,
                    color="#333333", clip_on=True)
    for t, _ in markers:
        ax.axvline(run.t(t), color="#555555", lw=0.6, ls=":")
    groups = label_groups(markers, run.end_s)
    if label_events and len(groups) <= 12:
        for t, text in groups:
            ax.text(run.t(t), 0.93, " " + text, transform=ax.get_xaxis_transform(),
                    rotation=90, va="top", ha="right", fontsize=7, color="#333333")


# --- Figures ---------------------------------------------------------------------------------


def no_data(ax, message):
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            fontsize=12, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_block_tree(run, out):
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.set_title(run.title("Block tree"))
    ax.set_xlabel(f"time found ({run.unit})")
    ax.set_ylabel("height")
    if not run.blocks:
        no_data(ax, "no blocks were mined in this run")
        return save(fig, out)
    shade_faults(ax, run, label_events=True)
    by_hash = {b["hash"]: b for b in run.blocks}

    def parent_point(b):
        parent = by_hash.get(b["parent"])
        if parent is not None:
            return run.t(parent["found_s"]), parent["height"]
        return (0.0, 0) if b["height"] == 1 else None  # genesis at time 0

    main = sorted((b for b in run.blocks if b["main_chain"]), key=lambda b: b["height"])
    stale = [b for b in run.blocks if not b["main_chain"]]
    xs = [0.0] + [run.t(b["found_s"]) for b in main]
    ys = [0] + [b["height"] for b in main]
    ax.plot(xs, ys, "-", color=MAIN_COLOUR, lw=1.4, marker=".", ms=3,
            label=f"main chain ({len(main)} blocks)")
    segments = []
    for b in stale:
        p = parent_point(b)
        if p is not None:
            segments.append([p, (run.t(b["found_s"]), b["height"])])
    if segments:
        ax.add_collection(LineCollection(segments, colors=STALE_COLOUR, linewidths=0.9))
    ax.plot([run.t(b["found_s"]) for b in stale], [b["height"] for b in stale], "x",
            color=STALE_COLOUR, ms=5, label=f"stale ({len(stale)} blocks)")
    ax.set_xlim(0, run.t(run.end_s))
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", fontsize=9)  # the chain climbs to the upper right
    save(fig, out)


def plot_tip_agreement(run, out):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.3]})
    top.set_title(run.title("Tip agreement"))
    top.set_ylabel("fraction of up nodes\non the majority tip")
    bottom.set_ylabel("distinct tips")
    bottom.set_xlabel(f"simulated time ({run.unit})")
    if not run.tips:
        no_data(top, "no tip samples")
        return save(fig, out)
    shade_faults(top, run, label_events=True)
    shade_faults(bottom, run)
    ts = [run.t(s["t_s"]) for s in run.tips]
    top.step(ts, [s["agreement"] for s in run.tips], where="post", color=MAIN_COLOUR, lw=1.2,
             label="agreement")
    bottom.step(ts, [s["distinct_tips"] for s in run.tips], where="post", color=STALE_COLOUR,
                lw=1.0)
    converged = [c for c in run.report.get("convergence", []) if c.get("converged_at_s")]
    for i, c in enumerate(converged):
        top.axvline(run.t(c["converged_at_s"]), color=MARK_COLOUR, lw=1.2, ls="--",
                    label=convergence_label(converged) if i == 0 else None)
    top.set_ylim(0, 1.05)
    bottom.set_ylim(bottom=0)
    top.set_xlim(0, run.t(run.end_s))
    top.legend(loc="lower left", fontsize=9)
    save(fig, out)


def median(values):
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def quantile(values, q):
    """Linear interpolation between order statistics, as the report computes them."""
    values = sorted(values)
    if not values:
        return None
    rank = q * (len(values) - 1)
    lo, hi = math.floor(rank), math.ceil(rank)
    return values[lo] + (values[hi] - values[lo]) * (rank - lo)


def plot_propagation(run, out):
    fig, (curve, cdf) = plt.subplots(1, 2, figsize=(11, 4.8))
    fig.suptitle(run.title("Block propagation"))
    curve.set_title("fraction of nodes that accepted a block", fontsize=10)
    curve.set_xlabel("time since the block was found (ms)")
    curve.set_ylabel("fraction of nodes")
    cdf.set_title("time to reach 50% / 90% / 100% of nodes", fontsize=10)
    cdf.set_xlabel("delay (ms, log scale)")
    cdf.set_ylabel("fraction of blocks mined")
    rows = run.propagation
    if not rows:
        no_data(curve, "no blocks were mined")
        no_data(cdf, "no blocks were mined")
        return save(fig, out)

    # Left: one thin line per block (delay at which each tenth of the nodes had it), and the
    # median over blocks. The x axis stops at the 95th percentile of t100, or at four times
    # its median if that is smaller, so blocks stuck behind a partition do not squash the rest.
    fractions = [0.0] + [p / 100 for p in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]
    columns = decile_columns()
    complete = [r for r in rows if all(r[c] is not None for c in columns)]
    for r in complete[:300]:
        curve.plot([0.0] + [r[c] for c in columns], fractions, color="#999999", lw=0.5,
                   alpha=0.25)
    medians = [median([r[c] for r in rows if r[c] is not None]) for c in columns]
    points = [(m, f) for m, f in zip(medians, fractions[1:]) if m is not None]
    if points:
        curve.plot([0.0] + [m for m, _ in points], [0.0] + [f for _, f in points],
                   color=MAIN_COLOUR, lw=2, label="median over blocks")
        for name, frac, marker in (("t50", 0.5, "o"), ("t90", 0.9, "s"), ("t100", 1.0, "D")):
            m = medians[columns.index(f"{name}_ms")]
            if m is not None:
                curve.plot([m], [frac], marker, color=QUANTILE_COLOURS[name],
                           label=f"{name} median {m:.0f} ms", zorder=3)
    t100 = [r["t100_ms"] for r in rows if r["t100_ms"] is not None]
    if t100:
        limit = min(quantile(t100, 0.95), 4 * quantile(t100, 0.5))
        if limit and limit > 0:
            curve.set_xlim(0, limit * 1.05)
            hidden = sum(1 for v in t100 if v > limit)
            if hidden:
                curve.text(0.98, 0.02, f"{hidden} slower block(s) beyond the axis",
                           transform=curve.transAxes, ha="right", fontsize=8, color="#666666")
    curve.set_ylim(0, 1.02)
    curve.legend(loc="lower right", fontsize=8, bbox_to_anchor=(1.0, 0.08))

    # Right: the distribution over blocks; curves stop below 1 when blocks never got there.
    total = len(rows)
    drawn = False
    for name in ("t50", "t90", "t100"):
        values = sorted(r[f"{name}_ms"] for r in rows if r[f"{name}_ms"] is not None)
        values = [max(v, 1e-3) for v in values]  # log axis: a delay of 0 drawn at 1 us
        if not values:
            continue
        drawn = True
        ys = [(i + 1) / total for i in range(len(values))]
        cdf.step(values, ys, where="post", color=QUANTILE_COLOURS[name],
                 label=f"{name} ({len(values)} of {total} blocks)", **QUANTILE_STYLES[name])
    if drawn:
        log_axis(cdf)
        cdf.set_ylim(0, 1.02)
        cdf.legend(loc="lower right", fontsize=8)
    else:
        no_data(cdf, "no block reached half the nodes")
    save(fig, out)


def log_axis(ax):
    """A log x axis with enough labelled ticks: when fewer than three powers of ten fall in
    view, the decades alone leave one or two labels, so 2 and 5 times each decade are
    labelled too (or round numbers, over a short range), as plain numbers."""
    from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, MaxNLocator,
                                   NullFormatter)
    ax.set_xscale("log")
    lo, hi = ax.get_xlim()
    if lo <= 0:
        return
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    if sum(1 for d in decades if lo <= 10.0 ** d <= hi) >= 3:
        return
    nice = [m * 10.0 ** d for d in decades for m in (1, 2, 5) if lo <= m * 10.0 ** d <= hi]
    if len(nice) >= 3:
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    else:  # under a factor of ~4: evenly spaced round numbers read best
        ticks = [v for v in MaxNLocator(nbins=5).tick_values(lo, hi) if lo <= v <= hi and v > 0]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_reorg_depths(run, out):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.set_title(run.title("Reorg depths"))
    ax.set_xlabel("reorg depth (blocks disconnected)")
    ax.set_ylabel("reorgs (tip changes, any node)")
    if not run.reorgs:
        no_data(ax, "no reorgs in this run")
        return save(fig, out)
    counts = {}
    for r in run.reorgs:
        counts[r["depth"]] = counts.get(r["depth"], 0) + 1
    depths = list(range(1, max(counts) + 1))
    heights = [counts.get(d, 0) for d in depths]
    bars = ax.bar(depths, heights, color=STALE_COLOUR, alpha=0.8, label=f"{len(run.reorgs)} reorgs")
    ax.bar_label(bars, labels=[str(h) if h else "" for h in heights], fontsize=8)
    ax.set_xticks(depths if len(depths) <= 30 else depths[::max(1, len(depths) // 15)])
    ax.legend(fontsize=9)
    save(fig, out)


def plot_miners(run, out):
    miners = run.report.get("miners") or []
    timeline = run.report.get("hashrate_timeline") or []
    changes = len(timeline) > 1
    if changes:
        fig, (ax, tax) = plt.subplots(2, 1, figsize=(8, 7), gridspec_kw={"height_ratios": [3, 2]})
    else:
        fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.set_title(run.title("Hashrate vs revenue"))
    ax.set_ylabel("share of the total")
    if not miners:
        no_data(ax, "no miners")
        return save(fig, out)
    labels = [f"nodes {m.get('nodes', '?')}\n{m.get('strategy', '')}" for m in miners]
    xs = list(range(len(miners)))
    width = 0.38
    hashrate = [float(m.get("hashrate_share") or 0) for m in miners]
    initial = [float(m.get("hashrate_share_initial", m.get("hashrate_share")) or 0) for m in miners]
    revenue = [float(m.get("revenue_share") or 0) for m in miners]
    a = ax.bar([x - width / 2 for x in xs], hashrate, width, color="#8c8c8c",
               label="hashrate share (time-weighted)")
    b = ax.bar([x + width / 2 for x in xs], revenue, width, color=MAIN_COLOUR,
               label="revenue share (main chain)")
    if any(abs(i - h) > 1e-6 for i, h in zip(initial, hashrate)):
        ax.scatter([x - width / 2 for x in xs], initial, marker="_", s=300, color="black",
                   zorder=3, label="hashrate share at the start")
    if len(miners) <= 12:
        ax.bar_label(a, fmt="%.2f", fontsize=8)
        ax.bar_label(b, fmt="%.2f", fontsize=8)
    ax.set_xticks(xs, labels, fontsize=8)
    ax.set_ylim(0, max(hashrate + revenue + initial + [0.1]) * 1.35)
    ax.legend(loc="upper center", ncol=3, fontsize=8)
    if changes:
        tax.set_title("Hashrate shares over time", fontsize=10)
        ts = [run.t(float(e["t_s"])) for e in timeline] + [run.t(run.end_s)]
        for g, m in enumerate(miners):
            ys = [float(e["shares"][g]) for e in timeline]
            tax.step(ts, ys + [ys[-1]], where="post", lw=1.6, label=f"nodes {m.get('nodes', '?')}")
        tax.set_xlabel(f"time ({run.unit})")
        tax.set_ylabel("share of hashrate")
        tax.set_ylim(0, 1.05)
        tax.set_xlim(0, run.t(run.end_s))
        tax.legend(fontsize=8, loc="upper right")
        fig.tight_layout()
    save(fig, out)


def binomial_interval(successes, n):
    """95% Wilson interval for a success rate."""
    if n <= 0:
        return None
    z = 1.96
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def plot_attacks(run, out):
    attacks = run.report.get("attacks") or []
    miners = run.report.get("miners") or []
    fig, axes = plt.subplots(1, len(attacks), figsize=(6.5 * len(attacks), 4.8), squeeze=False)
    for ax, attack in zip(axes[0], attacks):
        kind = attack.get("kind", "")
        curve = (attack.get("theory_curve") or {}).get("points") or []
        if kind == "double-spend":
            z = attack.get("confirmations")
            ax.set_title(f"Double spend: success rate vs z (q = {attack.get('hashrate_share', 0):.3f}, "
                         f"give up {attack.get('give_up')})", fontsize=10)
            ax.set_xlabel("confirmations z")
            ax.set_ylabel("success probability per attempt")
            if curve:
                ax.plot([p[0] for p in curve], [p[1] for p in curve], "-o", ms=3,
                        color=MARK_COLOUR, label="exact race (our definition)")
                ax.plot([p[0] for p in curve], [p[2] for p in curve], ":", color="#7f7f7f",
                        label="Nakamoto 2008, section 11")
            n = int(attack.get("attempts") or 0)
            k = int(attack.get("successes") or 0)
            interval = binomial_interval(k, n)
            if interval:
                rate = k / n
                ax.errorbar([z], [rate], yerr=[[rate - interval[0]], [interval[1] - rate]],
                            fmt="s", color=STALE_COLOUR, capsize=4,
                            label=f"this run: {k}/{n} attempts")
            if curve and all(p[1] > 0 for p in curve) and (n == 0 or k > 0):
                ax.set_yscale("log")
            ax.legend(fontsize=8)
            continue
        name = kind + (f" {attack['variant']}" if attack.get("variant") else "")
        gamma = (attack.get("theory_curve") or {}).get("gamma", 0)
        ax.set_title(f"{name}: revenue vs hashrate (gamma = {gamma})", fontsize=10)
        ax.set_xlabel("hashrate share (time-weighted)")
        ax.set_ylabel("revenue share (main-chain blocks)")
        ax.plot([0, 1], [0, 1], "--", color="#7f7f7f", lw=1, label="honest: revenue = hashrate")
        if curve:
            ax.plot([p[0] for p in curve], [p[1] for p in curve], "-", color=MARK_COLOUR, lw=1.6,
                    label=f"theory for {name}")
        for g, m in enumerate(miners):
            is_attacker = g == attack.get("group")
            ax.scatter([float(m.get("hashrate_share") or 0)], [float(m.get("revenue_share") or 0)],
                       marker="*" if is_attacker else "o", s=120 if is_attacker else 40,
                       color=STALE_COLOUR if is_attacker else MAIN_COLOUR, zorder=3,
                       label=f"nodes {m.get('nodes')} ({m.get('strategy')})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    save(fig, out)


def plot_confirmations(run, out):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    k = run.report.get("transactions", {}).get("confirmations", 1)
    ax.set_title(run.title(f"Transaction confirmation latency (k = {k})"))
    ax.set_xlabel(f"time from submission to {k} confirmation(s) (s)")
    ax.set_ylabel("fraction of confirmed transactions")
    values = sorted(t["confirmation_s"] for t in run.txs if t["confirmation_s"] is not None)
    if not values:
        no_data(ax, "no transaction reached the confirmation depth")
        return save(fig, out)
    ys = [(i + 1) / len(values) for i in range(len(values))]
    included = run.report.get("transactions", {}).get("confirmed")
    of_what = f"{included} in the main chain, " if included is not None else ""
    ax.step(values, ys, where="post", color=MAIN_COLOUR, lw=1.5,
            label=f"{len(values)} with k = {k} ({of_what}{len(run.txs)} submitted)")
    for q, colour in ((0.5, QUANTILE_COLOURS["t50"]), (0.9, QUANTILE_COLOURS["t90"])):
        v = quantile(values, q)
        ax.axvline(v, color=colour, ls="--", lw=1, label=f"p{int(q * 100)} = {v:.1f} s")
    ax.set_xlim(left=0)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right", fontsize=9)
    save(fig, out)


def compact_target(bits):
    """The target a header's compact bits stand for (Bitcoin's SetCompact, sign ignored)."""
    size = bits >> 24
    mantissa = bits & 0x007fffff
    return mantissa >> (8 * (3 - size)) if size <= 3 else mantissa << (8 * (size - 3))


def plot_difficulty(run, out):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    top.set_title(run.title("Block interval and difficulty"))
    bottom.set_xlabel(f"time found ({run.unit})")
    main = sorted((b for b in run.blocks if b["main_chain"]), key=lambda b: b["height"])
    if not main or "bits" not in main[0] or not main[0]["bits"]:
        no_data(top, "no main-chain blocks (or blocks.csv has no bits column)")
        no_data(bottom, "")
        return save(fig, out)
    consensus = run.report.get("consensus") or {}
    target_s = consensus.get("block_interval_s")
    window = int(consensus.get("retarget_window") or 0)
    shade_faults(top, run, label_events=True)
    shade_faults(bottom, run)
    times = [b["found_s"] for b in main]
    intervals = [t - p for p, t in zip([0.0] + times[:-1], times)]
    xs = [run.t(t) for t in times]
    top.plot(xs, intervals, ".", color="#9a9a9a", ms=2.5, label="each main-chain interval")
    # The mean over a sliding span: the retarget window when there is one, else ~1/20 of the run.
    span = window if window >= 2 else max(5, len(intervals) // 20)
    if len(intervals) >= span:
        means = [sum(intervals[i - span + 1:i + 1]) / span for i in range(span - 1, len(intervals))]
        top.plot(xs[span - 1:], means, color=MAIN_COLOUR, lw=1.6,
                 label=f"mean of the last {span} intervals")
    if target_s:
        top.axhline(target_s, color=MARK_COLOUR, ls="--", lw=1.2,
                    label=f"target interval {target_s:g} s")
    top.set_ylabel("block interval (s)")
    top.set_yscale("log")
    if target_s:  # exponential intervals reach far below the mean; keep the mean readable
        top.set_ylim(bottom=target_s / 30)
    top.legend(loc="upper left", fontsize=8)
    # Difficulty relative to the first block's (the initial difficulty): target_1 / target_h.
    first = compact_target(int(main[0]["bits"], 16))
    relative = [first / max(1, compact_target(int(b["bits"], 16))) for b in main]
    bottom.step(xs, relative, where="post", color=STALE_COLOUR, lw=1.4,
                label="difficulty / initial difficulty")
    bottom.set_ylabel("relative difficulty")
    bottom.set_yscale("log", base=2)
    bottom.set_ylim(min(relative + [1.0]) / 1.5, max(relative + [1.0]) * 1.5)
    bottom.legend(loc="upper left", fontsize=8)
    top.set_xlim(0, run.t(run.end_s))
    save(fig, out)


def plot_run(folder):
    run = Run(folder)
    plot_block_tree(run, run.path("block_tree.png"))
    plot_tip_agreement(run, run.path("tip_agreement.png"))
    plot_propagation(run, run.path("propagation.png"))
    plot_reorg_depths(run, run.path("reorg_depths.png"))
    plot_miners(run, run.path("miners.png"))
    plot_difficulty(run, run.path("difficulty.png"))
    if run.report.get("attacks"):
        plot_attacks(run, run.path("attacks.png"))
    if run.txs is not None:
        plot_confirmations(run, run.path("confirmations.png"))


# --- Sweeps ----------------------------------------------------------------------------------

SWEEP_METRICS = [
    ("blocks.stale_rate", "stale rate"),
    ("reorgs.max_depth", "max reorg depth (blocks)"),
    ("convergence.max_seconds", "convergence time (s)"),
]


def axis_values(values):
    """Numbers for an x axis and a unit suffix: '80ms','120ms' -> [80, 120], 'ms'.

    None when the values are not all numbers with one shared suffix (plotted as categories).
    """
    parsed = []
    for v in values:
        m = re.fullmatch(r"\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z/%]*)\s*", v)
        if not m:
            return None, ""
        parsed.append((float(m.group(1)), m.group(2)))
    units = {u for _, u in parsed}
    if len(units) != 1:
        return None, ""
    return [x for x, _ in parsed], units.pop()


def seed_count(sweep):
    seeds = sweep.get("seeds", {})
    try:
        return int(seeds["last"]) - int(seeds["first"]) + 1
    except (KeyError, TypeError, ValueError):
        return "several"


def plot_sweep(folder):
    sweep = read_json(os.path.join(folder, "sweep.json"))
    try:
        points = sweep["points"]
        swept = sweep.get("swept", [])
        name = sweep.get("scenario", "")
    except (KeyError, TypeError):
        raise BadInput(f"{folder}/sweep.json: no 'points' list")
    for param in swept:
        others = [p for p in swept if p != param]
        values = []
        for point in points:
            v = str(point["params"][param])
            if v not in values:
                values.append(v)
        numbers, unit = axis_values(values)
        position = dict(zip(values, numbers)) if numbers else {v: i for i, v in enumerate(values)}

        fig, axes = plt.subplots(1, len(SWEEP_METRICS), figsize=(13, 4.2))
        fig.suptitle(f"Sweep of {param} — {name}: mean and 95% confidence interval over "
                     f"{seed_count(sweep)} seeds")
        # One line per combination of the other swept parameters.
        groups = {}
        for point in points:
            key = tuple(str(point["params"][p]) for p in others)
            groups.setdefault(key, []).append(point)
        for ax, (metric, label) in zip(axes, SWEEP_METRICS):
            ax.set_xlabel(f"{param} ({unit})" if unit else param)
            ax.set_ylabel(label)
            drawn = False
            for key, members in groups.items():
                xs, ys, lo, hi = [], [], [], []
                for point in sorted(members, key=lambda p: position[str(p["params"][param])]):
                    stat = point.get("stats", {}).get(metric)
                    if not stat or stat.get("mean") is None:
                        continue
                    mean = stat["mean"]
                    xs.append(position[str(point["params"][param])])
                    ys.append(mean)
                    low, high = stat.get("ci95_low"), stat.get("ci95_high")
                    lo.append(mean - low if low is not None else 0.0)
                    hi.append(high - mean if high is not None else 0.0)
                if not xs:
                    continue
                drawn = True
                legend = ", ".join(f"{p}={v}" for p, v in zip(others, key)) or None
                # Lines join numeric values only; categories get points and bars.
                ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=4, lw=1.4,
                            ls="-" if numbers else "none", label=legend)
            if not drawn:
                no_data(ax, f"no values of {metric}")
                continue
            if not numbers:
                ax.set_xticks(range(len(values)), values, rotation=20, fontsize=8)
                ax.set_xlim(-0.5, len(values) - 0.5)
            if len(groups) > 1:
                ax.legend(fontsize=7)
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", param)
        save(fig, os.path.join(folder, f"sweep-{safe}.png"))
        plot_sweep_attack(folder, sweep, param, others, groups, position, numbers, unit, name)


def first_report(folder, point):
    """The report.json of the point's first run that has one, or None."""
    base = os.path.join(folder, str(point.get("folder", "")))
    try:
        runs = sorted(d for d in os.listdir(base) if d.startswith("seed-"))
    except OSError:
        return None
    for d in runs:
        try:
            with open(os.path.join(base, d, "report.json")) as f:
                return json.load(f)
        except (OSError, ValueError):
            continue
    return None


def plot_sweep_attack(folder, sweep, param, others, groups, position, numbers, unit, name):
    """The attacker's figure against the swept parameter, with the theory overlaid."""
    points = sweep["points"]
    stats = [p.get("stats", {}) for p in points]
    if any("attacks.0.confirmations" in s for s in stats):
        metric, theory, label = ("attacks.0.success_rate", "attacks.0.theory.success_probability",
                                 "double-spend success rate")
    elif any("attacks.0.revenue_share" in s for s in stats):
        metric, theory, label = ("attacks.0.revenue_share", "attacks.0.theory.revenue_share",
                                 "attacker revenue share")
    else:
        return
    # Along the attacker's share the published curve is drawn whole (from a run's report).
    along_share = param.endswith(".share")
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.set_title(f"{label} vs {param} — {name}\nmean and 95% CI over {seed_count(sweep)} seeds; "
                 f"lines: theory", fontsize=10)
    ax.set_xlabel(f"{param} ({unit})" if unit else param)
    ax.set_ylabel(label)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    drawn = False
    for i, (key, members) in enumerate(groups.items()):
        colour = colours[i % len(colours)]
        legend = ", ".join(f"{p}={v}" for p, v in zip(others, key))
        members = sorted(members, key=lambda p: position[str(p["params"][param])])
        xs, ys, lo, hi, tx, ty = [], [], [], [], [], []
        for point in members:
            x = position[str(point["params"][param])]
            st = point.get("stats", {})
            if metric in st and st[metric].get("mean") is not None:
                mean = st[metric]["mean"]
                xs.append(x)
                ys.append(mean)
                low, high = st[metric].get("ci95_low"), st[metric].get("ci95_high")
                lo.append(mean - low if low is not None else 0.0)
                hi.append(high - mean if high is not None else 0.0)
            if theory in st and st[theory].get("mean") is not None:
                tx.append(x)
                ty.append(st[theory]["mean"])
        if not xs:
            continue
        drawn = True
        ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o", capsize=4, color=colour,
                    label=f"simulated {legend}".strip())
        curve = None
        if along_share and numbers:
            report = first_report(folder, members[0])
            attacks = (report or {}).get("attacks") or []
            if attacks:
                curve = (attacks[0].get("theory_curve") or {}).get("points")
        if curve and metric.endswith("revenue_share"):
            ax.plot([p[0] for p in curve], [p[1] for p in curve], "-", color=colour, lw=1.4,
                    label=f"theory {legend}".strip())
        elif tx:
            ax.plot(tx, ty, "-", color=colour, lw=1.4, label=f"theory {legend}".strip())
    if not drawn:
        plt.close(fig)
        return
    if metric.endswith("revenue_share") and along_share and numbers:
        ax.plot([0, 0.5], [0, 0.5], "--", color="#7f7f7f", lw=1, label="honest: revenue = share")
    if metric.endswith("success_rate") and all(
            p.get("stats", {}).get(metric, {}).get("mean", 1) > 0 for p in points):
        ax.set_yscale("log")
    if not numbers:
        values = list(position.keys())
        ax.set_xticks(range(len(values)), values, rotation=20, fontsize=8)
    ax.legend(fontsize=8)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", param)
    save(fig, os.path.join(folder, f"sweep-{safe}-attack.png"))


# --- Entry point -----------------------------------------------------------------------------


def main(argv):
    if len(argv) != 3 or argv[1] not in ("run", "sweep"):
        print("usage: plot.py run|sweep DIR", file=sys.stderr)
        return EXIT_BAD_INPUT
    mode, folder = argv[1], argv[2]
    if not os.path.isdir(folder):
        print(f"{folder}: no such folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        plot_run(folder) if mode == "run" else plot_sweep(folder)
    except BadInput as e:
        print(e, file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only, no display needed
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
    except ImportError:
        print(f"matplotlib is not installed for {sys.executable}; on Debian/Ubuntu: "
              "sudo apt-get install python3-matplotlib", file=sys.stderr)
        sys.exit(EXIT_NO_MATPLOTLIB)
    sys.exit(main(sys.argv))
