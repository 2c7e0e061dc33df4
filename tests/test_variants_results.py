"""A sample of the Q3.1 and Q3.3 results that issues 17 and 18 added to results.json, recomputed here
without the package's functions: the saved variant and seed models run through the float64 NumPy
forward pass, each input transform and shift written again from its definition."""
import json

import keras
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from hw3.models import build_model
from hw3.settings import PROJECT_DIR
from tests.numpy_reference import gru_forward, model_weights


@pytest.fixture(scope="module")
def results():
    return json.loads((PROJECT_DIR / "results" / "results.json").read_text())


def saved(name, seed=0):
    if seed == 0:
        return keras.models.load_model(PROJECT_DIR / "models" / f"{name}.keras")
    model = build_model(name)
    model.load_weights(PROJECT_DIR / "models" / "seeds" / f"{name}_seed{seed}.weights.h5")
    return model


def step_predictions(model, sequences):
    """The head applied to h_t at every step of sequences (N, 28, 28) already in reading order: (N, 28)."""
    weights = model_weights(model)
    h = gru_forward(np.asarray(sequences, np.float64) @ weights["projection"][0] + weights["projection"][1],
                    *weights["recurrent"])["h"]
    hidden = np.maximum(np.maximum(h, 0.0) @ weights["hidden"][0] + weights["hidden"][1], 0.0)
    return (hidden @ weights["logits"][0] + weights["logits"][1]).argmax(-1)


def test_row_order_is_the_seeded_permutation(results):
    stored = results["variants"]["gru_1x32_permuted_rows"]["row_order"]
    assert stored == np.random.default_rng(0).permutation(28).tolist()


@pytest.mark.parametrize("name, reorder", [
    ("gru_1x32_columns", lambda images: np.swapaxes(images, 1, 2)),
    ("gru_1x32_bottom_up", lambda images: np.flip(images, axis=1)),
    ("gru_1x32_permuted_rows", lambda images: images[:, np.random.default_rng(0).permutation(28)]),
])
def test_variant_accuracy_recomputed(results, mnist, name, reorder):
    predictions = step_predictions(saved(name), reorder(mnist.x_test))
    accuracy = (predictions[:, -1] == mnist.y_test).mean()
    assert results["seeds"][name]["0"]["test_accuracy"] == pytest.approx(accuracy, abs=2e-4)
    assert results["seeds"][name]["0"]["stepwise_test_accuracy"][20] == pytest.approx(
        (predictions[:, 20] == mnist.y_test).mean(), abs=2e-4)


def test_bottom_up_readout_aligned_to_the_first_ink_row(results, mnist):
    images, labels = mnist.x_test, mnist.y_test
    predictions = step_predictions(saved("gru_1x32_bottom_up"), images[:, ::-1])
    first = np.array([min(i + 1 for i in range(28) if image[i].any()) for image in images])
    end = 29 - first  # the step at which this reader meets the first ink row, its last
    for k in (0, 2):
        usable = end + k <= 28
        at = predictions[np.flatnonzero(usable), end[usable] + k - 1]
        assert results["analysis"]["bottom_up"]["readout_by_steps_after_ink"][str(k)] == pytest.approx(
            (at == labels[usable]).mean(), abs=2e-4)


def test_horizontal_shift_recomputed(results, mnist):
    images, labels = mnist.x_test, mnist.y_test
    right = np.zeros_like(images)
    right[:, :, 2:] = images[:, :, :-2]  # two columns to the right
    predictions = step_predictions(saved("gru_1x32"), right)[:, -1]
    assert results["analysis"]["horizontal_shift"]["gru_1x32"]["2"] == pytest.approx((predictions == labels).mean(), abs=2e-4)
    left = np.zeros_like(images)
    left[:, :, :-3] = images[:, :, 3:]
    lost = images.sum() - left.sum()
    assert results["analysis"]["horizontal_shift_ink_pushed_out"]["-3"]["ink_share"] == pytest.approx(lost / images.sum())
    cnn = saved("cnn_small")
    assert results["analysis"]["horizontal_shift"]["cnn_small"]["-3"] == pytest.approx(
        (cnn.predict(left, verbose=0, batch_size=2000).argmax(-1) == labels).mean(), abs=2e-4)


def test_replication_of_one_other_seed(results, mnist):
    images, labels = mnist.x_test, mnist.y_test
    predictions = step_predictions(saved("gru_1x32", 2), images)
    entry = results["analysis"]["replication"]["gru_1x32"]["2"]
    assert entry["head_at_16"] == pytest.approx((predictions[:, 15] == labels).mean(), abs=2e-4)
    assert entry["share_read_as_7_at_16"] == pytest.approx((predictions[:, 15] == 7).mean(), abs=2e-4)
    last = np.array([max(i + 1 for i in range(28) if image[i].any()) for image in images])
    usable = last - 3 >= 1
    assert entry["readout_by_steps_after_ink"]["-3"] == pytest.approx(
        (predictions[np.flatnonzero(usable), last[usable] - 4] == labels[usable]).mean(), abs=2e-4)


def test_pixel_probe_at_step_10(results, mnist):
    train = mnist.x_train[:10_000, :10].reshape(10_000, -1)
    test = mnist.x_test[:, :10].reshape(len(mnist.x_test), -1)
    scaler = StandardScaler().fit(train)
    probe = LogisticRegression(max_iter=5000).fit(scaler.transform(train), mnist.y_train[:10_000])
    accuracy = (probe.predict(scaler.transform(test)) == mnist.y_test).mean()
    assert results["analysis"]["probes"]["pixels_so_far"][9] == pytest.approx(accuracy, abs=3e-3)


def test_q3_1_comparisons_are_first_minus_second(results):
    for key, entry in results["statistics"]["comparisons"].items():
        first, second = key.split(" - ")
        mean = [np.mean([run["test_accuracy"] for run in results["seeds"][name].values()]) for name in (first, second)]
        assert entry["difference"] == pytest.approx(mean[0] - mean[1], abs=1e-6), key
        assert entry["low"] < entry["difference"] < entry["high"]
