"""Inside the cells: one step of each of Keras's LSTM and GRU cells (`lstm_step`, `gru_step`, the one place
their equations are written), cells that mirror Keras's weight for weight and return their gates and
states at every step, readers that copy a trained model's weights into them, and a helper that
assembles hand-set cell weights block by block (used by the Q1 demonstrations).

Imports from the package: data, models, readout.
"""
from __future__ import annotations

from typing import Mapping

import keras
import numpy as np
from keras import ops

from hw3.data import check_image_batch
from hw3.models import recurrent_layers
from hw3.readout import every_step_model

LSTM_PARTS = ("i", "f", "o", "g", "c", "h")  # gates i, f, o; candidate g = tanh(...); cell state c; output h
GRU_PARTS = ("z", "r", "candidate", "h")


def lstm_step(pre_activation, c_previous) -> tuple:
    """One step of Keras's LSTM cell, the one place its equations are written (`LSTMInternalsCell` and
    `q1.batched_cell_outputs` both step through it).

    pre_activation = x W + h_prev U + b, (..., 4 units) in Keras's block order i, f, c, o; c_previous
    (..., units). Returns (i, f, o, g, c, h), each (..., units):
        i, f, o = sigmoid(pre)[i, f, o blocks],   g = tanh(pre)[c block]
        c = f * c_prev + i * g,   h = o * tanh(c)
    """
    z_i, z_f, z_c, z_o = ops.split(pre_activation, 4, axis=-1)
    i, f, o = ops.sigmoid(z_i), ops.sigmoid(z_f), ops.sigmoid(z_o)
    g = ops.tanh(z_c)
    c = f * c_previous + i * g
    h = o * ops.tanh(c)
    return i, f, o, g, c, h


def gru_step(from_input, from_state, h_previous) -> tuple:
    """One step of Keras's GRU cell with reset_after=True, the one place its equations are written
    (`GRUInternalsCell` and `q1.batched_cell_outputs` both step through it).

    from_input = x W + b (input bias), from_state = h_prev U + b' (recurrent bias), each (..., 3 units)
    in Keras's block order z, r, h; h_previous (..., units). Returns (z, r, candidate, h), each (..., units):
        z = sigmoid(x W_z + b_z + h_prev U_z + b'_z),   r = sigmoid(x W_r + b_r + h_prev U_r + b'_r)
        candidate = tanh(x W_h + b_h + r * (h_prev U_h + b'_h)),   h = z * h_prev + (1 - z) * candidate
    """
    x_z, x_r, x_h = ops.split(from_input, 3, axis=-1)
    s_z, s_r, s_h = ops.split(from_state, 3, axis=-1)
    z = ops.sigmoid(x_z + s_z)
    r = ops.sigmoid(x_r + s_r)
    candidate = ops.tanh(x_h + r * s_h)
    h = z * h_previous + (1.0 - z) * candidate
    return z, r, candidate, h


class LSTMInternalsCell(keras.layers.Layer):
    """Mirror of `keras.layers.LSTMCell` (tanh, sigmoid gates) that outputs its internals.

    Same weights, same layout: kernel (input_dim, 4 units), recurrent_kernel (units, 4 units),
    bias (4 units), gate blocks in Keras's order i, f, c, o. Each step is `lstm_step` on x W + h_prev U + b.
    The step output is the concatenation [i, f, o, g, c, h], (batch, 6 units).
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = len(LSTM_PARTS) * units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, 4 * self.units), name="recurrent_kernel")
        self.bias = self.add_weight(shape=(4 * self.units,), name="bias", initializer="zeros")

    def call(self, inputs, states):
        h_previous, c_previous = states
        pre_activation = ops.matmul(inputs, self.kernel) + ops.matmul(h_previous, self.recurrent_kernel) + self.bias
        i, f, o, g, c, h = lstm_step(pre_activation, c_previous)
        return ops.concatenate([i, f, o, g, c, h], axis=-1), [h, c]


class GRUInternalsCell(keras.layers.Layer):
    """Mirror of `keras.layers.GRUCell` with reset_after=True (Keras's default) exposing its gates.

    kernel (input_dim, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units) = input bias
    and recurrent bias; blocks in Keras's order z, r, h. Each step is `gru_step` on x W + b and h_prev U + b'.
    The step output is the concatenation [z, r, candidate, h], (batch, 4 units).
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units
        self.output_size = len(GRU_PARTS) * units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 3 * self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, 3 * self.units), name="recurrent_kernel")
        self.bias = self.add_weight(shape=(2, 3 * self.units), name="bias", initializer="zeros")

    def call(self, inputs, states):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        from_input = ops.matmul(inputs, self.kernel) + self.bias[0]
        from_state = ops.matmul(h_previous, self.recurrent_kernel) + self.bias[1]
        z, r, candidate, h = gru_step(from_input, from_state, h_previous)
        return ops.concatenate([z, r, candidate, h], axis=-1), [h]


def run_internals_cell(cell: keras.layers.Layer, weights: list[np.ndarray], sequences: np.ndarray,
                       initial_state: list[np.ndarray] | None = None,
                       batch_size: int = 1000) -> dict[str, np.ndarray]:
    """Run a mirroring cell with the given weights over `sequences` (N, T, input_dim).

    `initial_state`: None for zeros (as Keras starts), else [h0, c0] (LSTM) or [h0] (GRU), each
    (N, units). Returns a dict of arrays (N, T, units), keyed by LSTM_PARTS or GRU_PARTS.
    """
    sequences = np.asarray(sequences, dtype=np.float32)
    if sequences.ndim != 3:
        raise ValueError(f"sequences must be shaped (N, T, input_dim); got {sequences.shape}.")
    parts = LSTM_PARTS if isinstance(cell, LSTMInternalsCell) else GRU_PARTS
    rnn = keras.layers.RNN(cell, return_sequences=True)
    rnn.build((None,) + sequences.shape[1:])
    expected = [w.shape for w in cell.get_weights()]
    if [np.shape(w) for w in weights] != expected:
        raise ValueError(f"weights shaped {[np.shape(w) for w in weights]} do not fit the cell ({expected}); "
                         "pass the kernel, recurrent kernel and bias of a layer of the same width and input size.")
    cell.set_weights(weights)
    if initial_state is not None or len(sequences) <= 64:  # small: one eager call, no graph to trace
        states = None if initial_state is None else [ops.convert_to_tensor(np.asarray(s, np.float32))
                                                     for s in initial_state]
        stacked = np.asarray(rnn(sequences, initial_state=states))
    else:
        inputs = keras.Input(shape=sequences.shape[1:])
        stacked = keras.Model(inputs, rnn(inputs)).predict(sequences, batch_size=batch_size, verbose=0)
    return dict(zip(parts, np.split(stacked, len(parts), axis=-1)))


def _internals(model: keras.Model, images: np.ndarray, layer: int, cell_type: type, kind: str) -> dict:
    images = check_image_batch(images)
    layers = recurrent_layers(model)
    if not -len(layers) <= layer < len(layers):
        raise ValueError(f"layer {layer} does not exist: {model.name!r} has {len(layers)} recurrent layer(s).")
    index = layer % len(layers)
    target = layers[index]
    expected_class = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    if not isinstance(target, expected_class):
        raise ValueError(f"{model.name!r} is not a {kind.upper()} model; use "
                         f"{'gru' if kind == 'lstm' else 'lstm'}_internals for it.")
    if kind == "gru" and not target.cell.reset_after:
        raise ValueError("only reset_after=True GRU layers (Keras's default) are mirrored.")
    sequences = every_step_model(model, layers=index, head=False).predict(images, batch_size=1000, verbose=0)
    cell = cell_type(target.units)
    return run_internals_cell(cell, target.cell.get_weights(), sequences)


def lstm_internals(model: keras.Model, images: np.ndarray, layer: int = -1) -> dict[str, np.ndarray]:
    """Gates and states of an LSTM model's recurrent layer `layer` (default: the top one).

    Copies the trained weights into `LSTMInternalsCell`; nothing is retrained.
    images (N, 28, 28) binarized -> {'i', 'f', 'o', 'g', 'c', 'h'}, each (N, 28, units).
    """
    return _internals(model, images, layer, LSTMInternalsCell, "lstm")


def gru_internals(model: keras.Model, images: np.ndarray, layer: int = -1) -> dict[str, np.ndarray]:
    """Gates and state of a GRU model's recurrent layer `layer` (default: the top one).

    images (N, 28, 28) binarized -> {'z', 'r', 'candidate', 'h'}, each (N, 28, units).
    The GRU's output at step t is its hidden state h_t.
    """
    return _internals(model, images, layer, GRUInternalsCell, "gru")


def lstm_cell_weights(input_dim: int, units: int, kernel: Mapping[str, np.ndarray] | None = None,
                      recurrent: Mapping[str, np.ndarray] | None = None,
                      bias: Mapping[str, float] | None = None) -> list[np.ndarray]:
    """LSTMCell weights assembled from per-block parts keyed 'i', 'f', 'c', 'o' (Keras's order).

    kernel blocks (input_dim, units), recurrent blocks (units, units), biases scalars; missing
    parts are zero. Returns [kernel (input_dim, 4 units), recurrent_kernel (units, 4 units), bias]."""
    return _assemble_cell_weights("ifco", input_dim, units, kernel, recurrent, [bias or {}])


def gru_cell_weights(input_dim: int, units: int, kernel: Mapping[str, np.ndarray] | None = None,
                     recurrent: Mapping[str, np.ndarray] | None = None,
                     input_bias: Mapping[str, float] | None = None,
                     recurrent_bias: Mapping[str, float] | None = None) -> list[np.ndarray]:
    """GRUCell (reset_after=True) weights from per-block parts keyed 'z', 'r', 'h' (Keras's order).

    Returns [kernel (input_dim, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units)]."""
    return _assemble_cell_weights("zrh", input_dim, units, kernel, recurrent, [input_bias or {}, recurrent_bias or {}])


def _assemble_cell_weights(order, input_dim, units, kernel, recurrent, biases):
    kernel, recurrent = kernel or {}, recurrent or {}
    unknown = (set(kernel) | set(recurrent) | set().union(*biases)) - set(order)
    if unknown:
        raise ValueError(f"unknown gate blocks {sorted(unknown)}; this cell's blocks are {', '.join(order)}.")
    blocks = [np.asarray(kernel.get(g, np.zeros((input_dim, units))), np.float32) for g in order]
    recurrent_blocks = [np.asarray(recurrent.get(g, np.zeros((units, units))), np.float32) for g in order]
    bias = np.array([[np.float32(b.get(g, 0.0))] * units for b in biases for g in order], np.float32)
    bias = bias.reshape(len(biases), len(order) * units)
    return [np.concatenate(blocks, axis=1), np.concatenate(recurrent_blocks, axis=1),
            bias[0] if len(biases) == 1 else bias]
