"""Figures: every figure of the notebooks, the report and the page, one function each. A function takes
arrays and results dictionaries and returns a matplotlib Figure; none trains or loads a model. In the
order the notebook shows them: the shared style and Q2's training, the states and gates (Q3.2, bonus),
the Q3 controls (read-out aligned to the ink, shifted digits and blank rows, row occlusion, probes,
what the read-out says per step, the state's geometry, errors), then the report's figures, drawn at
their printed size (PRINT_WIDTH wide, 8 pt type, `figure_files.printable`) beside the notebook's
larger versions. Writing a figure to its files and showing it: `figure_files.save_figure`.

Imports from the package: settings, models, analysis, statistics, figure_files.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator, NullFormatter

from hw3.analysis import gate_profile, gate_saturation
from hw3.figure_files import PRINT_WIDTH, printable
from hw3.models import MODELS
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH
from hw3.statistics import seed_values, seeds_text


STEP_TICKS = [1, 5, 10, 15, 20, 25, 28]
CELL_COLOURS = {"lstm": "tab:blue", "gru": "tab:orange"}  # one colour per cell in every figure


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


# what a unit's position means when the units are sorted: the callers' `order` is analysis.units_by_cost of
# the accuracy each unit's silencing costs (experiments.q3_2_gru_inside, bonus_lstm_inside)
UNIT_ORDER_LABEL = "units ordered by the test accuracy lost when each is silenced (1 = costliest)"
UNIT_RANK_LABEL = "unit, ordered by cost of silencing it"


def _label_units(axis, order: Sequence[int] | None, narrow: bool = False) -> None:
    """x axis of a (steps, units) heatmap: plain unit numbers, or positions in `order` when the units are
    sorted (by the cost of silencing them); `narrow` panels get three ticks and the short label "unit",
    the figure then says what the order is (UNIT_ORDER_LABEL)."""
    if order is None:
        axis.set_xlabel("unit")
    elif narrow:
        axis.set_xticks([0, len(order) // 2 - 1, len(order) - 1], [1, len(order) // 2, len(order)])
        axis.set_xlabel("unit")
    else:
        axis.set_xticks([0, 7, 15, 23, len(order) - 1], [1, 8, 16, 24, len(order)])
        axis.set_xlabel("unit")


@printable
def plot_gru_over_time(image: np.ndarray, label: int, hidden: np.ndarray, probabilities: np.ndarray, index: int,
                       unit_order: Sequence[int] | None = None) -> plt.Figure:
    """Input image beside the GRU's hidden state h_t (28, units), which is also its layer output y_t, and
    the per-step class probabilities (28, 10), rows aligned with image rows.
    `unit_order`: the columns to show, in that order (default: units 0..units-1)."""
    if unit_order is not None:
        hidden = hidden[:, unit_order]
    figure, axes = plt.subplots(1, 3, figsize=(PRINT_WIDTH, 4.0), layout="constrained", sharey=True,
                                gridspec_kw={"width_ratios": [0.8, 1.4, 0.75]})
    # the digit stretched to the heatmaps' height (aspect "auto"): image row t level with step t
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1, aspect="auto")
    axes[0].set_title(f"test image {index}")
    label_steps(axes[0])
    axes[0].set_xticks([0, 27], [1, 28])
    axes[0].set_xlabel("pixel")
    shown = axes[1].imshow(hidden, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    axes[1].set_title("hidden state $h_t$ (= output $y_t$)")
    _label_units(axes[1], unit_order)
    label_steps(axes[1], label=False)
    figure.colorbar(shown, ax=axes[1], location="bottom", shrink=0.9, aspect=30, label="h: each unit's value after step t")
    shown = axes[2].imshow(probabilities, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    axes[2].set_xticks(range(0, NUM_CLASSES, 3))
    axes[2].set_xlabel("class")
    axes[2].set_title("P(class) at t")
    label_steps(axes[2], label=False)
    figure.colorbar(shown, ax=axes[2], location="bottom", aspect=12, label="P(class) after step t")
    if unit_order is not None:
        figure.supxlabel(UNIT_ORDER_LABEL, fontsize=plt.rcParams["axes.labelsize"])
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
            figure.colorbar(state_image, ax=axis, fraction=0.1, extend="both" if key == "c" else "neither",
                            label="cell state c (clipped)" if key == "c" else "state h")
        axis.set_title(title)
        _label_units(axis, unit_order, narrow=True)
        label_steps(axis, label=False)
    figure.colorbar(gate_image, ax=axes[1:4], fraction=0.03, label="gate value")
    if unit_order is not None:
        figure.supxlabel(UNIT_ORDER_LABEL, fontsize=plt.rcParams["axes.labelsize"])
    figure.suptitle(f"LSTM 1x32 gates and states, test image {index} (label {label})")
    return figure


def _stepwise_runs(results: Mapping, name: str, seeds: Sequence[int]) -> np.ndarray:
    """Per-step test accuracy of `seeds` of `name` (seeds, 28); seed 0 alone without stored seeds."""
    if name in results.get("seeds", {}):
        return seed_values(results, name, "stepwise_test_accuracy", seeds=seeds)
    return np.array([results["configs"][name]["stepwise_test_accuracy"]])


def plot_stepwise_accuracy(results: Mapping, names: Iterable[str], seeds: Sequence[int]) -> plt.Figure:
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
            runs = _stepwise_runs(results, name, seeds)
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
    for axis in (box_axis.yaxis, hist_axis.xaxis):  # steps are whole numbers
        axis.set_major_locator(MaxNLocator(integer=True))
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
        axis.set(title=f"{name}: silencing one unit", xlabel=f"{UNIT_RANK_LABEL} (rank, 1 = costliest)",
                 ylabel="test accuracy lost (points)")
        axis.grid(alpha=0.3, axis="y")
        share = axis.twinx()
        share.plot(ranks, np.asarray(passes_relu[name])[order], "o", color="tab:orange", markersize=4,
                   label="share passing the ReLU at t = 28")
        share.set(ylim=(0, 1), ylabel="share of images with $h_{28,j} > 0$")
    # one legend below the panels, off the bars and dots
    handles = axes[0, 0].get_legend_handles_labels()[0] + figure.axes[-1].get_legend_handles_labels()[0]
    figure.legend(handles, [h.get_label() for h in handles], fontsize=9, loc="outside lower center", ncol=2,
                  frameon=False)
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
    heat.set(xlabel="step t", ylabel=f"{UNIT_RANK_LABEL} (1 = costliest)",
             title=r"retention $\mathrm{mean}\,\prod_{s=t+1}^{28} f_s$ (share of $c_t$ left at t = 28)")
    heat.set_yticks([0, 7, 15, 23, len(unit_order) - 1], [1, 8, 16, 24, len(unit_order)])
    figure.colorbar(shown, ax=heat, fraction=0.05, label="retention: share of $c_t$ left at t = 28")
    random_drops = 100 * np.asarray(ablation["random_drops"])
    strip.plot(np.zeros_like(random_drops) + np.linspace(-0.15, 0.15, len(random_drops)), random_drops, "o",
               color="grey", alpha=0.7, label=f"{len(random_drops)} random sets of {len(ablation['units'])} units")
    strip.plot([0], [100 * ablation["drop"]], "D", color="tab:red", markersize=9,
               label=f"units {ablation['units']} (forget gate mostly > 0.9)")
    strip.set(xlim=(-0.6, 0.6), xticks=[], ylabel="test accuracy lost (points)",
              title="forget gates fixed at 0.5")
    strip.grid(alpha=0.3, axis="y")
    strip.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.02))  # below the axis, off the dots
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


# --- the Q3 controls ------------------------------------------------------------------------------

SHAPE_STYLES = {"1x32": "-", "1x64": "--", "1x128": "-.", "3x32": ":"}
BASELINE_STYLES = {"linear": ("tab:grey", ":"), "mlp": ("black", "--"), "cnn": ("black", "-")}


def _finish(figure: plt.Figure, title: str) -> plt.Figure:
    for axis in figure.axes:
        axis.grid(alpha=0.3)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


@printable
def plot_readout_after_ink(curves: Mapping[str, Mapping[str, float]], last_ink: np.ndarray) -> plt.Figure:
    """Left: read-out accuracy at step L + k against k, one line per model. Right: how many test
    images end their ink at each row L."""
    figure, (curve_axis, hist_axis) = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 3.4), layout="constrained",
                                                   gridspec_kw={"width_ratios": [1.7, 1]})
    for (label, curve), colour in zip(curves.items(), ("tab:orange", "tab:blue", "tab:green")):
        offsets = [int(k) for k in curve]
        curve_axis.plot(offsets, list(curve.values()), "-o", color=colour, label=label, markersize=4)
    curve_axis.axvline(0, color="grey", linewidth=0.8)
    curve_axis.set(xlabel="k = t - L (steps after the last ink row L)", ylabel="read-out accuracy at step L + k",
                   title="Read-out aligned to where each digit's ink ends")
    hist_axis.hist(last_ink[last_ink > 0], bins=np.arange(0.5, SEQUENCE_LENGTH + 1.5), color="tab:grey")
    hist_axis.set(xlabel="last ink row L", ylabel="test images", title="Where the ink ends", xlim=(14.5, 28.5))
    for axis in (curve_axis, hist_axis):
        axis.grid(alpha=0.3)
    # below the panels, off the curves the reading discusses
    figure.legend(*curve_axis.get_legend_handles_labels(), loc="outside lower center", ncol=1 if len(curves) > 2 else 2,
                  frameon=False)
    return figure


def plot_shifts(shift: Mapping[str, Mapping[str, float]], ink_lost: Mapping[str, Mapping[str, float]],
                extra_rows: Mapping[str, Mapping[str, Sequence[float]]], extra_models: Sequence[str],
                extra_shifts: Sequence[int]) -> plt.Figure:
    """Test accuracy against the shift s (LSTMs, GRUs, each with the whole-image baselines), and the
    accuracy of `extra_models` after 28 + k steps on images shifted by `extra_shifts`."""
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    shifts = [int(s) for s in next(iter(shift.values()))]
    tick_labels = [f"{s:+d}\n{100 * ink_lost[str(s)]['ink_share']:.1f}%" for s in shifts]
    for axis, cell in zip(axes[:2], ("lstm", "gru")):
        for name, values in shift.items():
            if name.startswith(cell):
                axis.plot(shifts, list(values.values()), SHAPE_STYLES[name.split("_")[1]], marker="o", markersize=3,
                          color=CELL_COLOURS[cell], label=name)
            elif name in BASELINE_STYLES:
                colour, style = BASELINE_STYLES[name]
                axis.plot(shifts, list(values.values()), style, color=colour, label=name)
        axis.set_xticks(shifts, tick_labels, fontsize=9)
        axis.set(xlabel="rows moved down (s > 0) or up; ink pushed out", ylabel="test accuracy",
                 title=f"{cell.upper()}s and whole-image models, shifted digits", ylim=(0.0, 1.0))
        axis.legend(fontsize=9, loc="lower center", ncol=2)
    for name in extra_models:
        cell = name.split("_")[0]
        for s, marker in zip(extra_shifts, ("o", "s", "^", "v")):
            values = list(extra_rows[name][str(s)].values())
            axes[2].plot(range(len(values)), values, SHAPE_STYLES[name.split("_")[1]], marker=marker,
                         color=CELL_COLOURS[cell], label=f"{name}, s = {s:+d}")
    axes[2].set(xlabel="blank rows k appended after row 28", ylabel="test accuracy after 28 + k steps",
                title="Extra blank rows (same weights)")
    axes[2].set_xticks(range(len(values)))
    axes[2].legend(fontsize=9, ncol=2)
    return _finish(figure, "Digits moved up or down, and time added after the last row")


TRAINING_STYLES = {"": ("-", "o", "loss on step 28 only (plain)"), "every_step_loss": ("--", "s", "loss on every step"),
                   "trailing_blanks": (":", "^", "trained with 0-8 blank rows after the image")}


def _training_legend(figure: plt.Figure, probe: bool) -> None:
    """One legend below both panels, in black (the panels' titles say which cell is which colour)."""
    for style, marker, label in TRAINING_STYLES.values():
        figure.axes[0].plot([], [], style, marker=marker, markersize=3, color="black", label=label)
    if probe:
        figure.axes[0].plot([], [], color="tab:grey", linewidth=2, alpha=0.7, label="probe on the plain model's state")
    handles, labels = figure.axes[0].get_legend_handles_labels()
    count = len(TRAINING_STYLES) + int(probe)
    figure.legend(handles[-count:], labels[-count:], loc="outside lower center", ncol=2, frameon=False)


def _training(name: str) -> str:
    """How model `name` was trained, as TRAINING_STYLES keys it: '' (the loss on step 28 only),
    'every_step_loss' or 'trailing_blanks' (the registry's objective and trailing blank rows)."""
    spec = MODELS[name]
    return "every_step_loss" if spec.objective == "every_step" else "trailing_blanks" if spec.trailing_blanks else ""


@printable
def plot_objective_readout(heads: Mapping[str, Sequence[float]], probes: Mapping[str, Sequence[float]]) -> plt.Figure:
    """Q3.3, the objective as the cause: the head read out after every step, one panel per cell, for the
    plain model and its variants trained differently (`heads`: {name: (28,)}), with the plain model's
    linear probe on h_t (`probes`: {cell: (28,)})."""
    figure, axes = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 2.35), sharey=True, layout="constrained")
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    for axis, cell in zip(axes, ("gru", "lstm")):
        for name, values in heads.items():
            if name.startswith(cell):
                style, marker, _ = TRAINING_STYLES[_training(name)]
                axis.plot(steps, values, style, marker=marker, markersize=3, color=CELL_COLOURS[cell])
        axis.plot(steps, probes[cell], color="tab:grey", linewidth=2, alpha=0.7)
        axis.set(xlabel="step t (rows read)", title=f"{cell.upper()} 1x32: the head after step t", ylim=(0, 1))
        axis.set_xticks(STEP_TICKS)
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy")
    _training_legend(figure, probe=True)
    return figure


@printable
def plot_appended_blank_rows(over_seeds: Mapping[str, Mapping[str, float]]) -> plt.Figure:
    """Accuracy read after the last row against k blank rows appended after row 28, mean over seeds:
    one panel per cell, one line per way of training (plain, loss after every row, trailing blanks)."""
    # 3.3 inches: panels about 2 inches (200 px) tall above the legend, within the printed height limit
    figure, axes = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 3.3), sharey=True, layout="constrained")
    for axis, cell in zip(axes, ("gru", "lstm")):
        lines = {name: mean for name, mean in over_seeds.items() if name.startswith(cell)}
        if not lines:
            raise ValueError(f"no {cell.upper()} model among {sorted(over_seeds)}: the figure has a panel for each cell.")
        for name, mean in lines.items():
            style, marker, _ = TRAINING_STYLES[_training(name)]
            axis.plot([int(k) for k in mean], list(mean.values()), style, marker=marker, markersize=4, color=CELL_COLOURS[cell])
        axis.set(xlabel="blank rows k appended after row 28", title=f"{cell.upper()} 1x32, mean over seeds",
                 ylim=(0.0, 1.0))
        axis.set_xticks(sorted({int(k) for mean in lines.values() for k in mean}))
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy read after row 28 + k")
    _training_legend(figure, probe=False)
    return figure


@printable
def plot_state_after_blank_rows(over_seeds: Mapping[str, Mapping[str, Mapping[str, float]]]) -> plt.Figure:
    """Test accuracy against k blank rows appended after row 28, mean over seeds, one panel per model:
    the head read after row 28 + k, the probe fitted after row 28 and the probe fitted again after
    row 28 + k (`appended_rows.state_after_blank_rows_accuracies`)."""
    figure, axes = plt.subplots(1, len(over_seeds), figsize=(PRINT_WIDTH, 2.3), sharey=True, layout="constrained",
                                squeeze=False)
    styles = {"head": ("-", "o", "head"), "probe_fit_at_28": ("--", "s", "probe fitted after row 28"),
              "probe_refit": (":", "^", "probe fitted again after row 28 + k")}
    for axis, (name, by_k) in zip(axes[0], over_seeds.items()):
        ks = [int(k) for k in by_k]
        for key, (style, marker, label) in styles.items():
            axis.plot(ks, [entry[key] for entry in by_k.values()], style, marker=marker, markersize=4,
                      color=CELL_COLOURS[name.split("_")[0]], label=label)
        axis.set(xlabel="blank rows k appended after row 28", title=f"{name.split('_')[0].upper()} 1x32, mean over seeds",
                 ylim=(0.0, 1.0))
        axis.set_xticks(ks)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel("test accuracy")
    axes[0][0].legend(fontsize=8, loc="lower left")
    return figure


def plot_row_occlusion(occlusion: Mapping[str, Sequence[float]], full_accuracy: Mapping[str, float],
                       blank_fraction: Sequence[float]) -> plt.Figure:
    """Accuracy lost when row k is blanked in every test image, per model, beside the share of test
    images whose row k is already blank."""
    figure, (drop_axis, blank_axis) = plt.subplots(1, 2, figsize=(13, 4), gridspec_kw={"width_ratios": [1.5, 1]})
    rows = np.arange(1, SEQUENCE_LENGTH + 1)
    for (name, values), colour in zip(occlusion.items(), ("tab:orange", "tab:blue", "black")):
        drop_axis.plot(rows, 100 * (full_accuracy[name] - np.asarray(values)), "-o", markersize=3, color=colour,
                       label=name)
    drop_axis.set(xlabel="blanked row k", ylabel="accuracy lost (points)", title="Blanking one row in every image")
    drop_axis.set_xticks(STEP_TICKS)
    drop_axis.legend(fontsize=9)
    blank_axis.bar(rows, 100 * np.asarray(blank_fraction), color="tab:grey")
    blank_axis.set(xlabel="row k", ylabel="test images with row k blank (%)", title="Rows that are blank anyway")
    blank_axis.set_xticks(STEP_TICKS)
    return _finish(figure, "")


@printable
def plot_probes(probes: Mapping[str, Sequence[float]], readouts: Mapping[str, Sequence[float]]) -> plt.Figure:
    """Linear-probe accuracy per step (solid) against the trained head's read-out (dashed)."""
    figure, axis = plt.subplots(figsize=(PRINT_WIDTH, 3.9))
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    colours = {"GRU": "tab:orange", "LSTM": "tab:blue", "pixels": "tab:green", "untrained": "tab:grey"}
    for label, values in probes.items():
        marker = "s" if label.endswith("c_t") else "o"
        axis.plot(steps, values, "-", marker=marker, markersize=3, color=colours.get(label.split()[0], "black"),
                  label=f"probe on {label}", alpha=0.6 if label.endswith("c_t") else 1.0)
    for label, values in readouts.items():
        axis.plot(steps, values, "--", color=colours.get(label.split()[0], "black"), label=f"{label}: trained head")
    axis.set(xlabel="step t", ylabel="test accuracy", ylim=(0, 1), title="What the state knows (probes) and what "
             "the head reads out")
    axis.set_xticks(STEP_TICKS)
    axis.legend(loc="upper left")
    return _finish(figure, "")


def _confusion_panel(axis, matrix: np.ndarray, title: str) -> None:
    """Row-normalized confusion matrix `matrix` (true, predicted) on `axis`, with the count of every
    diagonal cell and of every off-diagonal cell holding at least 1% of its row (smaller ones, zeros
    among them, stay blank); white numbers on the dark cells, no grid across the cells."""
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    axis.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    axis.set_xticks(range(NUM_CLASSES))
    axis.set_yticks(range(NUM_CLASSES))
    axis.set(xlabel="predicted", ylabel="true", title=title)
    for true in range(NUM_CLASSES):
        for predicted in range(NUM_CLASSES):
            if matrix[true, predicted] and (true == predicted or rates[true, predicted] >= 0.01):
                axis.text(predicted, true, f"{matrix[true, predicted]}", ha="center", va="center", fontsize=9,
                          color="white" if rates[true, predicted] > 0.5 else "black")


def _without_grid(axes) -> None:
    """No grid over image panels (_finish draws one on every axis)."""
    for axis in axes:
        axis.grid(False)


def plot_readout_shares(shares: Mapping[str, Sequence[float]], confusions: Mapping[str, np.ndarray]) -> plt.Figure:
    """First panel: the share of test images read out as each class at each listed step. Then the
    read-out's confusion matrices at the given steps (rows normalized; diagonal and off-diagonal counts
    >= 1% written), two panels a row so that the numbers stay legible at the notebook's width."""
    rows = int(np.ceil((1 + len(confusions)) / 2))
    figure, axes = plt.subplots(rows, 2, figsize=(11, 5.0 * rows), squeeze=False)
    for axis in axes.flat[1 + len(confusions):]:
        axis.remove()
    axes = axes.flat[:1 + len(confusions)]
    steps = [int(t) for t in shares]
    bottom = np.zeros(len(steps))
    for digit in range(NUM_CLASSES):
        values = np.array([shares[str(t)][digit] for t in steps])
        axes[0].bar(range(len(steps)), values, bottom=bottom, color=plt.cm.tab10.colors[digit], label=str(digit))
        bottom += values
    axes[0].set_xticks(range(len(steps)), steps)
    axes[0].set(xlabel="step t", ylabel="share of test images", title="Read-out class at step t")
    axes[0].legend(fontsize=9, ncol=2, title="class", title_fontsize=9, loc="upper left", bbox_to_anchor=(1, 1))
    for axis, (step, matrix) in zip(axes[1:], confusions.items()):
        _confusion_panel(axis, np.asarray(matrix), f"read-out at step {step}")
    figure = _finish(figure, "What the GRU (1x32)'s read-out says during the image")
    _without_grid(axes[1:])
    return figure


def _label_heights(xs: Sequence[float], ys: Sequence[float], gap: float, near) -> list[float]:
    """Heights for the labels of points (xs, ys): taken from the lowest point up, a label that would sit
    less than `gap` above one already placed at a point `near` its own (near(x, other_x)) moves up."""
    heights: dict[int, float] = {}
    for index in sorted(range(len(ys)), key=lambda i: ys[i]):
        y = ys[index]
        for other, other_y in heights.items():
            if near(xs[index], xs[other]) and y - other_y < gap:
                y = other_y + gap
        heights[index] = y
    return [heights[index] for index in range(len(ys))]


def plot_state_geometry(trajectories: np.ndarray, explained: Sequence[float], separation: Sequence[float]) -> plt.Figure:
    """Left: each class's mean GRU state over the 28 steps in the first two principal components
    (dot at step 28). Right: between-class over within-class variance per step."""
    figure, (pca_axis, ratio_axis) = plt.subplots(1, 2, figsize=(12, 4.8))
    ends = trajectories[:, -1, :2]
    gap = 0.045 * (trajectories[..., 1].max() - trajectories[..., 1].min())
    label_y = _label_heights(ends[:, 0], ends[:, 1], gap, lambda x, other: abs(x - other) < 4 * gap)
    for digit in range(NUM_CLASSES):
        path = trajectories[digit]
        colour = plt.cm.tab10.colors[digit]
        pca_axis.plot(path[:, 0], path[:, 1], "-", color=colour, linewidth=1.5)
        pca_axis.plot(path[-1, 0], path[-1, 1], "o", color=colour)
        pca_axis.annotate(str(digit), path[-1], xytext=(path[-1, 0] + gap, label_y[digit]), fontsize=11,
                          color=colour, va="center", fontweight="bold")
    pca_axis.plot(trajectories[0, 0, 0], trajectories[0, 0, 1], "k*", markersize=10)
    pca_axis.annotate("step 1 (all classes)", trajectories[0, 0], xytext=(6, -14), textcoords="offset points", fontsize=9)
    pca_axis.set(xlabel=f"PC 1 ({100 * explained[0]:.0f}% of variance)", ylabel=f"PC 2 ({100 * explained[1]:.0f}%)",
                 title="Mean GRU state per class, steps 1 to 28 (dot: step 28)")
    # step 1 is left out of the axis and written instead: every test image's row 1 is blank, so h_1 is one
    # state for all of them, both variances are rounding noise (under 1e-8) and their ratio dwarfs the curve
    ratio_axis.plot(np.arange(2, SEQUENCE_LENGTH + 1), separation[1:], "-o", markersize=3, color="tab:orange")
    ratio_axis.set(xlabel="step t (from step 2)", ylabel="between / within class variance", ylim=(0, None),
                   xlim=(1, SEQUENCE_LENGTH + 1), title="Class separation of h_t, steps 2 to 28")
    ratio_axis.set_xticks([2] + STEP_TICKS[1:])
    ratio_axis.text(0.03, 0.97, f"step 1 not drawn: ratio {separation[0]:.3g}, of rounding noise\n(row 1 is blank, "
                    "so h_1 is almost the same state\nfor every image)", transform=ratio_axis.transAxes, ha="left",
                    va="top", fontsize=10)
    return _finish(figure, "")


def plot_confusions(matrices: Mapping[str, np.ndarray]) -> plt.Figure:
    """Final confusion matrix of each named model (rows normalized; diagonal and off-diagonal counts >= 1%)."""
    figure, axes = plt.subplots(1, len(matrices), figsize=(5.4 * len(matrices), 5.2), squeeze=False)
    for axis, (name, matrix) in zip(axes[0], matrices.items()):
        matrix = np.asarray(matrix)
        _confusion_panel(axis, matrix, f"{name}: {matrix.trace()} of {matrix.sum()} right")
    figure = _finish(figure, "Test-set confusion matrices (counts; blank: under 1% of the row)")
    _without_grid(axes[0])
    return figure


def plot_error_gallery(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                       indices: Sequence[int]) -> plt.Figure:
    """Misclassified digits (top) and their read-out over time (bottom): probability of the true
    class (green) and of the final prediction (red) at each step."""
    count = len(indices)
    columns = 6
    rows = int(np.ceil(count / columns))
    # each image axis about as tall as it is wide, so that the square digits leave no gaps
    figure, axes = plt.subplots(2 * rows, columns, figsize=(2.45 * columns, 3.6 * rows), layout="constrained",
                                gridspec_kw={"height_ratios": [1.3, 0.75] * rows})
    figure.get_layout_engine().set(h_pad=0.02, hspace=0.0)
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    for position, index in enumerate(indices):
        image_axis = axes[2 * (position // columns), position % columns]
        curve_axis = axes[2 * (position // columns) + 1, position % columns]
        predicted = int(probabilities[position, -1].argmax())
        image_axis.imshow(images[position], cmap="gray_r", vmin=0, vmax=1)
        image_axis.set_title(f"test {index}: {labels[position]} read as {predicted}", fontsize=9)
        image_axis.axis("off")
        curve_axis.plot(steps, probabilities[position, :, labels[position]], color="tab:green", label="true class")
        curve_axis.plot(steps, probabilities[position, :, predicted], color="tab:red", label="final prediction")
        curve_axis.set(ylim=(0, 1.02), xticks=[1, 14, 28])
        curve_axis.tick_params(labelsize=9)
        curve_axis.grid(alpha=0.3)
    axes[1, 0].legend(fontsize=9, loc="upper left")
    axes[1, 0].set_ylabel("probability", fontsize=9)
    figure.suptitle("Misclassified test digits and the GRU (1x32)'s read-out at each step")
    return figure


FAMILY_STYLES = {  # Q3.1's overview: colour and marker per kind of model
    "lstm": ("tab:blue", "o"), "gru": ("tab:orange", "o"), "variant": ("tab:red", "D"),
    "whole image": ("black", "s"), "whole image, small": ("tab:grey", "s")}
SHIFT_CURVE_MODELS = ("gru_1x32", "lstm_1x32", "gru_1x128", "mlp", "cnn", "mlp_small", "cnn_small")


def model_family(name: str) -> str:
    """The kind of model FAMILY_STYLES draws `name` as."""
    if name.startswith("gru_1x32_"):
        return "variant"
    if name.endswith("_small"):
        return "whole image, small"
    return name.split("_")[0] if name.startswith(("lstm", "gru")) else "whole image"


@printable
def plot_translation(vertical: Mapping[str, Mapping[str, float]], horizontal: Mapping[str, Mapping[str, float]],
                     curve_models: Sequence[str] = SHIFT_CURVE_MODELS) -> plt.Figure:
    """Q3.1, translation: seed-0 test accuracy of `curve_models` with the digits moved s rows down
    (left) or s columns right (right), on one scale."""
    figure, axes = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 3.2), sharey=True, layout="constrained")
    for axis, shifts, what in ((axes[0], vertical, "rows down (s > 0) or up"),
                               (axes[1], horizontal, "columns right (s > 0) or left")):
        for index, name in enumerate(curve_models):
            if name not in shifts:
                continue
            values = shifts[name]
            marker = FAMILY_STYLES[model_family(name)][1]
            style = "--" if "small" in name or name.endswith("1x32") else "-"
            axis.plot([int(s) for s in values], list(values.values()), style, marker=marker, markersize=3,
                      color=plt.cm.tab10(index), label=MODELS[name].short_name)
        axis.set(xlabel=f"moved s {what}", ylim=(0.0, 1.0), title=f"Moved {what.split()[0]}")
        axis.set_xticks(range(-4, 5))
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy (seed 0)")
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=4, frameon=False)  # below the panels, off the curves
    return figure


# --- the report's figures, at their printed size --------------------------------------------------

@printable
def plot_seed_accuracies(results: Mapping, shapes: Sequence[str], baselines: Sequence[str],
                         reference: Mapping[str, float], seeds: Sequence[int]) -> plt.Figure:
    """Test accuracy of every seed (dots) and their mean (bar) per model: LSTM and GRU side by side
    for each shape, the whole-image baselines on the right, the earlier solution as crosses."""
    figure, axis = plt.subplots(figsize=(PRINT_WIDTH, 2.4), layout="constrained")
    columns = [(f"{cell}_{shape}", position + offset, CELL_COLOURS[cell])
               for position, shape in enumerate(shapes) for cell, offset in (("lstm", -0.18), ("gru", 0.18))]
    columns += [(name, len(shapes) + position, "tab:grey") for position, name in enumerate(baselines)]
    for name, x, colour in columns:
        values = seed_values(results, name, seeds=seeds)
        axis.hlines(values.mean(), x - 0.15, x + 0.15, color=colour, linewidth=2.5)
        axis.plot(np.full(len(values), x) + np.linspace(-0.08, 0.08, len(values)), values, "o", color=colour,
                  markersize=5, alpha=0.8)
        if name in reference:
            axis.plot(x, reference[name], "x", color="black", markersize=8)
    axis.plot([], [], "o", color=CELL_COLOURS["lstm"], label="LSTM, dots: seeds, line: mean")
    axis.plot([], [], "o", color=CELL_COLOURS["gru"], label="GRU")
    axis.plot([], [], "o", color="tab:grey", label="whole image")
    axis.plot([], [], "x", color="black", label="earlier solution")
    axis.set_xticks(range(len(shapes) + len(baselines)), list(shapes) + [MODELS[name].short_name for name in baselines])
    low = min(min(reference.values()), min(results["seeds"][name]["0"]["test_accuracy"] for name, _, _ in columns[:8]))
    axis.set(ylabel="test accuracy", ylim=(low - 0.005, 0.99),
             xlabel="recurrent shape (layers x units), then whole-image models")
    for name, x, colour in columns:  # models below the axis (softmax regression) get their mean written
        mean = float(seed_values(results, name, seeds=seeds).mean())
        if mean < low - 0.005:
            axis.annotate(f"mean {mean:.4f}\n(below the axis)", (x, low - 0.004), ha="center", va="bottom",
                          color=colour)
    axis.grid(alpha=0.3, axis="y")
    axis.legend(loc="lower right", ncol=2)
    return figure


@printable
def plot_loss_curves(results: Mapping, names: Sequence[str]) -> plt.Figure:
    """Q2: training (dashed) and validation (solid) cross-entropy per epoch, one panel per shape,
    LSTM blue and GRU orange, on one logarithmic scale."""
    grouped = histories_by_shape(results, names)
    figure, axes = plt.subplots(1, len(grouped), figsize=(PRINT_WIDTH, 2.0), sharey=True, layout="constrained",
                                squeeze=False)
    for axis, (shape, by_cell) in zip(axes[0], grouped.items()):
        for cell, history in by_cell.items():
            epochs = np.arange(1, len(history["loss"]) + 1)
            axis.plot(epochs, history["val_loss"], "-o", color=CELL_COLOURS[cell], markersize=2.5,
                      label=f"{cell.upper()} validation")
            axis.plot(epochs, history["loss"], "--", color=CELL_COLOURS[cell], label=f"{cell.upper()} training")
        axis.set(title=shape, xlabel="epoch", yscale="log", xticks=[1, 5, 10] if len(epochs) >= 10 else list(epochs))
        axis.set_yticks([0.03, 0.1, 0.3, 1.0], ["0.03", "0.1", "0.3", "1"])  # plain labels: no 10^-1 superscripts
        axis.yaxis.set_minor_formatter(NullFormatter())
        axis.grid(alpha=0.3, which="both")
    axes[0, 0].set_ylabel("cross-entropy (nats)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside right center", frameon=False)
    return figure


@printable
def plot_size_comparison(seeds: Mapping[str, Mapping[str, Mapping]], run_seeds: Sequence[int]) -> plt.Figure:
    """Q3.1, size and inductive bias: one row per model, ordered by its trained parameters (written
    in its label), every seed's test accuracy a dot and the mean a larger marker. Labels sit in the
    margin, so none can touch a marker."""
    names = sorted((name for name in seeds if _answers_q3_1(name)), key=lambda name: (seeds[name]["0"]["parameters"], name))
    figure, axis = plt.subplots(figsize=(PRINT_WIDTH, 3.1), layout="constrained")
    for row, name in enumerate(names):
        colour, marker = FAMILY_STYLES[model_family(name)]
        accuracies = seed_values({"seeds": seeds}, name, seeds=run_seeds)
        axis.scatter(accuracies, np.full(len(accuracies), row), s=8, color=colour, alpha=0.5)
        axis.scatter([accuracies.mean()], [row], s=30, color=colour, marker=marker, edgecolor="white", zorder=3)
    axis.set_yticks(range(len(names)), [f"{MODELS[name].short_name} ({seeds[name]['0']['parameters']:,})"
                                        for name in names])
    axis.set_ylim(-0.7, len(names) - 0.3)
    axis.set(xlabel=f"test accuracy (dots: {seeds_text(run_seeds)}; marker: their mean)", ylabel="model (trained parameters)")
    axis.grid(alpha=0.3, axis="x")
    names = {"lstm": "LSTM", "gru": "GRU", "variant": "GRU 1x32 variant"}
    for family, (colour, marker) in FAMILY_STYLES.items():
        axis.scatter([], [], color=colour, marker=marker, label=names.get(family, family))
    # below the axis, so that the markers get the figure's width and no entry sits beside the data
    figure.legend(*axis.get_legend_handles_labels(), loc="outside lower center", ncol=len(FAMILY_STYLES),
                  frameon=False, columnspacing=0.8, handletextpad=0.2, borderaxespad=0.2)
    return figure


def _answers_q3_1(name: str) -> bool:
    """The models Q3.1 compares: the configurations, the whole-image models, and the GRUs that read
    differently or with TensorFlow 1's cell (not the Q3.3 interventions on the loss or on one convention)."""
    spec = MODELS[name]
    return spec.objective == "last_step" and not spec.trailing_blanks and spec.convention in ("keras", "tf1")


@printable
def plot_gru_over_time_pair(images: np.ndarray, labels: Sequence[int], hidden: np.ndarray, probabilities: np.ndarray,
                            indices: Sequence[int], unit_order: Sequence[int] | None = None) -> plt.Figure:
    """Q3.2 for two test images side by side: the image (its rows stretched to line up with the
    heatmaps' steps), the GRU's hidden state (2, 28, units; a GRU's output is its state) and the
    head's class probabilities after each step (2, 28, 10)."""
    if probabilities.shape[-1] != NUM_CLASSES or len(indices) != 2:
        raise ValueError(f"expected two images and probabilities ending in {NUM_CLASSES} classes, got {len(indices)} "
                         f"images and probabilities of shape {probabilities.shape}")
    order = list(range(hidden.shape[-1])) if unit_order is None else list(unit_order)
    figure, axes = plt.subplots(1, 6, figsize=(PRINT_WIDTH, 2.8), sharey=True, layout="constrained",
                                gridspec_kw={"width_ratios": [0.8, 1.2, 0.75] * 2})
    for pair, index in enumerate(indices):
        image_axis, state_axis, class_axis = axes[3 * pair: 3 * pair + 3]
        image_axis.imshow(images[pair], cmap="gray_r", vmin=0, vmax=1, aspect="auto")
        image_axis.set_title(f"test image {index} ({labels[pair]})")
        image_axis.set_xticks([0, 27], [1, 28])
        image_axis.set_xlabel("pixel")
        state = state_axis.imshow(hidden[pair][:, order], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        state_axis.set_title("hidden state h")
        state_axis.set_xticks([0, len(order) - 1], [1, len(order)])
        state_axis.set_xlabel("unit")
        chance = class_axis.imshow(probabilities[pair], cmap="viridis", vmin=0, vmax=1, aspect="auto")
        class_axis.set_title("P(class)")
        class_axis.set_xticks([0, 5, 9], [0, 5, 9])
        class_axis.set_xlabel("class")
    label_steps(axes[0], label=False)
    axes[0].set_ylabel("step t = image row")
    figure.colorbar(state, ax=axes[:3], location="bottom", shrink=0.8, aspect=35, label="h, each unit's value after step t")
    figure.colorbar(chance, ax=axes[3:], location="bottom", shrink=0.8, aspect=35, label="P(class), the head's probability")
    if unit_order is not None:
        figure.supxlabel(UNIT_ORDER_LABEL, fontsize=plt.rcParams["axes.labelsize"])
    return figure
