"""The seed pool: every model trained again with the other seeds of `settings.seeds`, in worker
processes, for the seed statistics; and the per-image test predictions of every run, saved beside
the results (`test_predictions.npz`) for the paired tests. A worker trains one run with
`training.train_model`, saves its weights with their recipe, and hands back its results entry and
predictions, which the parent stores as each run finishes, so a rerun trains only what is missing.

Imports from the package: settings, keys, results, data, models, saved_models, training.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterable, Mapping

import keras
import numpy as np
import tensorflow as tf

from hw3.data import MnistSplits, accuracy, load_binarized_mnist
from hw3.keys import SavedModel, saved_weights_digests
from hw3.models import build_model, model_spec
from hw3.results import load_results, store_results
from hw3.saved_models import (load_seed_model, model_recipe, requested_entry, reusable_model, saved_recipe,
                              seed_weights_path, write_recipe)
from hw3.settings import RunSettings, write_atomically
from hw3.training import train_model

_WORKER_DATA: MnistSplits | None = None  # each worker process loads the data once


def _start_worker(settings: RunSettings) -> None:
    """Worker set-up: one TensorFlow thread (so two workers share two cores), the run's data."""
    global _WORKER_DATA
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    _WORKER_DATA = load_binarized_mnist(settings)


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
                lambda: load_seed_model(name, seed, settings)) is not None
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

