"""Plots: every figure of the notebook and the report. Functions take arrays and results
dictionaries and return a matplotlib Figure; they never train or load models.

Imports from the package: settings, analysis.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import matplotlib.pyplot as plt
import numpy as np

from hw3.analysis import gate_profile, gate_saturation
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH, RunSettings

STEP_TICKS = [1, 5, 10, 15, 20, 25, 28]


def save_figure(figure: plt.Figure, name: str, settings: RunSettings) -> Path:
    """Save `figure` as figures/<name>.png of the run's output folder; returns the path."""
    settings.figures_dir.mkdir(parents=True, exist_ok=True)
    path = settings.figures_dir / f"{name}.png"
    figure.savefig(path, dpi=100, bbox_inches="tight")
    return path


def _label_steps(axis, which: str = "y", label: bool = True) -> None:
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
        _label_steps(axes[1, column], "x")
        axes[1, column].set_yticks([0, 27], [1, 28])
        axes[1, column].set_ylabel("pixel in row" if column == 0 else "")
    figure.suptitle("Binarized digits (threshold 0.1) and the 28-step sequence of rows read by the RNN")
    figure.tight_layout()
    return figure


def plot_learning_curves(results: Mapping, names: Iterable[str]) -> plt.Figure:
    """Train (dashed) and validation (solid) loss and accuracy per epoch for each named model."""
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(13, 4.6))
    colours = plt.cm.tab10.colors
    for index, name in enumerate(names):
        history = results["configs"][name]["history"]
        epochs = np.arange(1, len(history["loss"]) + 1)
        colour = colours[index % len(colours)]
        style = "-" if name.startswith("lstm") else "--"
        loss_axis.plot(epochs, history["val_loss"], style, color=colour, label=name, marker="o", markersize=3)
        loss_axis.plot(epochs, history["loss"], style, color=colour, alpha=0.35)
        accuracy_axis.plot(epochs, history["val_accuracy"], style, color=colour, label=name, marker="o", markersize=3)
        accuracy_axis.plot(epochs, history["accuracy"], style, color=colour, alpha=0.35)
    loss_axis.set(title="Cross-entropy (validation bold, training faint)", xlabel="epoch", ylabel="loss (nats)",
                  yscale="log")
    accuracy_axis.set(title="Accuracy (validation bold, training faint)", xlabel="epoch", ylabel="accuracy")
    accuracy_axis.legend(ncol=2, fontsize=8, loc="lower right")
    for axis in (loss_axis, accuracy_axis):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def plot_gru_over_time(image: np.ndarray, label: int, outputs: np.ndarray, hidden: np.ndarray,
                       probabilities: np.ndarray, index: int) -> plt.Figure:
    """Input image beside the GRU's outputs (28, units), hidden state (28, units) and per-step
    class probabilities (28, 10), rows aligned with image rows, one colour scale for the states."""
    figure, axes = plt.subplots(1, 4, figsize=(15, 4.6), layout="constrained",
                                gridspec_kw={"width_ratios": [1, 1.15, 1.15, 0.6]})
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title(f"test image {index} (label {label})")
    _label_steps(axes[0])
    axes[0].set_xlabel("pixel")
    for axis, values, title in ((axes[1], outputs, "GRU layer output $y_t$"), (axes[2], hidden, "hidden state $h_t$")):
        shown = axis.imshow(values, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
        axis.set_title(title)
        axis.set_xlabel("unit")
        _label_steps(axis, label=False)
    figure.colorbar(shown, ax=axes[1:3], fraction=0.04, label="activation (shared scale)")
    shown = axes[3].imshow(probabilities, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    axes[3].set_xticks(range(NUM_CLASSES))
    axes[3].set_xlabel("class")
    axes[3].set_title("P(class) read out at t")
    _label_steps(axes[3], label=False)
    figure.colorbar(shown, ax=axes[3], fraction=0.1, label="probability")
    final = int(probabilities[-1].argmax())
    figure.suptitle(f"GRU (1 layer, 32 units) reading test image {index}: label {label}, prediction {final}")
    return figure


def plot_lstm_gates(image: np.ndarray, label: int, internals: Mapping[str, np.ndarray], index: int) -> plt.Figure:
    """Input image beside the LSTM's gates i, f, o (0..1) and its states c and h over time."""
    panels = (("i", "input gate $i_t$"), ("f", "forget gate $f_t$"), ("o", "output gate $o_t$"),
              ("c", "cell state $c_t$"), ("h", "output $h_t$"))
    figure, axes = plt.subplots(1, 6, figsize=(20, 4.4), layout="constrained")
    axes[0].imshow(image, cmap="gray_r", vmin=0, vmax=1)
    axes[0].set_title(f"test image {index} (label {label})")
    axes[0].set_xlabel("pixel")
    _label_steps(axes[0])
    gate_image = state_image = None
    for axis, (key, title) in zip(axes[1:], panels):
        values = internals[key][index]
        if key in ("i", "f", "o"):
            gate_image = axis.imshow(values, cmap="magma", vmin=0, vmax=1, aspect="auto")
        else:
            limit = max(1.0, float(np.abs(internals["c"][index]).max())) if key == "c" else 1.0
            state_image = axis.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
            figure.colorbar(state_image, ax=axis, fraction=0.08)
        axis.set_title(title)
        axis.set_xlabel("unit")
        _label_steps(axis, label=False)
    figure.colorbar(gate_image, ax=axes[1:4], fraction=0.02, label="gate value")
    figure.suptitle(f"LSTM (1 layer, 32 units) gates over time, test image {index} (label {label})")
    return figure


def plot_stepwise_accuracy(results: Mapping, names: Iterable[str]) -> plt.Figure:
    """Test accuracy when step t's output is read out as the last, for each named model."""
    figure, (full_axis, zoom_axis) = plt.subplots(1, 2, figsize=(13, 4.4))
    steps = np.arange(1, SEQUENCE_LENGTH + 1)
    for index, name in enumerate(names):
        accuracy = results["configs"][name]["stepwise_test_accuracy"]
        style = "-" if name.startswith("lstm") else "--"
        for axis in (full_axis, zoom_axis):
            axis.plot(steps, accuracy, style, marker="o", markersize=3, label=name, color=plt.cm.tab10.colors[index % 10])
    full_axis.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
    full_axis.set(title="Read-out accuracy at every step", xlabel="step t read out as the last", ylabel="test accuracy",
                  ylim=(0, 1.0))
    zoom_axis.set(title="The last ten steps", xlabel="step t read out as the last", ylabel="test accuracy",
                  xlim=(18.5, 28.5))
    zoom_axis.legend(fontsize=8, ncol=2, loc="lower right")
    for axis in (full_axis, zoom_axis):
        axis.grid(alpha=0.3)
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
    figure, axes = plt.subplots(2, count, figsize=(3.3 * count, 6.8), squeeze=False)
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
        bottom.scatter(left, right, s=14, alpha=0.8)
        bottom.plot([0, 1], [1, 0], color="grey", linewidth=0.8, linestyle=":")
        bottom.set(xlim=(0, 1), ylim=(0, 1), xlabel="fraction < 0.1 (left-saturated)",
                   ylabel="fraction > 0.9 (right-saturated)" if column == 0 else "")
        bottom.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8, loc="lower left")
    figure.suptitle("Gates over the 10,000 test images: mean per step (top), saturation per unit (bottom)")
    figure.tight_layout()
    return figure
