"""Training: seeded, deterministic training of one model, its results entry, and `train_or_load`,
which reuses a saved model when its recipe matches (`saved_models.reusable_model`) and resumes an
interrupted run. Top to bottom: seeding and compiling, the untrained model, the run's environment, the
fit (the loss after row 28 or after every row, trailing blank rows), `train_model`, `train_or_load`.

Imports from the package: settings, results, data, models, readout, progress, saved_models.
"""
from __future__ import annotations

import os
import platform
import random
import time
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from hw3.data import MnistSplits, with_blank_rows
from hw3.models import ALL_MODEL_NAMES, build_model, model_spec, trainable_parameters
from hw3.progress import EpochProgress, ProgressLine
from hw3.readout import every_step_model, stepwise_accuracy, stepwise_logits
from hw3.results import store_results
from hw3.saved_models import (mark_saved_as, model_recipe, readable_saved_model, requested_entry, reusable_model,
                              save_model_atomically, write_recipe)
from hw3.settings import RunSettings


def seed_everything(seed: int) -> None:
    """Python, NumPy and TensorFlow seeds, and deterministic TensorFlow kernels."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def compile_for_training(model: keras.Model, learning_rate: float, eager: bool = False) -> keras.Model:
    """Adam (other settings default), cross-entropy on logits, accuracy; `eager`: no graph (smoke mode)."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        run_eagerly=eager,
    )
    return model


def initial_model(name: str, seed: int = 0) -> keras.Model:
    """Model `name` as training starts it with `seed`: the same initial weights, not yet trained, and
    every global random generator left as it was, so an analysis can ask for it at any point.

    Keras draws each initializer's seed from Python's global generator, which `seed_everything` seeds
    (NumPy's is seeded beside it, as training does; TensorFlow's global seed plays no part, the
    initializers being stateless ops with those seeds): both are seeded for the build and then put back
    as they were. tests/test_training.py checks the weights against training's and the generators."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        return build_model(name)
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def environment_summary() -> dict:
    return {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "cpu_count": os.cpu_count()}


class TrailingBlankBatches:
    """Training batches of images (batch, 28 + k, 28) followed by k blank rows, k drawn uniformly from
    0..`most` for each batch, the images shuffled every epoch; both drawn from `seed` and the epoch."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, most: int, seed: int):
        self.images, self.labels, self.batch_size, self.most, self.seed = images, labels, batch_size, most, seed
        self.epoch, self._plan = 0, None

    def __len__(self) -> int:
        return -(-len(self.images) // self.batch_size)

    def plan(self) -> tuple[np.ndarray, np.ndarray]:
        """This epoch's image order (N,) and blank rows per batch (batches,)."""
        if self._plan is None or self._plan[0] != self.epoch:
            rng = np.random.default_rng([self.seed, self.epoch])
            self._plan = (self.epoch, rng.permutation(len(self.images)), rng.integers(0, self.most + 1, len(self)))
        return self._plan[1], self._plan[2]

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        order, extra = self.plan()
        chosen = order[index * self.batch_size:(index + 1) * self.batch_size]
        return with_blank_rows(self.images[chosen], int(extra[index])), self.labels[chosen]

    def on_epoch_end(self) -> None:
        self.epoch += 1

    def dataset(self) -> tf.data.Dataset:
        """The batches as a tf.data pipeline whose step axis may change from batch to batch (Keras's
        own PyDataset adapter fixes it from the first batches); each pass is one epoch, in order."""
        def epoch():
            for index in range(len(self)):
                yield self[index]
            self.on_epoch_end()

        batches = tf.data.Dataset.from_generator(epoch, output_signature=(
            tf.TensorSpec((None, None, self.images.shape[2]), tf.float32), tf.TensorSpec((None,), tf.int64)))
        return batches.apply(tf.data.experimental.assert_cardinality(len(self)))


def _every_step_twin(model: keras.Model) -> keras.Model:
    """A copy of `model` (same weights) that applies the head after every row: (N, 28, 28) -> (N, 28, 10)."""
    reader = every_step_model(model)
    return keras.Model(reader.inputs, reader.outputs[1], name=f"{model.name}_every_step")


def _fit(model: keras.Model, name: str, data: MnistSplits, settings: RunSettings, callbacks: list) -> tuple[dict, float]:
    """Fit model `name` as its registry entry says; returns the per-epoch history and the seconds.
    "every_step" objective: an every-step twin is fitted on labels repeated for each step, so its loss
    is the mean over the 28 steps of the cross-entropy of the head read after that step; the trained
    weights then go back into `model`. Trailing blanks: batches of `TrailingBlankBatches`."""
    spec = model_spec(name)
    trained = _every_step_twin(model) if spec.objective == "every_step" else model
    compile_for_training(trained, settings.learning_rate, settings.eager)
    x, y, validation = data.x_train, data.y_train, (data.x_validation, data.y_validation)
    options = {"batch_size": settings.batch_size, "shuffle": True}
    if spec.objective == "every_step":
        y = np.repeat(data.y_train[:, None], trained.output_shape[1], axis=1)
        validation = (data.x_validation, np.repeat(data.y_validation[:, None], trained.output_shape[1], axis=1))
    if spec.trailing_blanks:
        batches = TrailingBlankBatches(x, y.astype(np.int64), settings.batch_size, spec.trailing_blanks, settings.seed)
        x, y, options = batches.dataset(), None, {"shuffle": False}  # the batches shuffle themselves
    start = time.perf_counter()
    history = trained.fit(x, y, validation_data=validation, epochs=settings.epochs, verbose=0, callbacks=callbacks,
                          **options)
    seconds = time.perf_counter() - start
    if trained is not model:
        for layer in model.layers:
            if layer.weights and layer.name != "reading_order":
                layer.set_weights(trained.get_layer(f"{layer.name}_copy").get_weights())
        compile_for_training(model, settings.learning_rate)
        model.optimizer.build(model.trainable_variables)  # saved and loaded like any trained model's optimizer
    model.run_eagerly = False  # what the caller does next (predictions over many batches) pays for a graph
    return history.history, seconds


def train_model(name: str, data: MnistSplits, settings: RunSettings,
                progress: ProgressLine | None = None) -> tuple[keras.Model, dict]:
    """Train one model from scratch with the settings' hyper-parameters and its registry entry's
    objective (`_fit`).

    Returns the trained model and its results entry: the requested settings plus test loss
    (mean cross-entropy per test image, in nats, of the prediction after row 28), test accuracy,
    training seconds, parameter count, per-epoch history (of the loss that was trained), and, for
    recurrent models, the per-step test accuracy (28,).
    """
    entry = requested_entry(name, settings, data)
    seed_everything(settings.seed)
    model = build_model(name)
    history, train_seconds = _fit(model, name, data, settings, [EpochProgress(progress)] if progress is not None else [])
    test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    entry.update(
        test_loss=round(float(test_loss), 6), test_accuracy=round(float(test_accuracy), 6),
        train_seconds=round(train_seconds, 1), parameters=trainable_parameters(model),
        test_examples=int(len(data.x_test)),
        history={key: [round(float(value), 6) for value in values] for key, values in history.items()},
    )
    if model_spec(name).is_recurrent:
        step_logits = stepwise_logits(model, data.x_test)
        entry["stepwise_test_accuracy"] = [round(float(a), 6) for a in stepwise_accuracy(step_logits, data.y_test)]
    return model, entry


def check_retrain_names(settings: RunSettings) -> None:
    """ValueError when HW3_RETRAIN names a model the registry does not know."""
    unknown = sorted(set(settings.retrain_names) - set(ALL_MODEL_NAMES))
    if unknown:
        raise ValueError(f"HW3_RETRAIN names unknown models {unknown}; known: {', '.join(ALL_MODEL_NAMES)}.")


def train_or_load(names: Iterable[str], data: MnistSplits, settings: RunSettings,
                  log: Callable[[str], None] = print) -> tuple[dict[str, keras.Model], dict]:
    """Trained models for `names`, reusing saved ones whose recipe matches (`reusable_model`).

    A model is trained when its file is missing or `settings.retrains(name)`. A saved file that exists
    but cannot be read, or whose recipe differs, raises ValueError with the ways out. Each finished
    model is saved at once with its recipe and its entry stored in results.json under
    `{section}.{name}` (configs, variants or baselines, from the model registry), all atomically, so
    an interrupted run resumes where it stopped. Returns ({name: model}, the results as stored).
    """
    check_retrain_names(settings)
    specs = [model_spec(name) for name in names]
    results = store_results(settings, train_or_load, {"environment": environment_summary()})
    models: dict[str, keras.Model] = {}
    for spec in specs:
        name, path = spec.name, settings.models_dir / f"{spec.name}.keras"
        stored = results.get(spec.section, {}).get(name)
        reused = reusable_model(name, path, model_recipe(name, settings, data), stored,
                                requested_entry(name, settings, data), settings, lambda: readable_saved_model(path))
        if reused is not None:
            models[name] = reused
            results = store_results(settings, train_or_load, {f"{spec.section}.{name}": stored}, model=reused)
            log(f"{name:>22} reused {path.name} (test accuracy {stored['test_accuracy']:.4f}, "
                f"trained in {stored['train_seconds']:.0f} s)")
            continue
        line = ProgressLine(name, settings.epochs, log)
        model, entry = train_model(name, data, settings, progress=line)
        save_model_atomically(model, path)
        write_recipe(path, model_recipe(name, settings, data), model)
        mark_saved_as(model, path)
        results = store_results(settings, train_or_load, {f"{spec.section}.{name}": entry}, model=model)
        line.close(f"{line.postfix}; test loss {entry['test_loss']:.4f}, test accuracy {entry['test_accuracy']:.4f}, "
                   f"{entry['parameters']:,} parameters")
        models[name] = model
    return models, results

