"""Models: the eight recurrent configurations of the assignment and three whole-image baselines,
built from Keras's own layers only (a saved model loads with plain `keras.models.load_model`).

Imports from the package: settings.
"""
from __future__ import annotations

from dataclasses import dataclass

import keras
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
BASELINE_NAMES = ("linear", "mlp", "cnn")
BASELINE_DESCRIPTIONS = {
    "linear": "softmax regression on the 784 pixels",
    "mlp": "multilayer perceptron 784-256-256-10, ReLU",
    "cnn": "conv 3x3x16, pool, conv 3x3x32, pool, dense 64, dense 10",
}


def get_config(name: str) -> RecurrentConfig:
    """The configuration called `name` (e.g. 'gru_1x32'); ValueError listing the valid names."""
    try:
        return RECURRENT_CONFIGS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown configuration {name!r}; valid names: {', '.join(CONFIG_NAMES)}.") from None


def check_model_name(name: str) -> str:
    """`name` if it is one of the eight configurations or three baselines; else ValueError."""
    if name not in RECURRENT_CONFIGS and name not in BASELINE_NAMES:
        raise ValueError(f"unknown model {name!r}; recurrent configurations: {', '.join(CONFIG_NAMES)}; "
                         f"baselines: {', '.join(BASELINE_NAMES)}.")
    return name


def build_recurrent_model(name: str) -> keras.Model:
    """The assignment's architecture for configuration `name`: images (N, 28, 28) -> logits (N, 10).

    row (28) -> Dense(units) affine projection -> LSTM/GRU layer(s) -> last output -> ReLU
    -> Dense(64) + ReLU -> Dense(10) logits. Built-in layers only, so a saved model loads with
    plain `keras.models.load_model`.
    """
    config = get_config(name)
    recurrent_class = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH), name="image_rows")
    x = keras.layers.Dense(config.units, name="input_projection")(inputs)
    for index in range(1, config.layers + 1):
        x = recurrent_class(config.units, return_sequences=index < config.layers, name=f"recurrent_{index}")(x)
    x = keras.layers.Activation("relu", name="recurrent_relu")(x)
    x = keras.layers.Dense(HEAD_UNITS, activation="relu", name="hidden")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_baseline_model(name: str) -> keras.Model:
    """A model that sees the whole image at once (Q3.1): images (N, 28, 28) -> logits (N, 10)."""
    if name not in BASELINE_NAMES:
        raise ValueError(f"unknown baseline {name!r}; valid names: {', '.join(BASELINE_NAMES)}.")
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH), name="image")
    if name == "cnn":
        x = keras.layers.Reshape((SEQUENCE_LENGTH, ROW_WIDTH, 1))(inputs)
        x = keras.layers.Conv2D(16, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Conv2D(32, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(64, activation="relu")(x)
    else:
        x = keras.layers.Flatten()(inputs)
        if name == "mlp":
            x = keras.layers.Dense(256, activation="relu")(x)
            x = keras.layers.Dense(256, activation="relu")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_model(name: str) -> keras.Model:
    """Any of the eight recurrent configurations or the three baselines, by name."""
    if check_model_name(name) in BASELINE_NAMES:
        return build_baseline_model(name)
    return build_recurrent_model(name)


def recurrent_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's LSTM/GRU layers, bottom to top."""
    layers = [layer for layer in model.layers if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))]
    if not layers:
        raise ValueError(f"model {model.name!r} has no LSTM or GRU layer; pass one of the eight recurrent models.")
    return layers
