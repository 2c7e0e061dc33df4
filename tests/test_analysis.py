"""Per-step readout, decision steps and gate statistics on hand-made inputs."""
import numpy as np
import pytest

import helpers


def logits_from_predictions(predictions):
    """(N, T) class indices -> one-hot logits (N, T, 10)."""
    return np.eye(10)[np.asarray(predictions)] * 5.0


def test_decision_step_is_first_step_after_which_prediction_stays():
    predictions = np.full((4, 28), 3)
    predictions[1, :10] = 7  # settles at step 11
    predictions[2, 26] = 1  # changes at step 27, settles at step 28
    predictions[3, 27] = 4  # final prediction only at the last step
    steps = helpers.decision_steps(logits_from_predictions(predictions))
    assert list(steps) == [1, 11, 28, 28]


def test_stepwise_accuracy_counts_per_step():
    predictions = np.zeros((4, 28), dtype=int)
    predictions[:2, -1] = 1
    accuracy = helpers.stepwise_accuracy(logits_from_predictions(predictions), np.array([1, 1, 0, 0]))
    assert accuracy.shape == (28,)
    assert accuracy[0] == 0.5 and accuracy[-1] == 1.0
    with pytest.raises(ValueError, match=r"labels \(N,\)"):
        helpers.stepwise_accuracy(np.zeros((3, 28, 10)), np.zeros(4))


def test_decision_step_summary_per_class():
    steps = np.array([5, 7, 20, 28])
    labels = np.array([0, 0, 1, 1])
    summary = helpers.decision_step_summary(steps, labels, correct=np.array([True, True, True, False]))
    assert summary["per_class"]["0"]["median"] == 6.0
    assert summary["per_class"]["1"]["mean"] == 24.0
    assert summary["per_class"]["5"]["count"] == 0
    assert summary["mean_when_wrong"] == 28.0
    assert summary["share_decided_by_step"]["22"] == 0.75


def test_gate_saturation_and_profile():
    gate = np.zeros((2, 28, 3))
    gate[..., 0] = 0.05
    gate[..., 1] = 0.95
    gate[:, :14, 2] = 0.5
    gate[:, 14:, 2] = 0.99
    left, right = helpers.gate_saturation(gate)
    np.testing.assert_allclose(left, [1, 0, 0])
    np.testing.assert_allclose(right, [0, 1, 0.5])
    profile = helpers.gate_profile(gate)
    assert profile["mean"].shape == (28,)
    assert profile["mean"][0] == pytest.approx((0.05 + 0.95 + 0.5) / 3)


def test_softmax_rows_sum_to_one():
    probabilities = helpers.softmax(np.array([[1000.0, 0.0], [0.0, 0.0]]))
    np.testing.assert_allclose(probabilities.sum(-1), 1.0)
    np.testing.assert_allclose(probabilities[1], [0.5, 0.5])
