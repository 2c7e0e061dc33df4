"""Helpers for Homework 3: recurrent networks reading binarized MNIST row by row.

The notebook `hw3.ipynb` tells the story; this module does the work. Sections follow the
order in which the data flows:

1. run settings       full or smoke mode, where outputs go
2. data               loading the shipped MNIST file, binarization, splits
3. models             the eight recurrent configurations and three whole-image baselines
4. training           seeded training, saved models, results.json with resume
5. inside the cells   LSTM and GRU cells that mirror Keras's and expose their gates
6. analysis           per-step readout, decision steps, gate statistics
7. plots              every figure of the notebook
8. tables             the results tables, as HTML (notebook) and Markdown (report)
9. widgets            ipywidgets explorers that call the same plotting helpers

Shapes use N for images, T = 28 for steps (image rows) and `units` for the recurrent width.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np


def _silence_native_stderr_in_kernels() -> None:
    """In a Jupyter kernel, send what C++ libraries write to file descriptor 2 (TensorFlow's absl
    lines about CUDA drivers, oneDNN and tf.data attributes) to /dev/null, so the rendered notebook
    shows no log spam. Python's own sys.stderr (warnings, tracebacks) is the kernel's stream, not
    descriptor 2, and still shows. Outside a kernel (scripts, pytest) nothing changes."""
    if "ipykernel" in sys.modules:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


_silence_native_stderr_in_kernels()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

tf.get_logger().setLevel("ERROR")  # no retracing warnings in the rendered notebook

PROJECT_DIR = Path(__file__).resolve().parent

# ----------------------------------------------------------------------------------------------
# 1. Run settings
# ----------------------------------------------------------------------------------------------

SEQUENCE_LENGTH = 28  # T: one step per image row
ROW_WIDTH = 28  # pixels per row, the input size of every step
NUM_CLASSES = 10


@dataclass(frozen=True)
class RunSettings:
    """Everything that differs between the full homework run and the fast smoke run."""

    smoke: bool
    output_dir: Path
    epochs: int = 10
    batch_size: int = 256
    learning_rate: float = 0.001
    seed: int = 0
    train_limit: int | None = None  # None: all 55,000 training images
    validation_limit: int | None = None
    test_limit: int | None = None
    retrain: bool = False

    @property
    def models_dir(self) -> Path:
        return self.output_dir / "models"

    @property
    def results_path(self) -> Path:
        return self.output_dir / "results" / "results.json"

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"

    def describe(self) -> str:
        mode = "SMOKE (small subset, 1 epoch; numbers are meaningless)" if self.smoke else "FULL"
        return (
            f"mode: {mode}\noutputs: {self.output_dir}\n"
            f"epochs {self.epochs}, batch size {self.batch_size}, learning rate {self.learning_rate}, "
            f"seed {self.seed}, retrain everything: {self.retrain}"
        )


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def run_settings() -> RunSettings:
    """Settings from the environment.

    `HW3_SMOKE=1`: 2,000 training, 500 validation and 1,000 test images, one epoch, outputs in a
    fresh temporary folder (or `HW3_OUTPUT_DIR`), never in the repository.
    `HW3_RETRAIN=1`: train every model again even when a matching saved model exists.
    """
    retrain = _env_flag("HW3_RETRAIN")
    if _env_flag("HW3_SMOKE"):
        chosen = os.environ.get("HW3_OUTPUT_DIR")
        output_dir = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="hw3-smoke-"))
        if output_dir.resolve() == PROJECT_DIR:
            raise ValueError("HW3_OUTPUT_DIR must not be the project folder in smoke mode; unset it.")
        return RunSettings(smoke=True, output_dir=output_dir, epochs=1, train_limit=2000,
                           validation_limit=500, test_limit=1000, retrain=retrain)
    return RunSettings(smoke=False, output_dir=PROJECT_DIR, retrain=retrain)


# ----------------------------------------------------------------------------------------------
# 2. Data
# ----------------------------------------------------------------------------------------------

DATA_PATH = PROJECT_DIR / "data" / "mnist.npz"
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
TRAIN_SIZE = 55_000  # the classic split: first 55,000 for training ...
VALIDATION_SIZE = 5_000  # ... last 5,000 of the 60,000 for validation
_MNIST_ARRAYS = {"x_train": (60_000, 28, 28), "y_train": (60_000,),
                 "x_test": (10_000, 28, 28), "y_test": (10_000,)}


def binarize(images: np.ndarray, threshold: float = 0.1) -> np.ndarray:
    """Pixels above `threshold` (on the [0, 1] scale) become 1.0, the rest 0.0.

    Accepts uint8 images in 0..255 or float images in [0, 1], shaped (28, 28) or (N, 28, 28).
    Returns float32 of the same shape.
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3) or images.shape[-2:] != (SEQUENCE_LENGTH, ROW_WIDTH):
        raise ValueError(f"binarize expects images shaped (28, 28) or (N, 28, 28); got {images.shape}.")
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must lie in [0, 1); got {threshold}.")
    if images.dtype == np.uint8:
        scaled = images.astype(np.float32) / 255.0
    elif np.issubdtype(images.dtype, np.floating):
        if images.size and (np.nanmin(images) < 0.0 or np.nanmax(images) > 1.0 or np.isnan(images).any()):
            raise ValueError("float images must lie in [0, 1]; scale 0..255 images by 1/255 or pass uint8.")
        scaled = images
    else:
        raise ValueError(f"binarize accepts uint8 (0..255) or float ([0, 1]) images; got dtype {images.dtype}.")
    return (scaled > threshold).astype(np.float32)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_mnist_arrays(path: Path | str = DATA_PATH, expected_sha256: str | None = MNIST_SHA256) -> dict[str, np.ndarray]:
    """The raw uint8 MNIST arrays x_train (60000, 28, 28), y_train, x_test (10000, 28, 28), y_test.

    Reads the project's own copy after checking its sha256 (pass expected_sha256=None to skip the
    check for another copy). Only when the file is missing does it fall back to
    `keras.datasets.mnist.load_data()` (which needs internet), and says so.
    """
    path = Path(path)
    if not path.exists():
        print(f"{path} is missing; falling back to keras.datasets.mnist.load_data() (downloads).")
        try:
            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        except Exception as error:  # no network, or a broken download cache
            raise FileNotFoundError(
                f"MNIST file {path} is missing and the download fallback failed ({error}). "
                "Restore data/mnist.npz from the repository (git checkout -- data/mnist.npz)."
            ) from error
        return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    if expected_sha256 is not None and file_sha256(path) != expected_sha256:
        raise ValueError(
            f"{path} is corrupt or truncated (its sha256 is not {expected_sha256}). "
            "Restore it with `git checkout -- data/mnist.npz`."
        )
    try:
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in _MNIST_ARRAYS}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise ValueError(f"{path} is not a readable MNIST .npz file ({error}); restore data/mnist.npz.") from error
    for name, shape in _MNIST_ARRAYS.items():
        if arrays[name].shape != shape:
            raise ValueError(f"{path}: {name} has shape {arrays[name].shape}, expected {shape}.")
    return arrays


@dataclass
class MnistSplits:
    """Binarized images (N, 28, 28) float32 and integer labels (N,) for the three splits."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.x_train), "validation": len(self.x_validation), "test": len(self.x_test)}


def load_binarized_mnist(settings: RunSettings | None = None, path: Path | str = DATA_PATH) -> MnistSplits:
    """Train (first 55,000), validation (last 5,000) and test (10,000) splits, binarized.

    In smoke mode the splits are cut to the settings' limits (first images of each split).
    """
    arrays = load_mnist_arrays(path)
    x_train_all, y_train_all = arrays["x_train"], arrays["y_train"].astype(np.int64)
    x_test, y_test = arrays["x_test"], arrays["y_test"].astype(np.int64)
    splits = MnistSplits(
        x_train=binarize(x_train_all[:TRAIN_SIZE]), y_train=y_train_all[:TRAIN_SIZE],
        x_validation=binarize(x_train_all[TRAIN_SIZE:]), y_validation=y_train_all[TRAIN_SIZE:],
        x_test=binarize(x_test), y_test=y_test,
    )
    if settings is not None:
        limits = {"train": settings.train_limit, "validation": settings.validation_limit, "test": settings.test_limit}
        for split, limit in limits.items():
            if limit is not None:
                x_name, y_name = ("x_" + split, "y_" + split)
                setattr(splits, x_name, getattr(splits, x_name)[:limit])
                setattr(splits, y_name, getattr(splits, y_name)[:limit])
    return splits


def check_image_batch(images: np.ndarray) -> np.ndarray:
    """Validate a batch of images (N, 28, 28) for the models; returns it as float32."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (SEQUENCE_LENGTH, ROW_WIDTH):
        raise ValueError(f"expected binarized images shaped (N, 28, 28); got {images.shape}. "
                         "Use binarize() on raw MNIST images and keep the batch axis.")
    return images.astype(np.float32, copy=False)


# ----------------------------------------------------------------------------------------------
# 3. Models
# ----------------------------------------------------------------------------------------------

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


def check_model_name(name: str) -> str:
    """`name` if it is one of the eight configurations or three baselines; else ValueError."""
    if name not in RECURRENT_CONFIGS and name not in BASELINE_NAMES:
        raise ValueError(f"unknown model {name!r}; recurrent configurations: {', '.join(CONFIG_NAMES)}; "
                         f"baselines: {', '.join(BASELINE_NAMES)}.")
    return name


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


# ----------------------------------------------------------------------------------------------
# 4. Training
# ----------------------------------------------------------------------------------------------

def seed_everything(seed: int) -> None:
    """Python, NumPy and TensorFlow seeds, and deterministic TensorFlow kernels."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def compile_for_training(model: keras.Model, learning_rate: float) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


class EpochLine(keras.callbacks.Callback):
    """Prints one compact line per epoch (no per-batch progress bar)."""

    def __init__(self, name: str, epochs: int, log: Callable[[str], None] = print):
        super().__init__()
        self.name, self.epochs, self.log = name, epochs, log
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.log(f"{self.name:>10} epoch {epoch + 1:2d}/{self.epochs}  loss {logs.get('loss', float('nan')):.4f}  "
                 f"acc {logs.get('accuracy', float('nan')):.4f}  val_loss {logs.get('val_loss', float('nan')):.4f}  "
                 f"val_acc {logs.get('val_accuracy', float('nan')):.4f}  ({time.perf_counter() - self._start:.1f} s)")


def requested_entry(name: str, settings: RunSettings, data: MnistSplits) -> dict:
    """The configuration part of a results entry: what was asked for, before any training."""
    entry: dict = {}
    if check_model_name(name) in RECURRENT_CONFIGS:
        config = get_config(name)
        entry.update(cell=config.cell, layers=config.layers, units=config.units)
    else:
        entry.update(kind=name, description=BASELINE_DESCRIPTIONS[name])
    entry.update(epochs=settings.epochs, batch_size=settings.batch_size, learning_rate=settings.learning_rate,
                 seed=settings.seed, train_examples=int(len(data.x_train)))
    return entry


def can_reuse(stored: Mapping | None, requested: Mapping, model_path: Path) -> bool:
    """True when a saved model exists and was trained with exactly the requested settings."""
    if stored is None or not model_path.exists():
        return False
    return all(stored.get(key) == requested.get(key) for key in requested)


def save_model_atomically(model: keras.Model, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.partial.keras")
    model.save(temporary)
    os.replace(temporary, path)


def write_text_atomically(text: str, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_json_atomically(data: Mapping, path: Path) -> None:
    write_text_atomically(json.dumps(data, indent=1, sort_keys=False) + "\n", path)


def environment_summary() -> dict:
    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "cpu_count": os.cpu_count()}


def load_results(settings: RunSettings) -> dict:
    """The stored results.json of this run mode, or an empty skeleton."""
    if settings.results_path.exists():
        try:
            return json.loads(settings.results_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{settings.results_path} is not valid JSON ({error}); delete it to retrain.") from error
    return {"configs": {}, "environment": environment_summary()}


def save_results(results: Mapping, settings: RunSettings) -> None:
    write_json_atomically(results, settings.results_path)


def train_model(name: str, data: MnistSplits, settings: RunSettings,
                log: Callable[[str], None] = print) -> tuple[keras.Model, dict]:
    """Train one model from scratch with the settings' hyper-parameters.

    Returns the trained model and its results entry: the requested settings plus test loss
    (mean cross-entropy per test image, in nats), test accuracy, training seconds, parameter
    count, per-epoch history, and, for recurrent models, the per-step test accuracy (28,).
    """
    entry = requested_entry(name, settings, data)
    seed_everything(settings.seed)
    model = compile_for_training(build_model(name), settings.learning_rate)
    start = time.perf_counter()
    history = model.fit(
        data.x_train, data.y_train, validation_data=(data.x_validation, data.y_validation),
        epochs=settings.epochs, batch_size=settings.batch_size, shuffle=True, verbose=0,
        callbacks=[EpochLine(name, settings.epochs, log)],
    )
    train_seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    entry.update(
        test_loss=round(float(test_loss), 6), test_accuracy=round(float(test_accuracy), 6),
        train_seconds=round(train_seconds, 1), parameters=int(model.count_params()),
        test_examples=int(len(data.x_test)),
        history={key: [round(float(value), 6) for value in values] for key, values in history.history.items()},
    )
    if name in RECURRENT_CONFIGS:
        step_logits = stepwise_logits(model, data.x_test)
        entry["stepwise_test_accuracy"] = [round(float(a), 6) for a in stepwise_accuracy(step_logits, data.y_test)]
    return model, entry


def train_or_load(names: Iterable[str], data: MnistSplits, settings: RunSettings, section: str = "configs",
                  log: Callable[[str], None] = print) -> tuple[dict[str, keras.Model], dict]:
    """Trained models for `names`, reusing saved ones whose stored settings match.

    A model is retrained when its file is missing, its stored settings differ from the requested
    ones, or `settings.retrain` is set. Each finished model and results.json are written at once
    (atomically), so an interrupted run resumes where it stopped. Returns ({name: model}, results).
    """
    names = list(names)
    for name in names:
        check_model_name(name)
    results = load_results(settings)
    results.setdefault(section, {})
    results["environment"] = environment_summary()
    models: dict[str, keras.Model] = {}
    for name in names:
        path = settings.models_dir / f"{name}.keras"
        requested = requested_entry(name, settings, data)
        stored = results[section].get(name)
        if not settings.retrain and can_reuse(stored, requested, path):
            models[name] = keras.models.load_model(path)
            log(f"{name:>10} reused {path.name} (test accuracy {stored['test_accuracy']:.4f}, "
                f"trained in {stored['train_seconds']:.0f} s)")
            continue
        model, entry = train_model(name, data, settings, log)
        save_model_atomically(model, path)
        results[section][name] = entry
        save_results(results, settings)
        log(f"{name:>10} test loss {entry['test_loss']:.4f}  test accuracy {entry['test_accuracy']:.4f}  "
            f"({entry['train_seconds']:.0f} s, {entry['parameters']:,} parameters)")
        models[name] = model
    save_results(results, settings)
    return models, results


# ----------------------------------------------------------------------------------------------
# 5. Inside the cells
# ----------------------------------------------------------------------------------------------

LSTM_PARTS = ("i", "f", "o", "g", "c", "h")  # gates i, f, o; candidate g = tanh(...); cell state c; output h
GRU_PARTS = ("z", "r", "candidate", "h")


class LSTMInternalsCell(keras.layers.Layer):
    """Mirror of `keras.layers.LSTMCell` (tanh, sigmoid gates) that outputs its internals.

    Same weights, same layout: kernel (input_dim, 4 units), recurrent_kernel (units, 4 units),
    bias (4 units), gate blocks in Keras's order i, f, c, o. At each step:
        i, f, o = sigmoid(x W + h_prev U + b)[i, f, o blocks]
        g = tanh(x W + h_prev U + b)[c block]
        c = f * c_prev + i * g;   h = o * tanh(c)
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
        z_i, z_f, z_c, z_o = ops.split(pre_activation, 4, axis=-1)
        i, f, o = ops.sigmoid(z_i), ops.sigmoid(z_f), ops.sigmoid(z_o)
        g = ops.tanh(z_c)
        c = f * c_previous + i * g
        h = o * ops.tanh(c)
        return ops.concatenate([i, f, o, g, c, h], axis=-1), [h, c]


class GRUInternalsCell(keras.layers.Layer):
    """Mirror of `keras.layers.GRUCell` with reset_after=True (Keras's default) exposing its gates.

    kernel (input_dim, 3 units), recurrent_kernel (units, 3 units), bias (2, 3 units) = input bias
    and recurrent bias; blocks in Keras's order z, r, h. At each step:
        z = sigmoid(x W_z + b_z + h_prev U_z + b'_z),   r = sigmoid(x W_r + b_r + h_prev U_r + b'_r)
        candidate = tanh(x W_h + b_h + r * (h_prev U_h + b'_h))
        h = z * h_prev + (1 - z) * candidate
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
        x_z, x_r, x_h = ops.split(from_input, 3, axis=-1)
        s_z, s_r, s_h = ops.split(from_state, 3, axis=-1)
        z = ops.sigmoid(x_z + s_z)
        r = ops.sigmoid(x_r + s_r)
        candidate = ops.tanh(x_h + r * s_h)
        h = z * h_previous + (1.0 - z) * candidate
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


def _copy_layer(layer: keras.layers.Layer, input_shape: tuple, **overrides) -> keras.layers.Layer:
    """A fresh layer with the same configuration (plus overrides) and the same trained weights."""
    config = {**layer.get_config(), **overrides}
    config["name"] = f"{layer.name}_copy"
    copy = layer.__class__.from_config(config)
    copy(keras.Input(shape=input_shape))
    copy.set_weights(layer.get_weights())
    return copy


def _inputs_of_recurrent_layer(model: keras.Model, layer_index: int, images: np.ndarray) -> np.ndarray:
    """What recurrent layer `layer_index` (0-based) reads: (N, 28, units) after the projection."""
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH))
    x = _copy_layer(model.get_layer("input_projection"), (SEQUENCE_LENGTH, ROW_WIDTH))(inputs)
    for layer in recurrent_layers(model)[:layer_index]:
        x = _copy_layer(layer, tuple(x.shape[1:]), return_sequences=True)(x)
    return keras.Model(inputs, x).predict(images, batch_size=1000, verbose=0)


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
    sequences = _inputs_of_recurrent_layer(model, index, images)
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


# Q1 is answered from the equations; these hand-set cells check each claim numerically.
SATURATING_BIAS = 20.0  # sigmoid(20) = 1 - 2.1e-9, sigmoid(-20) = 2.1e-9
WEAK_BIAS = 3.0  # sigmoid(3) = 0.953: a gate that is only "mostly" open


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


def q1_demonstrations(image: np.ndarray, seed: int = 0) -> dict[str, float]:
    """The numbers behind each Q1 claim, from the mirroring cells with hand-set weights.

    `image` (28, 28) binarized: its 28 rows are the input sequence (input size 28, 28 units).
    Store: a cell whose state should equal the current row; copy: a cell whose state should stay at
    a random initial state while random input-dependent weights push against it; each with
    saturating biases (+-20) and, for contrast, weak ones (+-3). Counter-example (Q1.3): after one
    step from the zero state a GRU unit reaches tanh(3) = 0.995, while no LSTM unit can exceed
    tanh(1) = 0.762 (checked on 20,000 random LSTM units).
    """
    rows = check_image_batch(np.asarray(image)[None])
    size = ROW_WIDTH
    rng = np.random.default_rng(seed)
    identity = 10.0 * np.eye(size)  # tanh(10) = 1 - 4e-9: a binary pixel is kept as 0 or 1
    random_block = lambda: rng.normal(0.0, 1.0, (size, size))  # noqa: E731
    results: dict[str, float] = {"sigmoid_minus_bias": float(1.0 / (1.0 + np.exp(SATURATING_BIAS))),
                                 "tanh_10_gap": float(1.0 - np.tanh(10.0))}
    for label, b in (("", SATURATING_BIAS), ("_weak", WEAK_BIAS)):
        # Q1.1 LSTM: f -> 0, i -> 1, no recurrent input to the candidate: c_t = tanh(W_c x_t + b_c).
        weights = lstm_cell_weights(size, size, kernel={"c": identity}, bias={"i": b, "f": -b, "o": b})
        state = run_internals_cell(LSTMInternalsCell(size), weights, rows)
        results["lstm_store_error" + label] = float(np.abs(state["c"][0] - rows[0]).max())
        # Q1.1 GRU: z -> 0 and r -> 0 (shuts out U_h h_{t-1} even though U_h is random): h_t = tanh(W_h x_t + b_h).
        weights = gru_cell_weights(size, size, kernel={"h": identity}, recurrent={"h": random_block()},
                                   input_bias={"z": -b, "r": -b})
        state = run_internals_cell(GRUInternalsCell(size), weights, rows)
        results["gru_store_error" + label] = float(np.abs(state["h"][0] - rows[0]).max())
        # Q1.2 LSTM: f -> 1, i -> 0 against a random, input-driven candidate: c_t = c_0.
        h0, c0 = rng.uniform(-0.9, 0.9, (1, size)), rng.uniform(-2.0, 2.0, (1, size))
        weights = lstm_cell_weights(size, size, kernel={"c": random_block()}, recurrent={"c": random_block()},
                                    bias={"i": -b, "f": b, "o": b})
        state = run_internals_cell(LSTMInternalsCell(size), weights, rows, initial_state=[h0, c0])
        results["lstm_copy_drift" + label] = float(np.abs(state["c"][0] - c0).max())
        # Q1.2 GRU: z -> 1 against a random, input-driven candidate: h_t = h_0.
        weights = gru_cell_weights(size, size, kernel={"h": random_block(), "r": random_block()},
                                   recurrent={"h": random_block()}, input_bias={"z": b})
        state = run_internals_cell(GRUInternalsCell(size), weights, rows, initial_state=[h0])
        results["gru_copy_drift" + label] = float(np.abs(state["h"][0] - h0).max())
    results["lstm_copy_bound"] = float(SEQUENCE_LENGTH * results["sigmoid_minus_bias"] * (2.0 + 1.0))
    # Q1.3: one unit, one input x_1 = 1, zero initial state.
    gru = gru_cell_weights(1, 1, kernel={"h": np.array([[3.0]])}, input_bias={"z": -SATURATING_BIAS})
    results["gru_first_output"] = float(run_internals_cell(GRUInternalsCell(1), gru, np.ones((1, 1, 1)))["h"][0, 0, 0])
    largest, units, runs = 0.0, 2_000, 10  # 20,000 random LSTM units with large weights and biases
    for _ in range(runs):
        lstm = [rng.normal(0.0, 10.0, (1, 4 * units)), rng.normal(0.0, 10.0, (units, 4 * units)),
                rng.normal(0.0, 10.0, 4 * units)]
        first = run_internals_cell(LSTMInternalsCell(units), lstm, np.ones((1, 1, 1)))["h"][0, 0]
        largest = max(largest, float(np.abs(first).max()))
    results["lstm_random_units"] = units * runs
    results["lstm_largest_first_output"] = largest
    results["lstm_first_output_bound"] = float(np.tanh(1.0))
    return results


# ----------------------------------------------------------------------------------------------
# 6. Analysis
# ----------------------------------------------------------------------------------------------


def stepwise_model(model: keras.Model) -> keras.Model:
    """A copy of a recurrent model that reads out every step.

    images (N, 28, 28) -> [top recurrent outputs (N, 28, units), logits (N, 28, 10)]: the
    classification head (ReLU, Dense 64 + ReLU, Dense 10) applied at each step as if it were the last.
    """
    layers = recurrent_layers(model)
    inputs = keras.Input(shape=(SEQUENCE_LENGTH, ROW_WIDTH))
    x = _copy_layer(model.get_layer("input_projection"), (SEQUENCE_LENGTH, ROW_WIDTH))(inputs)
    for layer in layers:
        x = _copy_layer(layer, tuple(x.shape[1:]), return_sequences=True)(x)
    sequence_outputs = x
    for name in ("recurrent_relu", "hidden", "logits"):
        x = _copy_layer(model.get_layer(name), tuple(x.shape[1:]))(x)
    return keras.Model(inputs, [sequence_outputs, x], name=f"{model.name}_stepwise")


def stepwise_readout(model: keras.Model, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Top recurrent layer outputs (N, 28, units) and per-step logits (N, 28, 10), in one pass."""
    outputs, logits = stepwise_model(model).predict(check_image_batch(images), batch_size=1000, verbose=0)
    return outputs, logits


def stepwise_logits(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Logits (N, 28, 10) when each step's output is read out as if it were the last."""
    return stepwise_readout(model, images)[1]


def stepwise_accuracy(step_logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Accuracy (T,) of the per-step predictions; step_logits (N, T, 10), labels (N,)."""
    if step_logits.ndim != 3 or len(step_logits) != len(labels):
        raise ValueError(f"need step_logits (N, T, classes) and labels (N,); got {step_logits.shape}, {np.shape(labels)}.")
    return (step_logits.argmax(-1) == np.asarray(labels)[:, None]).mean(axis=0)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def decision_steps(step_logits: np.ndarray) -> np.ndarray:
    """For each image, the first step (1..T) from which the predicted class never changes again.

    step_logits (N, T, 10) -> (N,) integers; T means the prediction changed at the last step.
    """
    predictions = step_logits.argmax(-1)
    changed = predictions != predictions[:, -1:]
    steps = predictions.shape[1]
    last_change = np.where(changed.any(axis=1), steps - 1 - np.argmax(changed[:, ::-1], axis=1), -1)
    return last_change + 2


def decision_step_summary(steps: np.ndarray, labels: np.ndarray, correct: np.ndarray) -> dict:
    """Median, mean and quartiles of the decision step per true class, plus overall figures."""
    per_class = {}
    for digit in range(NUM_CLASSES):
        chosen = steps[labels == digit]
        per_class[str(digit)] = {
            "count": int(len(chosen)), "mean": round(float(chosen.mean()), 3) if len(chosen) else None,
            "median": float(np.median(chosen)) if len(chosen) else None,
            "quartiles": [float(q) for q in np.percentile(chosen, [25, 75])] if len(chosen) else None,
        }
    return {
        "per_class": per_class,
        "mean": round(float(steps.mean()), 3), "median": float(np.median(steps)),
        "mean_when_correct": round(float(steps[correct].mean()), 3) if correct.any() else None,
        "mean_when_wrong": round(float(steps[~correct].mean()), 3) if (~correct).any() else None,
        "share_decided_by_step": {str(t): round(float((steps <= t).mean()), 4) for t in (14, 18, 22, 24, 26, 27)},
    }


def blank_row_fraction(images: np.ndarray) -> np.ndarray:
    """Fraction of images whose row t is entirely blank: images (N, 28, 28) -> (28,)."""
    return (check_image_batch(images).sum(axis=2) == 0).mean(axis=0)


def state_spread(states: np.ndarray) -> np.ndarray:
    """How different the images' states are at each step: states (N, T, units) -> (T,), the
    standard deviation over images, averaged over units. 0 means every image has the same state."""
    return np.asarray(states).std(axis=0).mean(axis=1)


def gate_saturation(gate: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, the fraction of (image, step) pairs where the gate is below `low` or above `high`.

    gate (N, T, units) -> (left (units,), right (units,)), as in Karpathy, Johnson and Fei-Fei (2015).
    """
    gate = np.asarray(gate)
    return (gate < low).mean(axis=(0, 1)), (gate > high).mean(axis=(0, 1))


def gate_profile(gate: np.ndarray) -> dict[str, np.ndarray]:
    """Mean gate value per step over images and units, with the spread across units.

    gate (N, T, units) -> 'mean' (T,), 'low' and 'high' (T,): 10th and 90th percentile over units
    of each unit's mean over images.
    """
    per_unit = np.asarray(gate).mean(axis=0)  # (T, units)
    return {"mean": per_unit.mean(axis=1), "low": np.percentile(per_unit, 10, axis=1),
            "high": np.percentile(per_unit, 90, axis=1)}


def gate_summary(gates: Mapping[str, np.ndarray]) -> dict:
    """Numbers the bonus discussion quotes, per gate (N, T, units): overall mean, mean over the
    first and last five steps, mean saturated fractions, and units saturated most of the time."""
    summary = {}
    for name, gate in gates.items():
        left, right = gate_saturation(gate)
        summary[name] = {
            "mean": round(float(gate.mean()), 4),
            "mean_first_5_steps": round(float(gate[:, :5].mean()), 4),
            "mean_last_5_steps": round(float(gate[:, -5:].mean()), 4),
            "fraction_below_0.1": round(float(left.mean()), 4),
            "fraction_above_0.9": round(float(right.mean()), 4),
            "units_mostly_below_0.1": int((left > 0.5).sum()),
            "units_mostly_above_0.9": int((right > 0.5).sum()),
            "units": int(gate.shape[-1]),
        }
    return summary


# ----------------------------------------------------------------------------------------------
# 7. Plots
# ----------------------------------------------------------------------------------------------

import matplotlib.pyplot as plt  # noqa: E402

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


# ----------------------------------------------------------------------------------------------
# 8. Tables
# ----------------------------------------------------------------------------------------------

# The earlier (2018) solution's test accuracy, from ASSIGNMENT.md, shown beside ours for comparison.
REFERENCE_ACCURACY = {
    "lstm_1x32": 0.9602, "lstm_1x64": 0.9718, "lstm_1x128": 0.9785, "lstm_3x32": 0.9699,
    "gru_1x32": 0.9573, "gru_1x64": 0.9715, "gru_1x128": 0.9779, "gru_3x32": 0.9676,
}
REFERENCE_GRU_LAST_STEPS = {28: 0.9596, 27: 0.9547, 26: 0.9194, 25: 0.8326, 24: 0.7230}


def results_table_rows(results: Mapping, cell: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one block of the assignment's table (cell 'lstm' or 'gru')."""
    names = [name for name in CONFIG_NAMES if name.startswith(cell + "_")]
    entries = [results["configs"][name] for name in names]
    header = [cell.upper()] + [get_config(name).label for name in names]
    rows = [
        ["Test loss"] + [f"{e['test_loss']:.4f}" for e in entries],
        ["Test accuracy"] + [f"{e['test_accuracy']:.4f}" for e in entries],
        ["Earlier solution's accuracy"] + [f"{REFERENCE_ACCURACY[n]:.4f}" for n in names],
        ["Parameters"] + [f"{e['parameters']:,}" for e in entries],
        ["Training seconds"] + [f"{e['train_seconds']:.0f}" for e in entries],
    ]
    return header, rows


def baseline_table_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """One row per model, recurrent and whole-image: parameters, accuracy, loss, seconds."""
    header = ["model", "sees", "parameters", "test accuracy", "test loss", "training seconds"]
    rows = []
    for name in CONFIG_NAMES:
        entry = results["configs"][name]
        rows.append([f"{name.split('_')[0].upper()} {get_config(name).label}", "one row per step",
                     f"{entry['parameters']:,}", f"{entry['test_accuracy']:.4f}", f"{entry['test_loss']:.4f}",
                     f"{entry['train_seconds']:.0f}"])
    for name in BASELINE_NAMES:
        entry = results["baselines"][name]
        rows.append([f"{name}: {BASELINE_DESCRIPTIONS[name]}", "whole image", f"{entry['parameters']:,}",
                     f"{entry['test_accuracy']:.4f}", f"{entry['test_loss']:.4f}", f"{entry['train_seconds']:.0f}"])
    return header, rows


def gate_summary_rows(summary: Mapping[str, Mapping]) -> tuple[list[str], list[list[str]]]:
    """The gate summary as a table: one row per gate."""
    header = ["gate", "mean", "mean, steps 1-5", "mean, steps 24-28", "time < 0.1", "time > 0.9",
              "units mostly < 0.1", "units mostly > 0.9"]
    rows = [[name, f"{g['mean']:.3f}", f"{g['mean_first_5_steps']:.3f}", f"{g['mean_last_5_steps']:.3f}",
             f"{g['fraction_below_0.1']:.1%}", f"{g['fraction_above_0.9']:.1%}",
             f"{g['units_mostly_below_0.1']} of {g['units']}", f"{g['units_mostly_above_0.9']} of {g['units']}"]
            for name, g in summary.items()]
    return header, rows


def last_steps_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """The Q3.3 table: GRU (1x32) test accuracy with each of the last five steps read out as the last."""
    accuracy = results["configs"]["gru_1x32"]["stepwise_test_accuracy"]
    steps = list(REFERENCE_GRU_LAST_STEPS)
    header = ["step t read out as the last"] + [f"t = {t}" for t in steps]
    rows = [["GRU (1 layer, 32 units), this project"] + [f"{accuracy[t - 1]:.4f}" for t in steps],
            ["earlier solution"] + [f"{REFERENCE_GRU_LAST_STEPS[t]:.4f}" for t in steps]]
    return header, rows


def q1_rows(q1: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """The Q1 demonstrations as a table: claim, error with saturating gates (+-20), with weak ones (+-3)."""
    header = ["claim (hand-set weights, test image 0 as input)", "gate biases +-20", "gate biases +-3"]
    rows = [
        ["Q1.1 LSTM stores the row: max abs(c_t - x_t)", f"{q1['lstm_store_error']:.1e}",
         f"{q1['lstm_store_error_weak']:.3f}"],
        ["Q1.1 GRU stores the row: max abs(h_t - x_t)", f"{q1['gru_store_error']:.1e}",
         f"{q1['gru_store_error_weak']:.3f}"],
        ["Q1.2 LSTM keeps c_0 for 28 steps: max abs(c_t - c_0)", f"{q1['lstm_copy_drift']:.1e}",
         f"{q1['lstm_copy_drift_weak']:.3f}"],
        ["Q1.2 GRU keeps h_0 for 28 steps: max abs(h_t - h_0)", f"{q1['gru_copy_drift']:.1e}",
         f"{q1['gru_copy_drift_weak']:.3f}"],
    ]
    return header, rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ----------------------------------------------------------------------------------------------
# 9. Widgets
# ----------------------------------------------------------------------------------------------


def image_slider_explorer(draw: Callable[[int], plt.Figure], count: int, description: str = "test image"):
    """An ipywidgets slider over image indices 0..count-1; each move calls `draw(index)` and shows
    the figure it returns. `draw` is the same helper that makes the static figures."""
    import ipywidgets

    def show(index: int) -> None:
        figure = draw(index)
        plt.show()
        plt.close(figure)

    slider = ipywidgets.IntSlider(value=0, min=0, max=count - 1, step=1, description=description,
                                  continuous_update=False, style={"description_width": "initial"},
                                  layout=ipywidgets.Layout(width="60%"))
    return ipywidgets.interactive(show, index=slider)


# ----------------------------------------------------------------------------------------------
# 10. Report
# ----------------------------------------------------------------------------------------------

ANSWERS_TEMPLATE = PROJECT_DIR / "report" / "answers_template.md"
_PLACEHOLDER = re.compile(r"<<([^<>:]+)(?::([^<>]+))?>>")


def report_tables(results: Mapping) -> dict[str, Callable[[], str]]:
    """The tables the report embeds, by placeholder name (built on demand)."""
    return {
        "table/q2/lstm": lambda: markdown_table(*results_table_rows(results, "lstm")),
        "table/q2/gru": lambda: markdown_table(*results_table_rows(results, "gru")),
        "table/baselines": lambda: markdown_table(*baseline_table_rows(results)),
        "table/last_steps": lambda: markdown_table(*last_steps_rows(results)),
        "table/gates": lambda: markdown_table(*gate_summary_rows(results["analysis"]["gates"])),
        "table/q1": lambda: markdown_table(*q1_rows(results["q1_demonstrations"])),
    }


def lookup(results: Mapping, path: str):
    """The value at a '/'-separated path in results.json, e.g. 'configs/gru_1x32/test_accuracy'."""
    value = results
    for part in path.split("/"):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"the report asks for {path!r}, which results.json does not have ({part!r}); "
                             "rerun the notebook to complete results.json.") from None
    return value


def report_section(markdown: str, title: str) -> str:
    """The '## ' section of `markdown` whose heading starts with `title`, heading included."""
    lines, chosen, inside = markdown.splitlines(), [], False
    for line in lines:
        if line.startswith("## "):
            inside = line[3:].startswith(title)
        if inside:
            chosen.append(line)
    if not chosen:
        raise ValueError(f"no section starting with '## {title}' in the report.")
    return "\n".join(chosen).strip() + "\n"


def render_report(results: Mapping, section: str | None = None, images: bool = True,
                  template: Path = ANSWERS_TEMPLATE) -> str:
    """answers.md from its template: every <<path:format>> replaced by the value in `results`,
    every <<table/...>> by the table. `section`: render only that '## ' section; `images=False`
    leaves out the figure links (the notebook shows the figures themselves)."""
    text = template.read_text(encoding="utf-8")
    text = report_section(text, section) if section else text
    if not images:
        text = re.sub(r"^!\[.*\n\n?", "", text, flags=re.MULTILINE)
    text = re.sub(r"<!--.*?-->\n?", "", text, flags=re.DOTALL)  # template comments
    tables = report_tables(results)

    def replace(match: re.Match) -> str:
        path, spec = match.group(1).strip(), match.group(2)
        if path in tables:
            return tables[path]()
        return format(lookup(results, path), spec or "")

    return _PLACEHOLDER.sub(replace, text)


def write_report(results: Mapping, settings: RunSettings) -> Path:
    """Write answers.md into the run's output folder (the project folder in full mode)."""
    path = settings.output_dir / "answers.md"
    write_text_atomically(render_report(results), path)
    return path


def prose_word_count(markdown: str) -> int:
    """Words of prose: headings, equations ($...$, $$...$$), tables, images, code and links' targets
    do not count."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$]+\$", " ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("|", "#"))]
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'.,%-]*", " ".join(lines)))
