"""Does the state keep the class while blank rows are appended after row 28? Q3.3's deciding
experiment: the head's read-out after row 28 + k against two linear probes on the state h, one
fitted after row 28 and applied after row 28 + k, one fitted again after row 28 + k.

Imports from the package: settings, cache, data, readout, controls, probes.
"""
from __future__ import annotations

from typing import Mapping

import keras
import numpy as np

from hw3.cache import cached_call
from hw3.controls import APPENDED_BLANK_ROWS
from hw3.data import accuracy, with_blank_rows
from hw3.probes import tuned_probe
from hw3.readout import every_step_model
from hw3.settings import SEQUENCE_LENGTH, RunSettings

SPLITS = ("train", "validation", "test")


def states_and_logits_with_blank_rows(model: keras.Model, images: np.ndarray,
                                      extra: int = APPENDED_BLANK_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """The top layer's output h (N, 28 + extra, units) and the head's logits (N, 28 + extra, 10) of a
    recurrent model reading each image followed by `extra` blank rows, one pass."""
    states, logits = every_step_model(model, steps=None).predict(with_blank_rows(images, extra), batch_size=1000,
                                                                  verbose=0)
    return np.asarray(states), np.asarray(logits)


def state_after_blank_rows_accuracies(states: Mapping[str, np.ndarray], labels: Mapping[str, np.ndarray],
                                      test_logits: np.ndarray, last_row: int = SEQUENCE_LENGTH) -> dict[str, dict]:
    """{k: {'head', 'probe_fit_at_28', 'probe_refit'}} for k = 0..K, K = steps - last_row, where step
    last_row + k is the state after the image's last row and k appended blank rows.

    states: {'train', 'validation', 'test': (N, last_row + K, units)}, the state after each step;
    labels: {split: (N,)}; test_logits: (N_test, last_row + K, 10), the head at each step.
    head: test accuracy of the head's prediction at step last_row + k.
    probe_fit_at_28: the probe fitted on the training states after row last_row (its C chosen on the
    validation states there, as `probes.tuned_probe`), tested on the test states after row last_row + k.
    probe_refit: the same protocol with training, validation and test states all after row last_row + k.
    """
    steps = {split: np.asarray(states[split]).shape[1] for split in SPLITS}
    if len(set(steps.values())) != 1 or steps["test"] != test_logits.shape[1] or steps["test"] < last_row:
        raise ValueError(f"states and test_logits must all have the same number of steps, at least {last_row}; "
                         f"got {steps} and {test_logits.shape}.")
    def at(split: str, step: int) -> np.ndarray:
        return np.asarray(states[split])[:, step - 1]

    result = {}
    for k in range(steps["test"] - last_row + 1):
        step = last_row + k
        # The probe fitted after row last_row is deterministic: fitted again here, it is the same probe.
        fixed = tuned_probe(at("train", last_row), labels["train"], at("validation", last_row), labels["validation"],
                            at("test", step), labels["test"])
        refit = tuned_probe(at("train", step), labels["train"], at("validation", step), labels["validation"],
                            at("test", step), labels["test"])
        result[str(k)] = {"head": accuracy(test_logits[:, step - 1], labels["test"]),
                          "probe_fit_at_28": fixed["test_accuracy"], "probe_refit": refit["test_accuracy"]}
    return result


def state_after_blank_rows_values(seed_models: Mapping[str, Mapping[int, keras.Model]],
                                  images: Mapping[str, np.ndarray], labels: Mapping[str, np.ndarray],
                                  extra: int = APPENDED_BLANK_ROWS) -> dict:
    """{name: {seed: state_after_blank_rows_accuracies(...)}} for every seed model given, each reading
    the three splits of `images` followed by `extra` blank rows."""
    result: dict = {}
    for name, by_seed in seed_models.items():
        result[name] = {}
        for seed, model in by_seed.items():
            outputs = {split: states_and_logits_with_blank_rows(model, images[split], extra) for split in SPLITS}
            states = {split: states for split, (states, _) in outputs.items()}
            result[name][str(seed)] = state_after_blank_rows_accuracies(states, labels, outputs["test"][1])
    return result


def state_after_blank_rows_experiment(seed_models: Mapping[str, Mapping[int, keras.Model]], data,
                                      settings: RunSettings) -> dict:
    """`state_after_blank_rows_values` on the run's three splits, through the analysis cache."""
    images = {"train": data.x_train, "validation": data.x_validation, "test": data.x_test}
    labels = {"train": data.y_train, "validation": data.y_validation, "test": data.y_test}
    return cached_call(settings, "state_after_blank_rows", state_after_blank_rows_values, seed_models=seed_models,
                       images=images, labels=labels)
