"""Plots of the Q3 controls: the read-out aligned to the last ink row, shifted digits and extra blank
rows, row occlusion, linear probes, what the read-out says per step, the state's geometry, and the
errors. Like plots.py, functions take arrays and results and return a matplotlib Figure.

Imports from the package: settings, models, plots.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from hw3.models import MODELS
from hw3.plots import CELL_COLOURS, PRINT_WIDTH, STEP_TICKS, printable
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH

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
    figure, (curve_axis, hist_axis) = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 3.8), gridspec_kw={"width_ratios": [1.7, 1]})
    for (label, curve), colour in zip(curves.items(), ("tab:orange", "tab:blue", "tab:green")):
        offsets = [int(k) for k in curve]
        curve_axis.plot(offsets, list(curve.values()), "-o", color=colour, label=label, markersize=4)
    curve_axis.axvline(0, color="grey", linewidth=0.8)
    curve_axis.set(xlabel="k = t - L (steps after the last ink row L)", ylabel="read-out accuracy at step L + k",
                   title="Read-out aligned to where each digit's ink ends")
    curve_axis.legend(loc="lower right")
    hist_axis.hist(last_ink[last_ink > 0], bins=np.arange(0.5, SEQUENCE_LENGTH + 1.5), color="tab:grey")
    hist_axis.set(xlabel="last ink row L", ylabel="test images", title="Where the ink ends", xlim=(14.5, 28.5))
    return _finish(figure, "")


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
    figure, axes = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 2.1), sharey=True, layout="constrained")
    for axis, cell in zip(axes, ("gru", "lstm")):
        for name, mean in over_seeds.items():
            if name.startswith(cell):
                style, marker, _ = TRAINING_STYLES[_training(name)]
                extra = [int(k) for k in mean]
                axis.plot(extra, list(mean.values()), style, marker=marker, markersize=4, color=CELL_COLOURS[cell])
        axis.set(xlabel="blank rows k appended after row 28", title=f"{cell.upper()} 1x32, mean over seeds",
                 ylim=(0.0, 1.0))
        axis.set_xticks(extra)
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy read after row 28 + k")
    _training_legend(figure, probe=False)
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
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    axis.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    axis.set_xticks(range(NUM_CLASSES))
    axis.set_yticks(range(NUM_CLASSES))
    axis.set(xlabel="predicted", ylabel="true", title=title)
    for true in range(NUM_CLASSES):
        for predicted in range(NUM_CLASSES):
            if matrix[true, predicted] and true != predicted and rates[true, predicted] >= 0.01:
                axis.text(predicted, true, f"{matrix[true, predicted]}", ha="center", va="center", fontsize=9,
                          color="black")


def plot_readout_shares(shares: Mapping[str, Sequence[float]], confusions: Mapping[str, np.ndarray]) -> plt.Figure:
    """Left: the share of test images read out as each class at each listed step. Right: the
    read-out's confusion matrices at the given steps (rows normalized; off-diagonal counts >= 1%)."""
    figure, axes = plt.subplots(1, 1 + len(confusions), figsize=(3.8 * (1 + len(confusions)), 4.0))
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
        _confusion_panel(axis, np.asarray(matrix), f"step {step}")
    return _finish(figure, "What the GRU (1x32)'s read-out says during the image")


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
    ratio_axis.plot(np.arange(1, SEQUENCE_LENGTH + 1), separation, "-o", markersize=3, color="tab:orange")
    ratio_axis.set(xlabel="step t", ylabel="between / within class variance (log scale)", yscale="log",
                   title="Class separation of h_t (step 1: almost every state is the same)")
    ratio_axis.set_xticks(STEP_TICKS)
    return _finish(figure, "")


def plot_confusions(matrices: Mapping[str, np.ndarray]) -> plt.Figure:
    """Final confusion matrix of each named model (rows normalized; off-diagonal counts >= 1%)."""
    figure, axes = plt.subplots(1, len(matrices), figsize=(4.6 * len(matrices), 4.4), squeeze=False)
    for axis, (name, matrix) in zip(axes[0], matrices.items()):
        matrix = np.asarray(matrix)
        _confusion_panel(axis, matrix, f"{name}: {matrix.trace()} of {matrix.sum()} right")
    return _finish(figure, "Test-set confusion matrices")


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
    figure, axes = plt.subplots(1, 2, figsize=(PRINT_WIDTH, 3.2), sharey=True)
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
    axes[0].set_ylabel("test accuracy (seed 0)")
    axes[1].legend(loc="lower center", ncol=2)
    return _finish(figure, "")
