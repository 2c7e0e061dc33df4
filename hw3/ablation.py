"""Ablations: the test accuracy of a trained one-layer model after one change to its weights, with
everything else left as trained. Silencing a unit zeroes the weights that read it; fixing a forget
gate at 0.5 zeroes the weights and bias that drive it.

Imports from the package: data, models, readout.
"""
from __future__ import annotations

from typing import Callable, Sequence

import keras
import numpy as np

from hw3.data import check_image_batch
from hw3.models import recurrent_layers
from hw3.readout import model_accuracy


def _editable_copy(model: keras.Model) -> tuple[keras.Model, keras.layers.Layer]:
    """A clone of a one-layer recurrent model with the same weights, and its recurrent layer."""
    layers = recurrent_layers(model)
    if len(layers) != 1:
        raise ValueError(f"ablations take a one-layer model; {model.name!r} has {len(layers)} recurrent layers.")
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy, recurrent_layers(copy)[0]


def _accuracies_after_edits(model: keras.Model, images: np.ndarray, labels: np.ndarray,
                            edits: Sequence[Callable[[list, list], None]]) -> np.ndarray:
    """Accuracy after each edit; an edit changes copies of [kernel, recurrent, bias] and
    [hidden kernel, hidden bias] in place, and the original weights return before the next."""
    images = check_image_batch(images)
    labels = np.asarray(labels)
    copy, layer = _editable_copy(model)
    hidden = copy.get_layer("hidden")
    recurrent_weights, hidden_weights = layer.get_weights(), hidden.get_weights()
    accuracies = []
    for edit in edits:
        recurrent_edit = [w.copy() for w in recurrent_weights]
        hidden_edit = [w.copy() for w in hidden_weights]
        edit(recurrent_edit, hidden_edit)
        layer.set_weights(recurrent_edit)
        hidden.set_weights(hidden_edit)
        accuracies.append(model_accuracy(copy, images, labels, batch_size=len(images)))
    return np.array(accuracies)


def silenced_unit_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Test accuracy with unit j silenced, for every unit j: (units,).

    Unit j's output h_j then reaches neither the gates nor the candidate of any unit (row j of the
    recurrent kernel is zero) nor the head (row j of the first dense layer's kernel is zero), at
    every step. Works for LSTM and GRU models of one layer.
    """
    units = recurrent_layers(model)[0].units

    def silence(j):
        def edit(recurrent, hidden):
            recurrent[1][j, :] = 0.0
            hidden[0][j, :] = 0.0
        return edit

    return _accuracies_after_edits(model, images, labels, [silence(j) for j in range(units)])


def halved_forget_accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray,
                           unit_sets: Sequence[Sequence[int]]) -> np.ndarray:
    """Test accuracy of an LSTM model with the forget gates of each set of units fixed at 0.5, one
    accuracy per set: its kernel and recurrent columns and its bias are zero, so f = sigmoid(0)."""
    layer = recurrent_layers(model)[0]
    if not isinstance(layer, keras.layers.LSTM):
        raise ValueError(f"{model.name!r} has no forget gate; pass an LSTM model.")
    units = layer.units

    def halve(chosen):
        columns = [units + j for j in chosen]  # Keras's blocks: i, f, c, o

        def edit(recurrent, hidden):
            recurrent[0][:, columns] = 0.0
            recurrent[1][:, columns] = 0.0
            recurrent[2][columns] = 0.0
        return edit

    return _accuracies_after_edits(model, images, labels, [halve(list(chosen)) for chosen in unit_sets])


def forget_ablation(model: keras.Model, images: np.ndarray, labels: np.ndarray, chosen: Sequence[int],
                    draws: int = 20, seed: int = 0) -> dict:
    """Accuracy drop when the forget gates of `chosen` units are fixed at 0.5, against the same
    number of other units drawn at random (`draws` draws, without replacement within a draw)."""
    full = model_accuracy(model, images, labels, batch_size=len(images))
    units = recurrent_layers(model)[0].units
    others = [j for j in range(units) if j not in set(chosen)]
    rng = np.random.default_rng(seed)
    random_sets = [sorted(int(j) for j in rng.choice(others, size=len(chosen), replace=False)) for _ in range(draws)]
    accuracy = halved_forget_accuracy(model, images, labels, [list(chosen)] + random_sets)
    random_drops = full - accuracy[1:]
    return {"units": [int(j) for j in chosen], "full_accuracy": round(full, 6),
            "accuracy": round(float(accuracy[0]), 6), "drop": round(float(full - accuracy[0]), 6),
            "random_units": random_sets, "random_drops": [round(float(d), 6) for d in random_drops],
            "random_drop_mean": round(float(random_drops.mean()), 6),
            "random_drop_std": round(float(random_drops.std(ddof=1)), 6),
            "random_drops_at_least_as_large": int((random_drops >= full - accuracy[0]).sum())}
