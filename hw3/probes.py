"""What the recurrent state already knows at each step: linear probes (multinomial logistic regression
on standardized states, scikit-learn) and the geometry of the GRU's state (class separation, PCA).

Imports from the package: settings, cells, controls.
"""
from __future__ import annotations

import keras
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from hw3.cells import gru_internals, lstm_internals
from hw3.controls import weights_fingerprint
from hw3.settings import NUM_CLASSES, RunSettings, cached_result

PROBE_MAX_ITERATIONS = 2000


def check_states(states: np.ndarray, labels: np.ndarray, name: str = "states") -> np.ndarray:
    states = np.asarray(states)
    if states.ndim != 3 or len(states) != len(labels):
        raise ValueError(f"{name} must be shaped (N, T, units) with one label per row; got {states.shape} "
                         f"and {len(labels)} labels.")
    return states


def probe_accuracy(train_states: np.ndarray, train_labels: np.ndarray, test_states: np.ndarray,
                   test_labels: np.ndarray) -> list[float]:
    """Test accuracy per step t = 1..T of a linear probe trained at that step.

    states (N, T, units). Each probe: StandardScaler, then LogisticRegression (multinomial, default
    C = 1, lbfgs, up to 2,000 iterations), fitted on the training states at step t.
    """
    train_states = check_states(train_states, train_labels, "train_states")
    test_states = check_states(test_states, test_labels, "test_states")
    accuracies = []
    for step in range(train_states.shape[1]):
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=PROBE_MAX_ITERATIONS))
        probe.fit(train_states[:, step], train_labels)
        if probe[-1].n_iter_.max() >= PROBE_MAX_ITERATIONS:
            raise ValueError(f"the probe at step {step + 1} did not converge in {PROBE_MAX_ITERATIONS} iterations.")
        accuracies.append(float(probe.score(test_states[:, step], test_labels)))
    return accuracies


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


def probe_experiment(gru: keras.Model, lstm: keras.Model, train_images: np.ndarray, train_labels: np.ndarray,
                     test_images: np.ndarray, test_labels: np.ndarray, settings: RunSettings) -> dict:
    """Probe accuracy per step on the GRU's h_t and the LSTM's h_t and c_t, trained on `train_images`'
    states and tested on `test_images`', cached with the models (about a minute the first time).

    Returns {'gru_1x32': {'h': [28]}, 'lstm_1x32': {'h': [28], 'c': [28]}}.
    """
    fingerprint = weights_fingerprint({"gru_1x32": gru, "lstm_1x32": lstm}, "probes", PROBE_MAX_ITERATIONS,
                                      len(train_images), int(np.sum(train_images)), len(test_images))

    def compute() -> dict:
        gru_train, gru_test = gru_internals(gru, train_images), gru_internals(gru, test_images)
        lstm_train, lstm_test = lstm_internals(lstm, train_images), lstm_internals(lstm, test_images)
        return {"gru_1x32": {"h": probe_accuracy(gru_train["h"], train_labels, gru_test["h"], test_labels)},
                "lstm_1x32": {part: probe_accuracy(lstm_train[part], train_labels, lstm_test[part], test_labels)
                              for part in ("h", "c")}}

    return cached_result(settings, "probe_experiment", fingerprint, compute)
