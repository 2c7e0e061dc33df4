"""Training: seeded, deterministic training of one model, its results entry, and `train_or_load`,
which reuses a saved model when its recipe matches and resumes an interrupted run.

Every saved model carries its recipe beside it (`models/{name}.recipe.json`, seeds
`models/seeds/{name}_seed{k}.recipe.json`): the model's registry entry and head width, the training
settings and the data's checksum, with the digest of the weights that came out. A saved model whose
recipe differs from the one asked for is never reused silently: the run stops and says which setting
differs and how to retrain just that model (`HW3_RETRAIN=name`).

Imports from the package: settings, cache, data, models, readout.
"""
from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Mapping

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from hw3.keys import SavedModel, recipe_path, saved_weights_digests, weights_digest
from hw3.data import BINARIZE_THRESHOLD, MnistSplits, accuracy, load_binarized_mnist, with_blank_rows
from hw3.models import (ALL_MODEL_NAMES, CONVENTIONS, HEAD_UNITS, PERMUTED_ROW_ORDER, build_model, model_spec,
                        trainable_parameters)
from hw3.readout import every_step_model, stepwise_accuracy, stepwise_logits
from hw3.results import load_results, store_results
from hw3.settings import RunSettings, write_atomically


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


def _in_a_kernel() -> bool:
    """True inside a Jupyter kernel, where a progress line can be redrawn in place."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


class ProgressLine:
    """A tqdm progress bar that leaves one line: in a Jupyter kernel it is drawn once and redrawn in
    place (so the saved notebook keeps only its last state); elsewhere only the last state is logged."""

    def __init__(self, label: str, total: int, log: Callable[[str], None] = print):
        self.label, self.total, self.log = label, total, log
        self.count, self.postfix, self._start = 0, "", time.perf_counter()
        self._handle = None
        if _in_a_kernel() and log is print:
            from IPython.display import display
            self._handle = display({"text/plain": self.text()}, raw=True, display_id=True)

    def text(self) -> str:
        return tqdm.format_meter(self.count, self.total, time.perf_counter() - self._start, ncols=None,
                                 prefix=f"{self.label:>10}", postfix=self.postfix, unit="epoch")

    def update(self, count: int, postfix: str = "") -> None:
        self.count, self.postfix = count, postfix
        if self._handle is not None:
            self._handle.update({"text/plain": self.text()}, raw=True)

    def close(self, postfix: str) -> None:
        """The final state, e.g. the test accuracy: redrawn in a kernel, logged elsewhere."""
        self.update(self.count, postfix)
        if self._handle is None:
            self.log(self.text())


class EpochProgress(keras.callbacks.Callback):
    """Moves a ProgressLine one epoch at a time, showing the loss and the validation accuracy."""

    def __init__(self, line: ProgressLine):
        super().__init__()
        self.line = line

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.line.update(epoch + 1, f"loss {logs.get('loss', float('nan')):.4f}, "
                                    f"val_acc {logs.get('val_accuracy', float('nan')):.4f}")


def requested_entry(name: str, settings: RunSettings, data: MnistSplits) -> dict:
    """The configuration part of a results entry: what was asked for, before any training."""
    spec = model_spec(name)
    entry: dict = {}
    if spec.is_recurrent:
        entry.update(cell=spec.cell, layers=spec.layers, units=spec.units)
        if spec.section == "variants":  # the eight configurations keep their entries as they were
            entry.update(description=spec.description, reading=spec.reading, convention=spec.convention)
            if spec.reading == "permuted_rows":
                entry["row_order"] = [int(row) for row in PERMUTED_ROW_ORDER]  # step i reads image row row_order[i]
            if spec.objective != "last_step":
                entry["objective"] = spec.objective
            if spec.trailing_blanks:
                entry["trailing_blanks"] = spec.trailing_blanks
    else:
        entry.update(kind=name, description=spec.description)
    entry.update(epochs=settings.epochs, batch_size=settings.batch_size, learning_rate=settings.learning_rate,
                 seed=settings.seed, train_examples=int(len(data.x_train)))
    return entry


def can_reuse(stored: Mapping | None, requested: Mapping, model_path: Path) -> bool:
    """True when a saved model exists and was trained with exactly the requested settings."""
    if stored is None or not model_path.exists():
        return False
    return all(stored.get(key) == requested.get(key) for key in requested)


def save_model_atomically(model: keras.Model, path: Path) -> None:
    """The whole model (architecture, weights, optimizer state) at `path`, never half-written."""
    write_atomically(path, model.save)


# --- Recipes: how a saved model was made ----------------------------------------------------------

RECIPE_SPEC_FIELDS = ("name", "kind", "cell", "layers", "units", "reading", "convention", "objective",
                      "trailing_blanks", "widths")  # what of a registry entry shapes the trained weights


def model_recipe(name: str, settings: RunSettings, data: MnistSplits) -> dict:
    """What makes model `name` as `settings` would train it: {'model': its registry entry's fields,
    head width and layer options; 'training': epochs, batch size, learning rate, seed, eager; 'data':
    the MNIST file's checksum, the binarization threshold and the split sizes}."""
    spec = model_spec(name)
    model = {field: getattr(spec, field) for field in RECIPE_SPEC_FIELDS}
    model.update(widths=list(spec.widths), head_units=HEAD_UNITS)
    if spec.is_recurrent:
        options, gate_bias_one = CONVENTIONS[spec.convention]
        model.update(layer_options=dict(options), gate_bias_one=gate_bias_one)
    training = {"epochs": settings.epochs, "batch_size": settings.batch_size, "learning_rate": settings.learning_rate,
                "seed": settings.seed, "eager": settings.eager}
    if data.mnist_sha256 is None:
        raise ValueError(f"the splits given for {name} carry no checked MNIST checksum: load them with "
                         "load_binarized_mnist and cut them with dataclasses.replace, which keeps it.")
    data_part = {"mnist_sha256": data.mnist_sha256, "binarize_threshold": BINARIZE_THRESHOLD,
                 "train_examples": int(len(data.x_train)), "validation_examples": int(len(data.x_validation))}
    return {"model": model, "training": training, "data": data_part}


def write_recipe(model_path: Path, recipe: Mapping, model: keras.Model) -> None:
    """The recipe beside the saved model, with the digest of the weights it made (`cache.weights_digest`)."""
    write_atomically(recipe_path(model_path), lambda temporary: temporary.write_text(
        json.dumps({**recipe, "weights_sha256": weights_digest(model)}, indent=1) + "\n", encoding="utf-8"))


def saved_recipe(model_path: Path) -> dict | None:
    """The recipe stored beside `model_path`, or None when the model was saved without one."""
    path = recipe_path(model_path)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON ({error}); restore it with `git checkout -- "
                         f"{path.parent.name}/{path.name}` or retrain the model.") from error


def recipe_differences(saved: Mapping, requested: Mapping, prefix: str = "") -> list[str]:
    """Each setting where two recipes differ, as 'training.epochs: saved 10, asked for 5' (the weights'
    digest, an outcome rather than a setting, is not compared)."""
    differences = []
    for key in sorted(saved.keys() | requested.keys()):
        if key == "weights_sha256":
            continue
        old, new = saved.get(key), requested.get(key)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            differences += recipe_differences(old, new, f"{prefix}{key}.")
        elif old != new:
            differences.append(f"{prefix}{key}: saved {old!r}, asked for {new!r}")
    return differences


def check_recipe(name: str, model_path: Path, recipe: Mapping) -> dict | None:
    """The saved recipe when the model at `model_path` was made by `recipe`; None when it has no recipe
    yet (saved before recipes); ValueError naming the differing settings and how to retrain it otherwise."""
    saved = saved_recipe(model_path)
    if saved is None:
        return None
    differences = recipe_differences(saved, recipe)
    if differences:
        raise ValueError(
            f"{model_path.parent.name}/{model_path.name} was trained with another recipe than this run asks for: "
            f"{'; '.join(differences)}. Retrain just this model with HW3_RETRAIN={name} (every seed of it), or put "
            f"the setting back; `git checkout -- {model_path.parent.name}` restores the committed models.")
    return saved


def mark_saved_as(model: keras.Model, model_path: Path) -> keras.Model:
    """Tag `model` with the saved model it is ('gru_1x32', 'gru_1x32_seed3'), which the cache records."""
    model.hw3_saved_as = model_path.name.split(".")[0]
    return model


def readable_saved_model(path: Path) -> keras.Model:
    """The model saved at `path`; ValueError naming the file and the ways out when it is unreadable.

    Keras reports a truncated or corrupt .keras archive as "File not found" although the file
    exists; this says what is really wrong.
    """
    try:
        return keras.models.load_model(path)
    except Exception as error:  # zipfile, h5py and Keras each raise their own kinds
        said = " ".join(str(error).split())[:200]
        raise ValueError(
            f"{path.parent.name}/{path.name} exists but is not a readable Keras model (truncated, corrupt, or saved "
            f"by a Keras other than requirements.txt's: {type(error).__name__}: {said}). Restore it with "
            f"`git checkout -- {path.parent.name}/{path.name}`, or "
            f"retrain just that model (HW3_RETRAIN={path.name.split('.')[0].split('_seed')[0]}).") from error


def initial_model(name: str, seed: int = 0) -> keras.Model:
    """Model `name` as training starts it with `seed`: the same initial weights, not yet trained."""
    seed_everything(seed)
    return build_model(name)


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


def reusable_model(name: str, path: Path, recipe: Mapping, stored: Mapping | None, requested: Mapping,
                   settings: RunSettings, load: Callable[[], keras.Model]) -> keras.Model | None:
    """The saved model at `path` when this run may reuse it, else None (train it).

    Reused when its results entry `stored` exists and its recipe matches `recipe` (`check_recipe` stops
    the run when it differs, and so do weights other than the ones the recipe recorded). A model saved
    before recipes existed is reused when its results entry matches the `requested` one, and its recipe
    is written then: that check covers the training settings and the cell's shape, not the head width,
    layer options or data, which the committed models' recipes were written from when recipes came in."""
    if settings.retrains(name) or not path.exists() or stored is None:
        return None  # nothing saved, or no results entry to go with it: train it
    saved = check_recipe(name, path, recipe)
    if saved is not None:
        model = mark_saved_as(load(), path)
        if weights_digest(model) != saved["weights_sha256"]:
            raise ValueError(
                f"{path.parent.name}/{path.name} does not hold the weights its recipe recorded (restored or copied "
                f"without it?). Restore both with `git checkout -- {path.parent.name}`, or retrain just this model "
                f"with HW3_RETRAIN={name}.")
        return model
    if not can_reuse(stored, requested, path):
        return None
    model = mark_saved_as(load(), path)
    write_recipe(path, recipe, model)
    return model


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


# --- Extra seeds, trained in worker processes ----------------------------------------------------

_WORKER_DATA: MnistSplits | None = None  # each worker process loads the data once


def _start_worker(settings: RunSettings) -> None:
    """Worker set-up: one TensorFlow thread (so two workers share two cores), the run's data."""
    global _WORKER_DATA
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    _WORKER_DATA = load_binarized_mnist(settings)


def seed_weights_path(settings: RunSettings, name: str, seed: int) -> Path:
    return settings.seed_models_dir / f"{name}_seed{seed}.weights.h5"


def _train_seed_in_worker(name: str, seed: int, settings: RunSettings) -> tuple[str, int, dict, np.ndarray]:
    """Train `name` with `seed` in a worker; save its weights atomically; return its results entry
    and its test predictions (N,) as class indices."""
    seed_settings = dataclasses.replace(settings, seed=seed)
    model, entry = train_model(name, _WORKER_DATA, seed_settings)
    plain = build_model(name)  # not compiled, so the file holds the weights without Adam's state
    plain.set_weights(model.get_weights())
    path = seed_weights_path(settings, name, seed)
    write_atomically(path, plain.save_weights)
    write_recipe(path, model_recipe(name, seed_settings, _WORKER_DATA), plain)
    predictions = model.predict(_WORKER_DATA.x_test, batch_size=1000, verbose=0).argmax(-1).astype(np.uint8)
    return name, seed, entry, predictions


def load_test_predictions(settings: RunSettings) -> dict[str, np.ndarray]:
    """The stored per-image test predictions, {'{name}_seed{k}': (N,) class indices}, or {}."""
    if not settings.predictions_path.exists():
        return {}
    with np.load(settings.predictions_path) as archive:
        return {key: archive[key] for key in archive.files}


def save_test_predictions(predictions: Mapping[str, np.ndarray], settings: RunSettings) -> None:
    """Write the predictions archive atomically (temporary file beside it, then rename)."""
    write_atomically(settings.predictions_path,
                     lambda temporary: np.savez_compressed(temporary, **{key: predictions[key] for key in sorted(predictions)}))


def train_seeds(names: Iterable[str], data: MnistSplits, settings: RunSettings, seed_zero_models: Mapping[str, keras.Model],
                log: Callable[[str], None] = print) -> dict:
    """Every model in `names` with every seed of `settings.seeds`; returns the updated results.

    Seed 0 is the model trained by `train_or_load` (its entry is copied to seeds.{name}.0). The
    other seeds are trained in `settings.workers` worker processes with one TensorFlow thread each,
    so a model's numbers do not depend on how many workers there are; each finished run is saved
    at once (weights only, results.json, test_predictions.npz) and a rerun trains only what is
    missing. One line per finished run.
    """
    specs = [model_spec(name) for name in names]
    names = [spec.name for spec in specs]
    results = load_results(settings)
    for spec in specs:
        results.setdefault("seeds", {}).setdefault(spec.name, {})["0"] = results[spec.section][spec.name]
    predictions = load_test_predictions(settings)
    missing = []
    for name in names:
        runs = results["seeds"][name]
        stored = predictions.get(f"{name}_seed0")
        if stored is None or len(stored) != len(data.y_test) or \
                round(accuracy(stored, data.y_test), 6) != runs["0"]["test_accuracy"]:  # missing or stale
            predictions[f"{name}_seed0"] = seed_zero_models[name].predict(
                data.x_test, batch_size=1000, verbose=0).argmax(-1).astype(np.uint8)
        for seed in settings.seeds:
            if seed == 0:
                continue
            seed_settings = dataclasses.replace(settings, seed=seed)
            reused = f"{name}_seed{seed}" in predictions and reusable_model(
                name, seed_weights_path(settings, name, seed), model_recipe(name, seed_settings, data),
                runs.get(str(seed)), requested_entry(name, seed_settings, data), settings,
                lambda: _seed_model_from(seed_weights_path(settings, name, seed), name)) is not None
            if not reused:
                missing.append((name, seed))
    save_test_predictions(predictions, settings)
    reused = len(names) * len(settings.seeds) - len(missing)
    log(f"{reused} of {len(names) * len(settings.seeds)} runs reused; training {len(missing)} "
        f"in {min(settings.workers, len(missing))} worker process(es)" if missing else
        f"all {reused} runs ({len(names)} models x {len(settings.seeds)} seeds) reused")
    if not missing:
        return _seed_runs_stored(names, settings, results)
    seconds = {name: results["seeds"][name]["0"]["train_seconds"] for name in names}
    missing.sort(key=lambda run: -seconds[run[0]])  # the longest trainings first, so both workers finish together
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(settings.workers, len(missing)), mp_context=context,
                             initializer=_start_worker, initargs=(settings,)) as pool:
        futures = [pool.submit(_train_seed_in_worker, name, seed, settings) for name, seed in missing]
        for future in as_completed(futures):
            name, seed, entry, run_predictions = future.result()
            predictions[f"{name}_seed{seed}"] = run_predictions
            path = seed_weights_path(settings, name, seed)
            results = store_results(settings, train_seeds, {f"seeds.{name}.{seed}": entry},
                                    model=SavedModel(path.name.split(".")[0], saved_recipe(path)["weights_sha256"]))
            save_test_predictions(predictions, settings)
            log(f"{name:>10} seed {seed}  test accuracy {entry['test_accuracy']:.4f}  ({entry['train_seconds']:.0f} s)")
    log(f"{len(missing)} runs in {time.perf_counter() - start:.0f} s")
    return _seed_runs_stored(names, settings, results)


def _seed_runs_stored(names: list[str], settings: RunSettings, results: Mapping) -> dict:
    """Store every run of `names` over `settings.seeds` (`seeds.{name}.{seed}`), one call per model, each
    keyed on its saved runs' weights as their recipes record them; returns the updated results."""
    recorded = saved_weights_digests(settings)
    for name in names:
        saved = {seed: f"{name}_seed{seed}" if seed else name for seed in settings.seeds}
        results = store_results(settings, train_seeds,
                                {f"seeds.{name}.{seed}": results[model_spec(name).section][name] if seed == 0
                                 else results["seeds"][name][str(seed)] for seed in settings.seeds},
                                models={seed: SavedModel(saved_as, recorded[saved_as]) for seed, saved_as in saved.items()})
    return results


def load_seed_model(name: str, seed: int, settings: RunSettings) -> keras.Model:
    """The trained model `name` with `seed`: seed 0 from models/{name}.keras, other seeds from their
    saved weights (models/seeds/{name}_seed{k}.weights.h5). FileNotFoundError when it was never trained."""
    if seed == 0:
        path = settings.models_dir / f"{name}.keras"
        if not path.exists():
            raise FileNotFoundError(f"{path.name} is missing: train {name} first (helpers.train_or_load).")
        return mark_saved_as(readable_saved_model(path), path)
    path = seed_weights_path(settings, model_spec(name).name, seed)
    if not path.exists():
        raise FileNotFoundError(f"{path.name} is missing: train seed {seed} of {name} first (helpers.train_seeds).")
    return _seed_model_from(path, name)


def _seed_model_from(path: Path, name: str) -> keras.Model:
    """Model `name` with the weights saved at `path`, tagged with the saved model it is."""
    model = build_model(name)
    model.load_weights(path)
    return mark_saved_as(model, path)
