"""What the recurrent state already knows at each step: linear probes (multinomial logistic regression
on standardized states, scikit-learn) and the geometry of the GRU's state (class separation, PCA).

Imports from the package: settings, cache, data, readout, cells, controls.
"""
from __future__ import annotations

from typing import Mapping

import keras
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from hw3.cells import gru_internals, lstm_internals
from hw3.data import accuracy, check_image_batch
from hw3.readout import every_step_model, stepwise_readout
from hw3.cache import cached_call
from hw3.controls import readout_by_steps_after_ink, row_occlusion_accuracy
from hw3.settings import NUM_CLASSES, SEQUENCE_LENGTH, RunSettings

PROBE_MAX_ITERATIONS = 2000


def check_states(states: np.ndarray, labels: np.ndarray, name: str = "states") -> np.ndarray:
    states = np.asarray(states)
    if states.ndim != 3 or len(states) != len(labels):
        raise ValueError(f"{name} must be shaped (N, T, units) with one label per row; got {states.shape} "
                         f"and {len(labels)} labels.")
    return states


def fitted_probe_accuracy(train_features: np.ndarray, train_labels: np.ndarray, test_features: np.ndarray,
                          test_labels: np.ndarray, step: int | None = None) -> float:
    """Test accuracy of one linear probe fitted on (N, features) training features: StandardScaler,
    then LogisticRegression (multinomial, default C = 1, lbfgs, up to 2,000 iterations).
    `step` only names the probe in the error raised when it does not converge."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=PROBE_MAX_ITERATIONS))
    probe.fit(train_features, train_labels)
    if probe[-1].n_iter_.max() >= PROBE_MAX_ITERATIONS:
        raise ValueError(f"the probe at step {step} did not converge in {PROBE_MAX_ITERATIONS} iterations.")
    return float(probe.score(test_features, test_labels))


def probe_accuracy(train_states: np.ndarray, train_labels: np.ndarray, test_states: np.ndarray,
                   test_labels: np.ndarray) -> list[float]:
    """Test accuracy per step t = 1..T of a linear probe trained at that step.

    states (N, T, units); each probe as in `fitted_probe_accuracy`, fitted on the training states at step t.
    """
    train_states = check_states(train_states, train_labels, "train_states")
    test_states = check_states(test_states, test_labels, "test_states")
    return [fitted_probe_accuracy(train_states[:, step], train_labels, test_states[:, step], test_labels, step + 1)
            for step in range(train_states.shape[1])]


def pixels_so_far(images: np.ndarray, step: int) -> np.ndarray:
    """The pixels of rows 1..step of each image, flattened: (N, 28, 28) -> (N, 28 * step)."""
    images = check_image_batch(images)
    if not 1 <= step <= images.shape[1]:
        raise ValueError(f"step must lie in 1..{images.shape[1]}; got {step}.")
    return images[:, :step].reshape(len(images), -1)


def pixel_probe_accuracy(train_images: np.ndarray, train_labels: np.ndarray, test_images: np.ndarray,
                         test_labels: np.ndarray) -> list[float]:
    """The probe baseline of the raw input: per step t = 1..28, a probe (same protocol) on the pixels
    of rows 1..t, what any reader of the first t rows could know."""
    steps = check_image_batch(train_images).shape[1]
    return [fitted_probe_accuracy(pixels_so_far(train_images, t), train_labels, pixels_so_far(test_images, t),
                                  test_labels, t) for t in range(1, steps + 1)]


def class_separation(states: np.ndarray, labels: np.ndarray) -> list[float]:
    """Per step, between-class over within-class variance of the states (N, T, units) -> (T,).

    between = sum_c n_c |mean_c - mean|^2 / N, within = sum_i |x_i - mean_(class of i)|^2 / N.
    """
    states, labels = check_states(states, labels), np.asarray(labels)
    overall = states.mean(axis=0)  # (T, units)
    between = np.zeros(states.shape[1])
    within = np.zeros(states.shape[1])
    for digit in range(NUM_CLASSES):
        chosen = states[labels == digit]
        if len(chosen) == 0:
            continue
        centre = chosen.mean(axis=0)
        between += len(chosen) * ((centre - overall) ** 2).sum(axis=-1)
        within += ((chosen - centre) ** 2).sum(axis=(0, 2))
    return (between / np.maximum(within, 1e-12)).tolist()


def class_trajectories(states: np.ndarray, labels: np.ndarray, components: int = 2) -> dict:
    """PCA fitted on every (image, step) state; the mean trajectory of each class in its first
    `components` components. Returns {'trajectories' (10, T, components), 'explained' (components,)}."""
    states, labels = check_states(states, labels), np.asarray(labels)
    pca = PCA(n_components=components, random_state=0).fit(states.reshape(-1, states.shape[-1]))
    projected = pca.transform(states.reshape(-1, states.shape[-1])).reshape(states.shape[:2] + (components,))
    trajectories = np.stack([projected[labels == digit].mean(axis=0) for digit in range(NUM_CLASSES)])
    return {"trajectories": trajectories, "explained": pca.explained_variance_ratio_}


def probe_values(gru: keras.Model, lstm: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                 test_images: np.ndarray, test_labels: np.ndarray) -> dict:
    """Probe accuracy per step on the GRU's h_t and the LSTM's h_t and c_t, trained on `train_images`'
    states and tested on `test_images`'. Returns {'gru_1x32': {'h': [28]}, 'lstm_1x32': {'h': [28], 'c': [28]}}."""
    gru_train, gru_test = gru_internals(gru, train_images), gru_internals(gru, test_images)
    lstm_train, lstm_test = lstm_internals(lstm, train_images), lstm_internals(lstm, test_images)
    return {"gru_1x32": {"h": probe_accuracy(gru_train["h"], train_labels, gru_test["h"], test_labels)},
            "lstm_1x32": {part: probe_accuracy(lstm_train[part], train_labels, lstm_test[part], test_labels)
                          for part in ("h", "c")}}


def probe_experiment(gru: keras.Model, lstm: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                     test_images: np.ndarray, test_labels: np.ndarray, settings: RunSettings) -> dict:
    """`probe_values`, through the analysis cache (about a minute the first time)."""
    return cached_call(settings, "probe_experiment", probe_values, gru=gru, lstm=lstm, train_images=train_images,
                       train_labels=train_labels, test_images=test_images, test_labels=test_labels)


def probe_baseline_values(untrained_gru: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                          test_images: np.ndarray, test_labels: np.ndarray) -> dict:
    """The probes' controls, same protocol as `probe_values`: a probe on the pixels of rows 1..t, and a
    probe on the hidden state of an untrained GRU (1x32). Returns {'pixels_so_far': [28],
    'untrained_gru_1x32': {'h': [28]}}."""
    untrained_train, untrained_test = gru_internals(untrained_gru, train_images), gru_internals(untrained_gru, test_images)
    return {"pixels_so_far": pixel_probe_accuracy(train_images, train_labels, test_images, test_labels),
            "untrained_gru_1x32": {"h": probe_accuracy(untrained_train["h"], train_labels, untrained_test["h"],
                                                       test_labels)}}


def probe_baselines_experiment(untrained_gru: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                               test_images: np.ndarray, test_labels: np.ndarray, settings: RunSettings) -> dict:
    """`probe_baseline_values`, through the analysis cache (a few minutes the first time)."""
    return cached_call(settings, "probe_baselines_experiment", probe_baseline_values, untrained_gru=untrained_gru,
                       train_images=train_images, train_labels=train_labels, test_images=test_images,
                       test_labels=test_labels)


def probe_gains(trained: list[float], pixels: list[float], untrained: list[float], from_step: int = 5) -> dict:
    """What training adds to the state, in probe accuracy: per step, the trained-state probe minus the
    pixel probe and minus the untrained-state probe (fractions, (T,) each), and the smallest and largest
    gain over the pixels from step `from_step` on."""
    over_pixels = [t - p for t, p in zip(trained, pixels)]
    over_untrained = [t - u for t, u in zip(trained, untrained)]
    later = over_pixels[from_step - 1:]
    return {"over_pixels": over_pixels, "over_untrained": over_untrained,
            f"over_pixels_from_step_{from_step}": {"min": min(later), "max": max(later)}}


# --- Fair probes: each probe's regularization chosen on the validation images ----------------------

PROBE_C_VALUES = (0.01, 0.1, 1.0, 10.0)  # inverse regularization strengths tried, on the validation images


def tuned_probe(train_features: np.ndarray, train_labels: np.ndarray, validation_features: np.ndarray,
                validation_labels: np.ndarray, test_features: np.ndarray, test_labels: np.ndarray,
                c_values=PROBE_C_VALUES) -> dict[str, float]:
    """A linear probe whose C is chosen on the validation images: features standardized on the
    training images, then for each C in ascending order a multinomial logistic regression fitted on all
    training features (warm-started from the previous C's solution; the optimum is the same, it is
    reached sooner). The C with the highest validation accuracy wins, the smallest on a tie; returns
    {'C', 'validation_accuracy', 'test_accuracy'} of that fit."""
    scaler = StandardScaler().fit(train_features)
    train, validation, test = (scaler.transform(x) for x in (train_features, validation_features, test_features))
    probe = LogisticRegression(max_iter=PROBE_MAX_ITERATIONS, warm_start=True)
    best: dict[str, float] = {}
    for c in sorted(c_values):
        probe.set_params(C=c).fit(train, train_labels)
        if probe.n_iter_.max() >= PROBE_MAX_ITERATIONS:
            raise ValueError(f"the probe with C = {c} did not converge in {PROBE_MAX_ITERATIONS} iterations.")
        validation_accuracy = float(probe.score(validation, validation_labels))
        if not best or validation_accuracy > best["validation_accuracy"]:
            best = {"C": c, "validation_accuracy": validation_accuracy, "test_accuracy": float(probe.score(test, test_labels))}
    return best


def tuned_probes_per_step(features, labels: Mapping[str, np.ndarray], steps: int) -> dict[str, list[float]]:
    """`tuned_probe` at every step t = 1..steps; `features(split, t)` gives the (N, features) of split
    'train', 'validation' or 'test' at step t. Returns {'test_accuracy', 'validation_accuracy', 'C'}, each (steps,)."""
    fits = [tuned_probe(features("train", t), labels["train"], features("validation", t), labels["validation"],
                        features("test", t), labels["test"]) for t in range(1, steps + 1)]
    return {key: [fit[key] for fit in fits] for key in ("test_accuracy", "validation_accuracy", "C")}


def fair_probe_values(gru: keras.Model, untrained_gru: keras.Model, images: Mapping[str, np.ndarray],
                      labels: Mapping[str, np.ndarray]) -> dict:
    """Probes on the trained GRU's h_t, on the pixels of rows 1..t and on the untrained GRU's h_t, each
    with its C chosen on the validation images and fitted on all training images; `images` and `labels`
    keyed 'train', 'validation', 'test'. Returns {'gru_1x32', 'pixels_so_far', 'untrained_gru_1x32':
    tuned_probes_per_step(...)}."""
    result = {}
    for name, model in (("gru_1x32", gru), ("untrained_gru_1x32", untrained_gru)):
        states = {split: gru_internals(model, x)["h"] for split, x in images.items()}
        result[name] = tuned_probes_per_step(lambda split, t: states[split][:, t - 1], labels, SEQUENCE_LENGTH)
    result["pixels_so_far"] = tuned_probes_per_step(lambda split, t: pixels_so_far(images[split], t), labels,
                                                    SEQUENCE_LENGTH)
    return {name: result[name] for name in ("gru_1x32", "pixels_so_far", "untrained_gru_1x32")}


def fair_probe_experiment(gru: keras.Model, untrained_gru: keras.Model, data, settings: RunSettings) -> dict:
    """`fair_probe_values` on the run's three splits, through the analysis cache (slow the first time)."""
    images = {"train": data.x_train, "validation": data.x_validation, "test": data.x_test}
    labels = {"train": data.y_train, "validation": data.y_validation, "test": data.y_test}
    return cached_call(settings, "fair_probe_experiment", fair_probe_values, gru=gru, untrained_gru=untrained_gru,
                       images=images, labels=labels)


REPLICATION_STEP = 16  # the middle step where Q3.3 compares the probe with the head
REPLICATION_OFFSETS = tuple(range(-3, 4))  # k' = t - L for the ink-aligned read-out


def replication_numbers(model: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                        test_images: np.ndarray, test_labels: np.ndarray, step: int = REPLICATION_STEP) -> dict:
    """Q3.3's headline numbers for one trained model (any seed), each defined as for seed 0:
    the ink-aligned read-out for k' = -3..+3, the probe on h_step (same protocol), the head's
    accuracy at `step`, the share of test images read out as 7 at `step`, and the row whose
    blanking costs most with its cost in accuracy points (the first such row on a tie)."""
    test_labels = np.asarray(test_labels)
    test_outputs, step_logits = stepwise_readout(model, test_images)  # outputs (N, 28, units) are h_t
    train_outputs = every_step_model(model, head=False).predict(check_image_batch(train_images), batch_size=1000,
                                                                verbose=0)
    full_accuracy = accuracy(step_logits[:, -1], test_labels)
    occluded = row_occlusion_accuracy(model, test_images, test_labels)
    worst = int(np.argmin(occluded))
    return {
        "readout_by_steps_after_ink": readout_by_steps_after_ink(step_logits, test_images, test_labels,
                                                                 REPLICATION_OFFSETS),
        f"probe_at_{step}": fitted_probe_accuracy(train_outputs[:, step - 1], train_labels,
                                                  test_outputs[:, step - 1], test_labels, step),
        f"head_at_{step}": accuracy(step_logits[:, step - 1], test_labels),
        f"share_read_as_7_at_{step}": float((step_logits[:, step - 1].argmax(-1) == 7).mean()),
        "worst_row_occlusion": {"row": worst + 1, "drop_points": 100.0 * (full_accuracy - occluded[worst])},
    }


def replication_values(models: Mapping[str, Mapping[int, keras.Model]], train_images: np.ndarray,
                       train_labels: np.ndarray, test_images: np.ndarray, test_labels: np.ndarray) -> dict:
    """{name: {seed: replication_numbers(...)}} for every seed model given."""
    return {name: {str(seed): replication_numbers(model, train_images, train_labels, test_images, test_labels)
                   for seed, model in by_seed.items()} for name, by_seed in models.items()}


def replication_experiment(models: Mapping[str, Mapping[int, keras.Model]], train_images: np.ndarray,
                           train_labels: np.ndarray, test_images: np.ndarray, test_labels: np.ndarray,
                           settings: RunSettings) -> dict:
    """`replication_values`, through the analysis cache."""
    return cached_call(settings, "replication_experiment", replication_values, models=models,
                       train_images=train_images, train_labels=train_labels, test_images=test_images,
                       test_labels=test_labels)
