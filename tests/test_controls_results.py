"""A sample of the Q3 control results in results.json, recomputed here without the package's
functions: a float64 NumPy forward pass of the committed GRU (1x32), shifts and occlusions written
again from their definitions in issue 10, and a probe fitted with scikit-learn directly."""
import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from hw3.settings import PROJECT_DIR
from tests.numpy_reference import gru_forward, model_weights


@pytest.fixture(scope="module")
def analysis():
    return json.loads((PROJECT_DIR / "results" / "results.json").read_text())["analysis"]


@pytest.fixture(scope="module")
def gru(trained_models):
    return model_weights(trained_models["gru_1x32"])


def gru_states(weights, images):
    """h_t (N, T, 32) of the GRU model on images (N, T, 28), any T."""
    projection_kernel, projection_bias = weights["projection"]
    return gru_forward(np.asarray(images, np.float64) @ projection_kernel + projection_bias, *weights["recurrent"])["h"]


def step_predictions(weights, images):
    """The head applied to h_t at every step: predicted class (N, T)."""
    hidden = np.maximum(np.maximum(gru_states(weights, images), 0.0) @ weights["hidden"][0] + weights["hidden"][1], 0.0)
    return (hidden @ weights["logits"][0] + weights["logits"][1]).argmax(-1)


def moved(images, rows):
    out = np.zeros_like(images)
    for index in range(28):
        if 0 <= index + rows < 28:
            out[:, index + rows] = images[:, index]
    return out


def test_readout_at_last_ink_row(analysis, gru, mnist):
    images, labels = mnist.x_test, mnist.y_test
    predictions = step_predictions(gru, images)
    last = np.array([max(i + 1 for i in range(28) if image[i].any()) for image in images])
    at_last = predictions[np.arange(len(images)), last - 1]
    assert analysis["gru_1x32"]["readout_at_last_ink"] == pytest.approx((at_last == labels).mean(), abs=2e-4)
    usable = last + 3 <= 28
    three_after = predictions[np.flatnonzero(usable), last[usable] + 2]
    assert analysis["gru_1x32"]["readout_by_steps_after_ink"]["3"] == pytest.approx(
        (three_after == labels[usable]).mean(), abs=2e-4)
    shares = np.bincount(predictions[:, 15], minlength=10) / len(images)
    assert analysis["gru_1x32"]["readout_class_shares"]["16"][7] == pytest.approx(shares[7], abs=2e-4)


def test_shift_extra_rows_and_occlusion(analysis, gru, mnist):
    images, labels = mnist.x_test, mnist.y_test
    down = moved(images, 3)
    assert analysis["shift"]["gru_1x32"]["3"] == pytest.approx((step_predictions(gru, down)[:, -1] == labels).mean(), abs=2e-4)
    padded = np.concatenate([moved(images, 4), np.zeros((len(images), 2, 28))], axis=1)
    assert analysis["extra_blank_rows"]["gru_1x32"]["4"]["2"] == pytest.approx(
        (step_predictions(gru, padded)[:, -1] == labels).mean(), abs=2e-4)
    occluded = images.copy()
    occluded[:, 11] = 0  # row 12
    assert analysis["row_occlusion"]["gru_1x32"][11] == pytest.approx(
        (step_predictions(gru, occluded)[:, -1] == labels).mean(), abs=2e-4)


def test_probe_at_step_28(analysis, gru, mnist):
    train = gru_states(gru, mnist.x_train[:10_000])[:, -1]
    test = gru_states(gru, mnist.x_test)[:, -1]
    scaler = StandardScaler().fit(train)
    probe = LogisticRegression(max_iter=5000).fit(scaler.transform(train), mnist.y_train[:10_000])
    accuracy = (probe.predict(scaler.transform(test)) == mnist.y_test).mean()
    assert analysis["probes"]["gru_1x32"]["h"][27] == pytest.approx(accuracy, abs=2e-3)
