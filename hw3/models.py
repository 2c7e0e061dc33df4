"""Models: the eight recurrent configurations of the assignment, four variants of the GRU (1x32)
that read the image differently or use TensorFlow 1's GRU conventions, and five whole-image
baselines, built from Keras's own layers only (a saved model loads with plain
`keras.models.load_model`).

How a variant reads the image is a property of its configuration: `reading_transform(name)` is the
pure function on (N, 28, 28) arrays, and the model applies the same transform as its first layer
(`reading_order`), so every caller (training, evaluation, read-out, probes) feeds it plain images
and none can forget the transform.

Imports from the package: settings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import keras
import numpy as np
import tensorflow as tf

from hw3.settings import NUM_CLASSES, ROW_WIDTH, SEQUENCE_LENGTH

tf.get_logger().setLevel("ERROR")  # no retracing warnings in the rendered notebook

HEAD_UNITS = 64  # the fully connected hidden layer of the classification head


@dataclass(frozen=True)
class RecurrentConfig:
    """One of the eight configurations: cell type, number of stacked layers, units per layer."""

    cell: str  # "lstm" or "gru"
    layers: int
    units: int
    reading: str = "rows"  # one of READINGS: how the image becomes a sequence of 28 steps
    convention: str = "keras"  # "keras" (Keras 3 defaults) or "tf1" (TensorFlow 1's GRUCell)

    @property
    def label(self) -> str:
        """Column heading in the assignment's table, e.g. '(1 layer, 32 units)'."""
        return f"({self.layers} layer{'s' if self.layers > 1 else ''}, {self.units} units)"


RECURRENT_CONFIGS: dict[str, RecurrentConfig] = {
    f"{cell}_{layers}x{units}": RecurrentConfig(cell, layers, units)
    for cell in ("lstm", "gru")
    for layers, units in ((1, 32), (1, 64), (1, 128), (3, 32))
}
CONFIG_NAMES = tuple(RECURRENT_CONFIGS)

# The GRU (1x32) reading the image differently (Q3.1, Q3.3) or built with TensorFlow 1's GRUCell
# conventions (the earlier solution's cell). Same head, same training.
VARIANT_CONFIGS: dict[str, RecurrentConfig] = {
    "gru_1x32_permuted_rows": RecurrentConfig("gru", 1, 32, reading="permuted_rows"),
    "gru_1x32_columns": RecurrentConfig("gru", 1, 32, reading="columns"),
    "gru_1x32_bottom_up": RecurrentConfig("gru", 1, 32, reading="bottom_up"),
    "gru_1x32_tf1_cell": RecurrentConfig("gru", 1, 32, convention="tf1"),
}
VARIANT_NAMES = tuple(VARIANT_CONFIGS)
VARIANT_DESCRIPTIONS = {
    "gru_1x32_permuted_rows": "GRU (1x32) reading the rows in one fixed random order",
    "gru_1x32_columns": "GRU (1x32) reading the columns, left to right",
    "gru_1x32_bottom_up": "GRU (1x32) reading the rows bottom to top",
    "gru_1x32_tf1_cell": "GRU (1x32) with TensorFlow 1's GRUCell conventions",
}
BASELINE_NAMES = ("linear", "mlp", "cnn")
SMALL_BASELINE_NAMES = ("mlp_small", "cnn_small")  # within 10% of the GRU (1x32)'s parameters
WHOLE_IMAGE_NAMES = BASELINE_NAMES + SMALL_BASELINE_NAMES
BASELINE_DESCRIPTIONS = {
    "linear": "softmax regression on the 784 pixels",
    "mlp": "multilayer perceptron 784-256-256-10, ReLU",
    "cnn": "conv 3x3x16, pool, conv 3x3x32, pool, dense 64, dense 10",
    "mlp_small": "multilayer perceptron 784-12-12-10, ReLU",
    "cnn_small": "conv 3x3x4, pool, conv 3x3x8, pool, dense 24, dense 10",
}
_BASELINE_WIDTHS = {  # hidden widths of the perceptrons; filters and dense width of the CNNs
    "mlp": (256, 256), "mlp_small": (12, 12), "cnn": (16, 32, 64), "cnn_small": (4, 8, 24)}
ALL_MODEL_NAMES = CONFIG_NAMES + VARIANT_NAMES + WHOLE_IMAGE_NAMES

# --- Reading orders: how an image (28, 28) becomes the sequence of 28 steps ----------------------

PERMUTED_ROW_ORDER = np.random.default_rng(0).permutation(SEQUENCE_LENGTH)  # step i reads image row ORDER[i]


def permute_rows(images: np.ndarray, row_order=PERMUTED_ROW_ORDER) -> np.ndarray:
    """Row i of the result is row `row_order[i]` of each image: (N, 28, 28) -> (N, 28, 28)."""
    return np.asarray(images)[:, np.asarray(row_order)]


def rows_bottom_up(images: np.ndarray) -> np.ndarray:
    """Rows in reverse order, so step 1 reads image row 28: (N, 28, 28) -> (N, 28, 28)."""
    return np.asarray(images)[:, ::-1]


def columns_left_to_right(images: np.ndarray) -> np.ndarray:
    """The transposed images, so step i reads image column i, top to bottom: (N, 28, 28) -> (N, 28, 28)."""
    return np.asarray(images).transpose(0, 2, 1)


READINGS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "rows": lambda images: np.asarray(images),
    "permuted_rows": permute_rows,
    "bottom_up": rows_bottom_up,
    "columns": columns_left_to_right,
}


def get_config(name: str) -> RecurrentConfig:
    """The configuration called `name` (e.g. 'gru_1x32', 'gru_1x32_columns'); ValueError listing the valid names."""
    try:
        return {**RECURRENT_CONFIGS, **VARIANT_CONFIGS}[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown configuration {name!r}; valid names: "
                         f"{', '.join(CONFIG_NAMES + VARIANT_NAMES)}.") from None


def is_recurrent(name: str) -> bool:
    """True for the eight configurations and the GRU variants, False for the whole-image baselines."""
    return check_model_name(name) not in WHOLE_IMAGE_NAMES


def check_model_name(name: str) -> str:
    """`name` if it is a configuration, a variant or a baseline; else ValueError."""
    if name not in ALL_MODEL_NAMES:
        raise ValueError(f"unknown model {name!r}; recurrent configurations: {', '.join(CONFIG_NAMES)}; "
                         f"variants: {', '.join(VARIANT_NAMES)}; baselines: {', '.join(WHOLE_IMAGE_NAMES)}.")
    return name


def reading_transform(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The pure function (N, 28, 28) -> (N, 28, 28) that turns images into what model `name`'s
    recurrent layer reads (identity for the eight configurations and the baselines)."""
    return READINGS[get_config(name).reading] if is_recurrent(name) else READINGS["rows"]


def _reading_order_layer(reading: str) -> keras.layers.Layer | None:
    """The model's first layer for a non-default reading, built from Keras layers only: a transpose
    for columns; for a row order, a transpose, a frozen 0/1 matrix that reorders the rows (exact
    on binary pixels), and a transpose back. None for the plain top-to-bottom reading."""
    if reading == "rows":
        return None
    if reading == "columns":
        return keras.layers.Permute((2, 1), name="reading_order")
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}; valid: {', '.join(READINGS)}.")
    order = READINGS[reading](np.arange(SEQUENCE_LENGTH)[None, :, None])[0, :, 0]  # step i reads row order[i]
    reorder = keras.layers.Dense(SEQUENCE_LENGTH, use_bias=False, trainable=False, name="row_order")
    layer = keras.Sequential([keras.layers.Permute((2, 1)), reorder, keras.layers.Permute((2, 1))],
                             name="reading_order")
    layer.build((None, SEQUENCE_LENGTH, ROW_WIDTH))
    matrix = np.zeros((SEQUENCE_LENGTH, SEQUENCE_LENGTH), np.float32)
    matrix[order, np.arange(SEQUENCE_LENGTH)] = 1.0  # output step i takes input row order[i]
    reorder.set_weights([matrix])
    return layer


def build_recurrent_model(name: str) -> keras.Model:
    """The assignment's architecture for configuration `name`: images (N, 28, 28) -> logits (N, 10).

    row (28) -> Dense(units) affine projection -> LSTM/GRU layer(s) -> last output -> ReLU
    -> Dense(64) + ReLU -> Dense(10) logits. Built-in layers only, so a saved model loads with
    plain `keras.models.load_model`.

    A variant that reads the image differently starts with a `reading_order` layer (see
    `reading_transform`); the "tf1" convention builds Keras's GRU the way TensorFlow 1's GRUCell
    was: reset gate applied before the recurrent product (`reset_after=False`), Glorot-uniform
    recurrent kernel, update and reset gate biases starting at 1.0 (candidate bias at 0).
    """
    config = get_config(name)
    recurrent_class = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH), name="image_rows")
    x = inputs
    reading = _reading_order_layer(config.reading)
    if reading is not None:
        x = reading(x)
    x = keras.layers.Dense(config.units, name="input_projection")(x)
    options = {}
    if config.convention == "tf1":
        if config.cell != "gru":
            raise ValueError(f"the tf1 convention is defined for the GRU only; got cell {config.cell!r}.")
        options = {"reset_after": False, "recurrent_initializer": "glorot_uniform"}
    for index in range(1, config.layers + 1):
        layer = recurrent_class(config.units, return_sequences=index < config.layers, name=f"recurrent_{index}",
                                **options)
        x = layer(x)
        if config.convention == "tf1":
            kernel, recurrent_kernel, bias = layer.get_weights()
            bias[:2 * config.units] = 1.0  # Keras orders the bias [update z, reset r, candidate]
            layer.set_weights([kernel, recurrent_kernel, bias])
    x = keras.layers.Activation("relu", name="recurrent_relu")(x)
    x = keras.layers.Dense(HEAD_UNITS, activation="relu", name="hidden")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_baseline_model(name: str) -> keras.Model:
    """A model that sees the whole image at once (Q3.1): images (N, 28, 28) -> logits (N, 10).

    `mlp_small` and `cnn_small` have the building blocks of `mlp` and `cnn`, narrower, so that their
    parameter counts lie within 10% of the GRU (1x32)'s 10,026."""
    if name not in WHOLE_IMAGE_NAMES:
        raise ValueError(f"unknown baseline {name!r}; valid names: {', '.join(WHOLE_IMAGE_NAMES)}.")
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH), name="image")
    if name.startswith("cnn"):
        filters_1, filters_2, dense = _BASELINE_WIDTHS[name]
        x = keras.layers.Reshape((SEQUENCE_LENGTH, ROW_WIDTH, 1))(inputs)
        x = keras.layers.Conv2D(filters_1, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Conv2D(filters_2, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(dense, activation="relu")(x)
    else:
        x = keras.layers.Flatten()(inputs)
        for width in _BASELINE_WIDTHS.get(name, ()):
            x = keras.layers.Dense(width, activation="relu")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_model(name: str) -> keras.Model:
    """Any configuration, variant or baseline, by name."""
    if not is_recurrent(name):
        return build_baseline_model(name)
    return build_recurrent_model(name)


def trainable_parameters(model: keras.Model) -> int:
    """The number of trained weights (a variant's frozen row-order matrix is not counted)."""
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def recurrent_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's LSTM/GRU layers, bottom to top."""
    layers = [layer for layer in model.layers if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))]
    if not layers:
        raise ValueError(f"model {model.name!r} has no LSTM or GRU layer; pass one of the eight recurrent models.")
    return layers
