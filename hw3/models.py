"""Models: the eight recurrent configurations of the assignment, four variants of the GRU (1x32)
that read the image differently or use TensorFlow 1's GRU conventions, and five whole-image
baselines, built from Keras's own layers only (a saved model loads with plain
`keras.models.load_model`).

`MODELS` is the one registry: a `ModelSpec` per model (kind, cell, shape, reading, conventions,
description, the earlier solution's numbers), from which the builders, the name check
(`model_spec`), the results sections, the report's labels and the explorer read.

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
class ModelSpec:
    """Everything the package knows about one model, in one place: what it is, how it reads the
    image, where results.json keeps it, how the report names it, and the earlier (2018) solution's
    numbers where that solution trained the same model (ASSIGNMENT.md)."""

    name: str
    kind: str  # "recurrent" (reads 28 steps) or "whole_image" (sees all pixels at once)
    section: str  # where results.json keeps its seed-0 entry: "configs", "variants" or "baselines"
    description: str  # in words, for the report and the tables
    cell: str | None = None  # "lstm" or "gru"
    layers: int = 0
    units: int = 0
    reading: str = "rows"  # one of READINGS: how the image becomes a sequence of 28 steps
    convention: str = "keras"  # one of CONVENTIONS: Keras 3's defaults, TensorFlow 1's GRUCell, or one part of it
    objective: str = "last_step"  # "last_step": the loss reads the head after row 28; "every_step": after every row
    trailing_blanks: int = 0  # trained on images followed by k = 0..trailing_blanks blank rows, k drawn per batch
    widths: tuple[int, ...] = ()  # whole-image models: hidden widths, or (filters 1, filters 2, dense)
    reference_accuracy: float | None = None  # the earlier solution's test accuracy
    reference_loss: float | None = None  # ... and its test loss, as printed (a sum on an unstated scale)
    reference_last_steps: tuple[tuple[int, float], ...] = ()  # ... and its read-out (step t, accuracy)

    @property
    def is_recurrent(self) -> bool:
        return self.kind == "recurrent"

    @property
    def label(self) -> str:
        """Column heading in the assignment's table, e.g. '(1 layer, 32 units)'."""
        return f"({self.layers} layer{'s' if self.layers > 1 else ''}, {self.units} units)"

    @property
    def short_name(self) -> str:
        """The name figures and the report use: 'GRU 1x32' (layers x units) for a configuration,
        'small CNN' or 'GRU 1x32, every-step loss' for the others."""
        if self.section == "configs":
            return f"{self.cell.upper()} {self.layers}x{self.units}"
        return SHORT_NAMES[self.name]

    @property
    def title(self) -> str:
        """A plain name for a reader: 'GRU (1 layer, 32 units)' for a configuration, else the description."""
        return f"{self.cell.upper()} {self.label}" if self.section == "configs" else self.description


_REFERENCE = {  # the earlier solution's (accuracy, loss) per configuration, from ASSIGNMENT.md
    "lstm_1x32": (0.9602, 1328.1), "lstm_1x64": (0.9718, 950.3), "lstm_1x128": (0.9785, 717.6),
    "lstm_3x32": (0.9699, 975.7), "gru_1x32": (0.9573, 1401.8), "gru_1x64": (0.9715, 919.5),
    "gru_1x128": (0.9779, 724.1), "gru_3x32": (0.9676, 1041.3),
}
_REFERENCE_LAST_STEPS = {  # its GRU (1x32) read out at step t as if t were the last
    "gru_1x32": ((28, 0.9596), (27, 0.9547), (26, 0.9194), (25, 0.8326), (24, 0.7230))}


SHORT_NAMES = {  # the models other than the eight configurations, as figures and the report name them
    "gru_1x32_permuted_rows": "GRU 1x32, rows shuffled", "gru_1x32_columns": "GRU 1x32, columns",
    "gru_1x32_bottom_up": "GRU 1x32, bottom-up", "gru_1x32_tf1_cell": "GRU 1x32, TF1 cell",
    "gru_1x32_every_step_loss": "GRU 1x32, every-step loss", "lstm_1x32_every_step_loss": "LSTM 1x32, every-step loss",
    "gru_1x32_trailing_blanks": "GRU 1x32, trailing blanks", "lstm_1x32_trailing_blanks": "LSTM 1x32, trailing blanks",
    "gru_1x32_tf1_reset_before": "GRU 1x32, TF1 reset before", "gru_1x32_tf1_gate_bias": "GRU 1x32, TF1 gate biases",
    "gru_1x32_tf1_glorot": "GRU 1x32, TF1 Glorot kernel", "linear": "softmax regression", "mlp": "perceptron",
    "cnn": "CNN", "mlp_small": "small perceptron", "cnn_small": "small CNN"}

CONVENTIONS = {  # how build_recurrent_model builds the GRU: Keras layer options, z and r gate biases starting at 1
    "keras": ({}, False),
    "tf1": ({"reset_after": False, "recurrent_initializer": "glorot_uniform"}, True),  # TensorFlow 1's GRUCell
    "tf1_reset_before": ({"reset_after": False}, False),
    "tf1_gate_bias": ({}, True),
    "tf1_glorot": ({"recurrent_initializer": "glorot_uniform"}, False),
}


def _configuration(cell: str, layers: int, units: int) -> ModelSpec:
    name = f"{cell}_{layers}x{units}"
    accuracy, loss = _REFERENCE[name]
    return ModelSpec(name, "recurrent", "configs", f"{cell.upper()}, {layers} layer{'s' if layers > 1 else ''} "
                     f"of {units} units", cell, layers, units, reference_accuracy=accuracy, reference_loss=loss,
                     reference_last_steps=_REFERENCE_LAST_STEPS.get(name, ()))


def _gru_variant(name: str, description: str, **options) -> ModelSpec:
    """The GRU (1x32) reading the image differently or built with TensorFlow 1's GRUCell conventions
    (the earlier solution's cell), or one of those conventions alone; same head, same training."""
    return ModelSpec(name, "recurrent", "variants", description, "gru", 1, 32, **options)


def _trained_differently(cell: str, objective: str = "last_step", trailing_blanks: int = 0) -> ModelSpec:
    """A 1x32 network of `cell` with the plain architecture, trained with another loss or on images
    followed by blank rows (Q3.3's interventions on the objective)."""
    if objective == "every_step":
        name, how = f"{cell}_1x32_every_step_loss", "the loss averaged over the head read after every row"
    else:
        name, how = f"{cell}_1x32_trailing_blanks", f"trained on images followed by 0-{trailing_blanks} blank rows"
    return ModelSpec(name, "recurrent", "variants", f"{cell.upper()} (1x32), {how}", cell, 1, 32,
                     objective=objective, trailing_blanks=trailing_blanks)


def _whole_image(name: str, description: str, widths: tuple[int, ...]) -> ModelSpec:
    return ModelSpec(name, "whole_image", "baselines", description, widths=widths)


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    *(_configuration(cell, layers, units) for cell in ("lstm", "gru")
      for layers, units in ((1, 32), (1, 64), (1, 128), (3, 32))),
    _gru_variant("gru_1x32_permuted_rows", "GRU (1x32) reading the rows in one fixed random order",
                 reading="permuted_rows"),
    _gru_variant("gru_1x32_columns", "GRU (1x32) reading the columns, left to right", reading="columns"),
    _gru_variant("gru_1x32_bottom_up", "GRU (1x32) reading the rows bottom to top", reading="bottom_up"),
    _gru_variant("gru_1x32_tf1_cell", "GRU (1x32) with TensorFlow 1's GRUCell conventions", convention="tf1"),
    *(_trained_differently(cell, objective="every_step") for cell in ("gru", "lstm")),
    *(_trained_differently(cell, trailing_blanks=8) for cell in ("gru", "lstm")),
    _gru_variant("gru_1x32_tf1_reset_before", "GRU (1x32) with only the reset gate applied before the recurrent "
                 "product (reset_after=False)", convention="tf1_reset_before"),
    _gru_variant("gru_1x32_tf1_gate_bias", "GRU (1x32) with only the update and reset gate biases starting at 1",
                 convention="tf1_gate_bias"),
    _gru_variant("gru_1x32_tf1_glorot", "GRU (1x32) with only a Glorot-uniform recurrent kernel",
                 convention="tf1_glorot"),
    _whole_image("linear", "softmax regression on the 784 pixels", ()),
    _whole_image("mlp", "multilayer perceptron 784-256-256-10, ReLU", (256, 256)),
    _whole_image("cnn", "conv 3x3x16, pool, conv 3x3x32, pool, dense 64, dense 10", (16, 32, 64)),
    # the small ones: the building blocks of mlp and cnn, narrower, within 10% of the GRU (1x32)'s parameters
    _whole_image("mlp_small", "multilayer perceptron 784-12-12-10, ReLU", (12, 12)),
    _whole_image("cnn_small", "conv 3x3x4, pool, conv 3x3x8, pool, dense 24, dense 10", (4, 8, 24)),
)}


def _names(section: str) -> tuple[str, ...]:
    return tuple(name for name, spec in MODELS.items() if spec.section == section)


CONFIG_NAMES = _names("configs")  # the eight columns of the assignment's table, in its order
VARIANT_NAMES = ("gru_1x32_permuted_rows", "gru_1x32_columns", "gru_1x32_bottom_up", "gru_1x32_tf1_cell")  # Q3.1
OBJECTIVE_NAMES = ("gru_1x32_every_step_loss", "lstm_1x32_every_step_loss", "gru_1x32_trailing_blanks",
                   "lstm_1x32_trailing_blanks")  # Q3.3: what the training objective does to the decision
TF1_PART_NAMES = ("gru_1x32_tf1_reset_before", "gru_1x32_tf1_gate_bias", "gru_1x32_tf1_glorot")  # Q3.3: one at a time
WHOLE_IMAGE_NAMES = _names("baselines")
BASELINE_NAMES = ("linear", "mlp", "cnn")
SMALL_BASELINE_NAMES = ("mlp_small", "cnn_small")  # within 10% of the GRU (1x32)'s parameters
ALL_MODEL_NAMES = tuple(MODELS)
REFERENCE_ACCURACY = {name: spec.reference_accuracy for name, spec in MODELS.items() if spec.reference_accuracy}


def model_spec(name: str) -> ModelSpec:
    """The registry's entry for `name`; the one check of a model name (ValueError listing the valid ones)."""
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown model {name!r}; valid names: recurrent configurations: {', '.join(CONFIG_NAMES)}; "
                         f"variants: {', '.join(VARIANT_NAMES)}; baselines: {', '.join(WHOLE_IMAGE_NAMES)}.") from None


def is_recurrent(name: str) -> bool:
    """True for the eight configurations and the GRU variants, False for the whole-image baselines."""
    return model_spec(name).is_recurrent


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


def reading_transform(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """The pure function (N, 28, 28) -> (N, 28, 28) that turns images into what model `name`'s
    recurrent layer reads (identity for the eight configurations and the baselines)."""
    return READINGS[model_spec(name).reading]


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
    recurrent kernel, update and reset gate biases starting at 1.0 (candidate bias at 0); the
    "tf1_..." conventions take one of these three changes alone (`CONVENTIONS`). A model trained on
    images followed by blank rows accepts sequences of any length (N, T, 28).
    """
    config = model_spec(name)
    if not config.is_recurrent:
        raise ValueError(f"{name!r} sees the whole image; build it with build_model or build_baseline_model.")
    recurrent_class = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    steps = None if config.trailing_blanks else SEQUENCE_LENGTH  # trained on longer sequences too
    inputs = keras.Input(shape=(steps, ROW_WIDTH), name="image_rows")
    x = inputs
    reading = _reading_order_layer(config.reading)
    if reading is not None:
        x = reading(x)
    x = keras.layers.Dense(config.units, name="input_projection")(x)
    if config.convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {config.convention!r}; valid: {', '.join(CONVENTIONS)}.")
    options, gate_bias_one = CONVENTIONS[config.convention]
    if config.convention != "keras" and config.cell != "gru":
        raise ValueError(f"the TF1 conventions are defined for the GRU only; got cell {config.cell!r}.")
    for index in range(1, config.layers + 1):
        layer = recurrent_class(config.units, return_sequences=index < config.layers, name=f"recurrent_{index}",
                                **options)
        x = layer(x)
        if gate_bias_one:
            kernel, recurrent_kernel, bias = layer.get_weights()
            if bias.ndim == 1:  # reset_after=False: one bias [update z, reset r, candidate]
                bias[:2 * config.units] = 1.0
            else:  # reset_after=True: an input-side row and a recurrent-side row; the input side carries the 1
                bias[0, :2 * config.units] = 1.0
            layer.set_weights([kernel, recurrent_kernel, bias])
    x = keras.layers.Activation("relu", name="recurrent_relu")(x)
    x = keras.layers.Dense(HEAD_UNITS, activation="relu", name="hidden")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_baseline_model(name: str) -> keras.Model:
    """A model that sees the whole image at once (Q3.1): images (N, 28, 28) -> logits (N, 10).

    `mlp_small` and `cnn_small` have the building blocks of `mlp` and `cnn`, narrower, so that their
    parameter counts lie within 10% of the GRU (1x32)'s 10,026."""
    spec = model_spec(name)
    if spec.is_recurrent:
        raise ValueError(f"{name!r} is recurrent; build it with build_model or build_recurrent_model.")
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH), name="image")
    if name.startswith("cnn"):
        filters_1, filters_2, dense = spec.widths
        x = keras.layers.Reshape((SEQUENCE_LENGTH, ROW_WIDTH, 1))(inputs)
        x = keras.layers.Conv2D(filters_1, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Conv2D(filters_2, 3, activation="relu", padding="same")(x)
        x = keras.layers.MaxPooling2D()(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(dense, activation="relu")(x)
    else:
        x = keras.layers.Flatten()(inputs)
        for width in spec.widths:
            x = keras.layers.Dense(width, activation="relu")(x)
    logits = keras.layers.Dense(NUM_CLASSES, name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def build_model(name: str) -> keras.Model:
    """Any configuration, variant or baseline, by name."""
    return build_recurrent_model(name) if is_recurrent(name) else build_baseline_model(name)


def trainable_parameters(model: keras.Model) -> int:
    """The number of trained weights (a variant's frozen row-order matrix is not counted)."""
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def recurrent_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's LSTM/GRU layers, bottom to top."""
    layers = [layer for layer in model.layers if isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))]
    if not layers:
        raise ValueError(f"model {model.name!r} has no LSTM or GRU layer; pass one of the eight recurrent models.")
    return layers
