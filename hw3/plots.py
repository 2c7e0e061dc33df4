"""Plots: the notebook's figures (the report's own are in report_plots.py). Functions take arrays and results
dictionaries and return a matplotlib Figure; they never train or load models.

Imports from the package: settings, analysis, statistics.
"""
from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from hw3.analysis import gate_profile, gate_saturation
from hw3.statistics import seed_values
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH, RunSettings

STEP_TICKS = [1, 5, 10, 15, 20, 25, 28]
# Report figures are drawn at their printed size: PRINT_WIDTH inches wide, within the printed text width
# (17 cm) and no taller than printing.FIGURE_MAX_HEIGHT_CM, so they print at scale 1 and every label
# prints at its font size, 8 pt or more (tests/test_printing.py reads the sizes from the SVG files).
PRINT_WIDTH = 6.5
PRINT_STYLE = {"font.size": 8, "axes.titlesize": 8.5, "axes.labelsize": 8, "xtick.labelsize": 8,
               "ytick.labelsize": 8, "legend.fontsize": 8, "figure.titlesize": 9, "legend.title_fontsize": 8}
PRINTABLE = "printable"  # the label a printable figure carries: save_figure also writes it as SVG
CELL_COLOURS = {"lstm": "tab:blue", "gru": "tab:orange"}  # one colour per cell in every figure


def printable(function):
    """Draw the figure with PRINT_STYLE's type sizes and mark it for the report (save_figure then
    writes a vector SVG beside the PNG)."""
    @functools.wraps(function)
    def draw(*args, **kwargs):
        with plt.rc_context(PRINT_STYLE):
            figure = function(*args, **kwargs)
        figure.set_label(PRINTABLE)
        return figure
    return draw


def save_figure(figure: plt.Figure, name: str, settings: RunSettings) -> str:
    """Save `figure` as figures/<name>.png of the run's output folder (the notebook's picture) and, if
    it is printable, as figures/<name>.svg too (the report's, vector, text kept as text); returns the
    PNG's path relative to the output folder."""
    settings.figures_dir.mkdir(parents=True, exist_ok=True)
    path = settings.figures_dir / f"{name}.png"
    figure.savefig(path, dpi=100, bbox_inches="tight")
    if figure.get_label() == PRINTABLE:
        buffer = io.StringIO()
        with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
            figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        svg = buffer.getvalue()
        # matplotlib names some clip paths after object ids, which change from run to run: number them in order
        for number, clip in enumerate(dict.fromkeys(re.findall(r'clipPath id="(p[0-9a-f]+)"', svg))):
            svg = svg.replace(f'"{clip}"', f'"clip{number}"').replace(f"#{clip})", f"#clip{number})")
        path.with_suffix(".svg").write_text(svg, encoding="utf-8")
    return str(path.relative_to(settings.output_dir))


def label_steps(axis, which: str = "y", label: bool = True) -> None:
    """Step ticks (1, 5, ..., 28) on a heatmap's y axis (or x axis), one row per step."""
    ticks = [t - 1 for t in STEP_TICKS]
    if which == "y":
        axis.set_yticks(ticks, STEP_TICKS)
        axis.set_ylabel("step t (image row)" if label else "")
    else:
        axis.set_xticks(ticks, STEP_TICKS)
        axis.set_xlabel("step t (image row)")


def plot_digits_as_sequences(images: np.ndarray, labels: np.ndarray) -> plt.Figure:
    """Each binarized digit (top) and the same digit as the sequence the network reads (bottom)."""
    count = len(images)
    figure, axes = plt.subplots(2, count, figsize=(2.6 * count, 5.4), squeeze=False)
    for column in range(count):
        axes[0, column].imshow(images[column], cmap="gray_r", vmin=0, vmax=1)
        axes[0, column].set_title(f"label {labels[column]}")
        axes[0, column].axis("off")
        axes[1, column].imshow(images[column].T, cmap="gray_r", vmin=0, vmax=1, aspect="auto")
        label_steps(axes[1, column], "x")
        axes[1, column].set_yticks([0, 27], [1, 28])
        axes[1, column].set_ylabel("pixel in row" if column == 0 else "")
    figure.suptitle("Binarized digits (threshold 0.1) and the 28-step sequence of rows read by the RNN")
    figure.tight_layout()
    return figure


def histories_by_shape(results: Mapping, names: Iterable[str]) -> dict[str, dict[str, Mapping]]:
    """{shape: {cell: training history}} of the configurations `names`, shapes in their first order."""
    grouped: dict[str, dict[str, Mapping]] = {}
    for name in names:
        cell, shape = name.split("_", 1)
        grouped.setdefault(shape, {})[cell] = results["configs"][name]["history"]
    return grouped


def plot_learning_curves(results: Mapping, names: Iterable[str]) -> plt.Figure:
    """Loss (top) and accuracy (bottom) per epoch, one column per shape: LSTM blue, GRU orange,
    validation solid with dots, training dashed. The accuracy axes show only the top of the range."""
    grouped = histories_by_shape(results, names)
    figure, axes = plt.subplots(2, len(grouped), figsize=(3.7 * len(grouped), 6.6), squeeze=False, sharex=True)
    after_first = [history["val_accuracy"] for by_cell in grouped.values() for history in by_cell.values()]
    lowest = min(min(values[1:] or values) for values in after_first)  # one-epoch (smoke) runs keep epoch 1
    for column, (shape, by_cell) in enumerate(grouped.items()):
        for cell, history in by_cell.items():
            epochs = np.arange(1, len(history["loss"]) + 1)
            for row, key in enumerate(("loss", "accuracy")):
                axes[row, column].plot(epochs, history[f"val_{key}"], "-o", color=CELL_COLOURS[cell], markersize=3,
                                       label=f"{cell.upper()} validation")
                axes[row, column].plot(epochs, history[key], "--", color=CELL_COLOURS[cell], label=f"{cell.upper()} training")
        layers, units = shape.split("x")
        axes[0, column].set(title=f"{layers} layer{'s' if layers != '1' else ''}, {units} units", yscale="log")
        axes[1, column].set(xlabel="epoch", ylim=(np.floor(lowest * 100) / 100, 1.0))
        for axis in axes[:, column]:
            axis.grid(alpha=0.3)
    axes[0, 0].set_ylabel("cross-entropy (nats)")
    axes[1, 0].set_ylabel("accuracy")
    axes[1, 0].legend(fontsize=9, loc="lower right")
    figure.suptitle("Learning curves (accuracy axes start at the lowest validation accuracy after epoch 1)")
    figure.tight_layout()
    return figure


def _label_units(axis, order: Sequence[int] | None, narrow: bool = False) -> None:
    """x axis of a (steps, units) heatmap: plain unit numbers, or ranks when the units are sorted;
    `narrow` panels get three ticks and a short label."""
    if order is None:
        axis.set_xlabel("unit")
    elif narrow:
        axis.set_xticks([0, len(order) // 2 - 1, len(order) - 1], [1, len(order) // 2, len(order)])
        axis.set_xlabel("unit rank")
    else:
        axis.set_xticks([0, 7, 15, 23, len(order) - 1], [1, 8, 16, 24, len(order)])
        axis.set_xlabel("unit, by ablation cost (rank)")


@printable
def plot_gru_over_time(image: np.ndarray, label: int, outputs: np.ndarray, hidden: np.ndarray,
                       probabilities: np.ndarray, index: int, unit_order: Sequence[int] | None = None) -> plt.Figure:
    """Input image beside the GRU's outputs (28, units), hidden state (28, units) and per-step
    class probabilities (28, 10), rows aligned with image rows, one colour scale for the states.
    `unit_order`: the columns to show, in that order (default: units 0..units-1)."""
    if unit_order is not None:
        outputs, hidden = outputs[:, unit_order], hidden[:, unit_order]
    figure, axes = plt.subplots(1, 4, figsize=(PRINT_WIDTH, 4.0), layout="constrained",
                                gridspec_kw={"width_ratios": [1, 1.1, 1.1, 0.75]})
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title(f"test image {index}")
    label_steps(axes[0])
    axes[0].set_xlabel("pixel")
    for axis, values, title in ((axes[1], outputs, "layer output $y_t$"), (axes[2], hidden, "hidden state $h_t$")):
        shown = axis.imshow(values, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        axis.set_title(title)
        _label_units(axis, unit_order)
        label_steps(axis, label=False)
    figure.colorbar(shown, ax=axes[1:3], fraction=0.04, label="activation")
    shown = axes[3].imshow(probabilities, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    axes[3].set_xticks(range(0, NUM_CLASSES, 3))
    axes[3].set_xlabel("class")
    axes[3].set_title("P(class) at t")
    label_steps(axes[3], label=False)
    figure.colorbar(shown, ax=axes[3], fraction=0.12, label="probability")
    final = int(probabilities[-1].argmax())
    figure.suptitle(f"GRU (1x32) reading test image {index}: label {label}, prediction {final}")
    return figure


@printable
def plot_lstm_gates(image: np.ndarray, label: int, internals: Mapping[str, np.ndarray], index: int,
                    cell_limit: float, unit_order: Sequence[int] | None = None) -> plt.Figure:
    """Input image beside the LSTM's gates i, f, o (0..1) and its states c and h over time.

    internals: arrays (N, 28, units); `cell_limit`: the cell state's colour scale, the same for
    every image (values beyond it are drawn at the end of the scale); `unit_order` as for the GRU.
    """
    panels = (("i", "input i"), ("f", "forget f"), ("o", "output o"), ("c", "cell c"),
              ("h", "state h"))  # plain letters: mathtext subscripts would print below 8 pt
    order = list(range(internals["h"].shape[-1])) if unit_order is None else list(unit_order)
    figure, axes = plt.subplots(1, 6, figsize=(PRINT_WIDTH, 2.8), layout="constrained", sharey=True,
                                gridspec_kw={"width_ratios": [1, 1, 1, 1, 1.15, 1.15]})
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1, aspect="auto")  # rows level with the heatmaps' rows
    axes[0].set_title(f"test image {index}")
    axes[0].set_xticks([0, 27], [1, 28])
    axes[0].set_xlabel("pixel")
    label_steps(axes[0])
    gate_image = None
    for axis, (key, title) in zip(axes[1:], panels):
        values = internals[key][index][:, order]
        if key in ("i", "f", "o"):
            gate_image = axis.imshow(values, cmap="magma", vmin=0, vmax=1, aspect="auto")
        else:
            limit = cell_limit if key == "c" else 1.0
            state_image = axis.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
            figure.colorbar(state_image, ax=axis, fraction=0.1, extend="both" if key == "c" else "neither")
        axis.set_title(title)
        _label_units(axis, unit_order, narrow=True)
        label_steps(axis, label=False)
    figure.colorbar(gate_image, ax=axes[1:4], fraction=0.03, label="gate")
    figure.suptitle(f"LSTM 1x32 gates and states, test image {index} (label {label})")
    return figure


def _stepwise_runs(results: Mapping, name: str) -> np.ndarray:
    """Per-step test accuracy of every stored seed of `name` (seeds, 28); seed 0 alone without seeds."""
    if name in results.get("seeds", {}):
        return seed_values(results, name, "stepwise_test_accuracy")
    return np.array([results["configs"][name]["stepwise_test_accuracy"]])


def plot_stepwise_accuracy(results: Mapping, names: Iterable[str]) -> plt.Figure:
    """Test accuracy when step t's output is read out as the last: one panel per cell (LSTM, GRU), one
    colour per shape, the mean over seeds (line) and the range from the lowest to the highest seed (band)."""
    names = list(names)
    cells = [cell for cell in ("lstm", "gru") if any(name.startswith(cell + "_") for name in names)]
    figure, axes = plt.subplots(1, len(cells), figsize=(13, 4.4), sharey=True, squeeze=False)
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    shapes = list(dict.fromkeys(name.split("_", 1)[1] for name in names))  # one colour per shape, in the given order
    seed_count = 1
    for axis, cell in zip(axes[0], cells):
        for name in (n for n in names if n.startswith(cell + "_")):
            runs = _stepwise_runs(results, name)
            seed_count = len(runs)
            colour = plt.cm.tab10.colors[shapes.index(name.split("_", 1)[1]) % 10]
            axis.fill_between(steps, runs.min(axis=0), runs.max(axis=0), color=colour, alpha=0.2, linewidth=0)
            axis.plot(steps, runs.mean(axis=0), "-", marker="o", markersize=3, label=name, color=colour)
        axis.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
        axis.set(title=f"{cell.upper()}: mean of {seed_count} seeds (band: min to max)", xlabel="step t read out as the last",
                 ylim=(0, 1.0))
        axis.set_xticks(STEP_TICKS)
        axis.legend(fontsize=10, loc="upper left")
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("test accuracy")
    figure.tight_layout()
    return figure


def plot_decision_steps(steps: np.ndarray, labels: np.ndarray) -> plt.Figure:
    """Distribution of decision steps per true class (box plot) and overall (histogram)."""
    figure, (box_axis, hist_axis) = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.6, 1]})
    box_axis.boxplot([steps[labels == d] for d in range(NUM_CLASSES)], whis=(5, 95), showfliers=False)
    box_axis.set_xticks(range(1, NUM_CLASSES + 1), [str(d) for d in range(NUM_CLASSES)])
    box_axis.set(title="Decision step per true class (box: quartiles, whiskers: 5-95%)", xlabel="true class",
                 ylabel="decision step t")
    hist_axis.hist(steps, bins=np.arange(0.5, SEQUENCE_LENGTH + 1.5), color="tab:blue")
    hist_axis.set(title="All test images", xlabel="decision step t", ylabel="images")
    for axis in (box_axis, hist_axis):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_gate_statistics(gates: Mapping[str, np.ndarray]) -> plt.Figure:
    """Top: mean gate value per step with the 10-90% band across units. Bottom: per unit, the
    fraction of time left-saturated (< 0.1) against right-saturated (> 0.9)."""
    count = len(gates)
    figure, axes = plt.subplots(2, count, figsize=(3.1 * count, 6.8), squeeze=False)
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    for column, (title, gate) in enumerate(gates.items()):
        profile = gate_profile(gate)
        top = axes[0, column]
        top.fill_between(steps, profile["low"], profile["high"], alpha=0.3, label="10-90% of units")
        top.plot(steps, profile["mean"], label="mean")
        top.set(title=title, xlabel="step t", ylim=(0, 1), ylabel="gate value" if column == 0 else "")
        top.grid(alpha=0.3)
        left, right = gate_saturation(gate)
        bottom = axes[1, column]
        # open circles, and axes that start below 0, so units that are never left-saturated stay visible
        bottom.scatter(left, right, s=22, facecolors="none", edgecolors="tab:blue", linewidths=1.0)
        bottom.plot([0, 1], [1, 0], color="grey", linewidth=0.8, linestyle=":")
        never = int((left == 0).sum())
        bottom.text(0.97, 0.97, f"{never} of {len(left)} units\nnever below 0.1", ha="right", va="top", fontsize=9,
                    transform=bottom.transAxes)
        bottom.set(xlim=(-0.04, 1), ylim=(-0.04, 1), xlabel="fraction < 0.1 (left-saturated)",
                   ylabel="fraction > 0.9 (right-saturated)" if column == 0 else "")
        bottom.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=9, loc="lower left")
    figure.suptitle("Gates over the 10,000 test images: mean per step (top), saturation per unit (bottom)")
    figure.tight_layout()
    return figure


def plot_unit_ablation(costs: Mapping[str, np.ndarray], passes_relu: Mapping[str, np.ndarray]) -> plt.Figure:
    """Per model, the accuracy each unit's silencing costs (bars, most costly first) and the share
    of test images in which that unit's last output passes the head's ReLU (dots, right axis)."""
    figure, axes = plt.subplots(1, len(costs), figsize=(13, 3.8), squeeze=False, layout="constrained")
    for axis, (name, cost) in zip(axes[0], costs.items()):
        order = np.argsort(-np.asarray(cost), kind="stable")
        ranks = np.arange(1, len(order) + 1)
        axis.bar(ranks, 100 * np.asarray(cost)[order], color="tab:blue", label="accuracy lost (points)")
        axis.set(title=f"{name}: silencing one unit", xlabel="unit, by ablation cost (rank)",
                 ylabel="test accuracy lost (points)")
        axis.grid(alpha=0.3, axis="y")
        share = axis.twinx()
        share.plot(ranks, np.asarray(passes_relu[name])[order], "o", color="tab:orange", markersize=4,
                   label="share passing the ReLU at t = 28")
        share.set(ylim=(0, 1), ylabel="share of images with $h_{28,j} > 0$")
        handles = axis.get_legend_handles_labels()[0] + share.get_legend_handles_labels()[0]
        axis.legend(handles, [h.get_label() for h in handles], fontsize=9, loc="upper right")
    return figure


def plot_unit_time_courses(hidden: np.ndarray, labels: np.ndarray, units: Sequence[int], model_name: str) -> plt.Figure:
    """For each chosen unit, its mean activation per step for each true class: hidden (N, 28, units)."""
    figure, axes = plt.subplots(1, len(units), figsize=(4.4 * len(units), 3.6), squeeze=False, sharey=True,
                                layout="constrained")
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    for axis, unit in zip(axes[0], units):
        for digit in range(NUM_CLASSES):
            axis.plot(steps, hidden[labels == digit, :, unit].mean(axis=0), color=plt.cm.tab10.colors[digit],
                      label=str(digit))
        axis.set(title=f"{model_name} unit {unit}", xlabel="step t (image row)", xticks=STEP_TICKS)
        axis.grid(alpha=0.3)
    axes[0, 0].set_ylabel("mean $h_t$ over the class's test images")
    axes[0, -1].legend(title="class", fontsize=9, ncol=2, loc="best")
    return figure


def plot_lstm_memory(retention: np.ndarray, unit_order: Sequence[int], ablation: Mapping) -> plt.Figure:
    """Left: retention of c_t until step 28 per unit (rows in ablation order). Right: accuracy lost
    when the forget gates of the units mostly above 0.9 are fixed at 0.5, beside random sets."""
    figure, (heat, strip) = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained",
                                         gridspec_kw={"width_ratios": [1.6, 1]})
    shown = heat.imshow(np.asarray(retention)[list(unit_order)], cmap="viridis", vmin=0, vmax=1, aspect="auto")
    heat.set_xticks([t - 1 for t in STEP_TICKS], STEP_TICKS)
    heat.set(xlabel="step t", ylabel="unit, by ablation cost (rank)",
             title=r"retention $\mathrm{mean}\,\prod_{s=t+1}^{28} f_s$ (share of $c_t$ left at t = 28)")
    heat.set_yticks([0, 7, 15, 23, len(unit_order) - 1], [1, 8, 16, 24, len(unit_order)])
    figure.colorbar(shown, ax=heat, fraction=0.05)
    random_drops = 100 * np.asarray(ablation["random_drops"])
    strip.plot(np.zeros_like(random_drops) + np.linspace(-0.15, 0.15, len(random_drops)), random_drops, "o",
               color="grey", alpha=0.7, label=f"{len(random_drops)} random sets of {len(ablation['units'])} units")
    strip.plot([0], [100 * ablation["drop"]], "D", color="tab:red", markersize=9,
               label=f"units {ablation['units']} (forget gate mostly > 0.9)")
    strip.set(xlim=(-0.6, 0.6), xticks=[], ylabel="test accuracy lost (points)",
              title="forget gates fixed at 0.5")
    strip.grid(alpha=0.3, axis="y")
    strip.legend(fontsize=9, loc="upper left")
    return figure


def plot_gates_by_row_kind(statistics: Mapping[str, Mapping[str, Mapping[str, Mapping[str, float]]]]) -> plt.Figure:
    """Mean gate value on blank and on ink rows, trained beside untrained (same initial weights).

    statistics[gate][model state][row kind]['mean'], model state 'trained' or 'untrained'."""
    gates = list(statistics)
    figure, axis = plt.subplots(figsize=(11, 3.8), layout="constrained")
    bars = (("untrained", "blank", "#c6dbef"), ("untrained", "ink", "#6baed6"),
            ("trained", "blank", "#fdd0a2"), ("trained", "ink", "#e6550d"))
    width = 0.2
    for offset, (state, kind, colour) in enumerate(bars):
        values = [statistics[gate][state][kind]["mean"] for gate in gates]
        axis.bar(np.arange(len(gates)) + (offset - 1.5) * width, values, width, color=colour,
                 label=f"{state}, {kind} rows")
    axis.set_xticks(range(len(gates)), gates)
    axis.set(ylim=(0, 1), ylabel="mean gate value", title="Gates on blank and ink rows, before and after training")
    axis.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
    axis.grid(alpha=0.3, axis="y")
    axis.legend(fontsize=9, ncol=4, loc="upper left")
    return figure


def plot_drawing_readout(image: np.ndarray, readouts: Mapping[str, Mapping], title: str = "") -> plt.Figure:
    """A drawn digit as the networks see it (28 x 28, binarized) beside each network's class
    probabilities read out at every step (28, 10), with its prediction and decision step.

    A fixed layout (no constrained layout): the drawing pad redraws this figure after every stroke,
    and one draw instead of three keeps the pad's answer well under a second."""
    count = len(readouts)
    figure = plt.figure(figsize=(3.2 + 2.6 * count, 3.9))
    grid = figure.add_gridspec(1, 1 + count, width_ratios=[1.25] + [1] * count, left=0.06, right=0.88,
                               bottom=0.14, top=0.9, wspace=0.3)
    axes = [figure.add_subplot(grid[0, column]) for column in range(1 + count)]
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title(title or "what the networks read")
    label_steps(axes[0])
    axes[0].set_xlabel("pixel")
    shown = None
    for axis, (label, readout) in zip(axes[1:], readouts.items()):
        shown = axis.imshow(readout["probabilities"], cmap="viridis", vmin=0, vmax=1, aspect="auto")
        axis.axhline(readout["decision_step"] - 1.5, color="white", linewidth=1.2, linestyle="--")
        axis.set_xticks(range(NUM_CLASSES))
        axis.set_xlabel("class")
        axis.set_title(f"{label}: {readout['prediction']}, decided at t = {readout['decision_step']}", fontsize=10)
        label_steps(axis, label=False)
    colour_axis = figure.add_axes((0.9, 0.14, 0.015, 0.76))
    figure.colorbar(shown, cax=colour_axis, label="P(class) read out at t")
    return figure
