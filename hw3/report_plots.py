"""Report plots: the figures drawn for the printed report only, at their printed size (plots.PRINT_WIDTH
wide, 8 pt type), beside the notebook's larger versions of the same data.

Imports from the package: settings, models, statistics, plots, control_plots.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from hw3.control_plots import FAMILY_STYLES, model_family
from hw3.models import MODELS
from hw3.plots import CELL_COLOURS, PRINT_WIDTH, histories_by_shape, label_steps, printable
from hw3.settings import NUM_CLASSES
from hw3.statistics import seed_values


@printable
def plot_seed_accuracies(results: Mapping, shapes: Sequence[str], baselines: Sequence[str],
                         reference: Mapping[str, float]) -> plt.Figure:
    """Test accuracy of every seed (dots) and their mean (bar) per model: LSTM and GRU side by side
    for each shape, the whole-image baselines on the right, the earlier solution as crosses."""
    figure, axis = plt.subplots(figsize=(PRINT_WIDTH, 2.4), layout="constrained")
    columns = [(f"{cell}_{shape}", position + offset, CELL_COLOURS[cell])
               for position, shape in enumerate(shapes) for cell, offset in (("lstm", -0.18), ("gru", 0.18))]
    columns += [(name, len(shapes) + position, "tab:grey") for position, name in enumerate(baselines)]
    for name, x, colour in columns:
        values = seed_values(results, name)
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
        mean = float(seed_values(results, name).mean())
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
def plot_size_comparison(seeds: Mapping[str, Mapping[str, Mapping]]) -> plt.Figure:
    """Q3.1, size and inductive bias: one row per model, ordered by its trained parameters (written
    in its label), every seed's test accuracy a dot and the mean a larger marker. Labels sit in the
    margin, so none can touch a marker."""
    names = sorted((name for name in seeds if _answers_q3_1(name)), key=lambda name: (seeds[name]["0"]["parameters"], name))
    figure, axis = plt.subplots(figsize=(PRINT_WIDTH, 2.75), layout="constrained")
    for row, name in enumerate(names):
        colour, marker = FAMILY_STYLES[model_family(name)]
        accuracies = seed_values({"seeds": seeds}, name)
        axis.scatter(accuracies, np.full(len(accuracies), row), s=8, color=colour, alpha=0.5)
        axis.scatter([accuracies.mean()], [row], s=30, color=colour, marker=marker, edgecolor="white", zorder=3)
    axis.set_yticks(range(len(names)), [f"{MODELS[name].short_name} ({seeds[name]['0']['parameters']:,})"
                                        for name in names])
    axis.set_ylim(-0.7, len(names) - 0.3)
    axis.set_xlabel("test accuracy (dots: seeds 0-4; marker: their mean); rows: model (trained parameters)")
    axis.grid(alpha=0.3, axis="x")
    names = {"lstm": "LSTM", "gru": "GRU", "variant": "GRU 1x32 variant"}
    for family, (colour, marker) in FAMILY_STYLES.items():
        axis.scatter([], [], color=colour, marker=marker, label=names.get(family, family))
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title="kind of model", frameon=False)
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
        state_axis.set_xlabel("unit (by rank)")
        chance = class_axis.imshow(probabilities[pair], cmap="viridis", vmin=0, vmax=1, aspect="auto")
        class_axis.set_title("P(class)")
        class_axis.set_xticks([0, 5, 9], [0, 5, 9])
        class_axis.set_xlabel("class")
    label_steps(axes[0], label=False)
    axes[0].set_ylabel("step t = image row")
    figure.colorbar(state, ax=axes[:3], location="bottom", shrink=0.8, aspect=35, label="h, each unit's value after step t")
    figure.colorbar(chance, ax=axes[3:], location="bottom", shrink=0.8, aspect=35, label="P(class), the head's probability")
    return figure
