"""Statistics of images, states and gates, on hand-made inputs whose answers are known."""
import numpy as np
import pytest

from hw3.analysis import blank_row_fraction, gate_profile, gate_saturation, gate_summary, state_spread


def test_gate_saturation_and_profile():
    gate = np.zeros((2, 28, 3))
    gate[..., 0] = 0.05
    gate[..., 1] = 0.95
    gate[:, :14, 2] = 0.5
    gate[:, 14:, 2] = 0.99
    left, right = gate_saturation(gate)
    np.testing.assert_allclose(left, [1, 0, 0])
    np.testing.assert_allclose(right, [0, 1, 0.5])
    profile = gate_profile(gate)
    assert profile["mean"].shape == (28,)
    assert profile["mean"][0] == pytest.approx((0.05 + 0.95 + 0.5) / 3)


def test_blank_row_fraction_counts_rows_without_ink_per_row():
    images = np.zeros((4, 28, 28), np.float32)
    images[:, 0, 3] = 1.0  # row 1 has ink in every image
    images[:2, 27, 0] = 1.0  # row 28 in half of them
    images[3, 13, :] = 1.0  # row 14 in one of four
    fraction = blank_row_fraction(images)
    assert fraction.shape == (28,)
    assert fraction[0] == 0.0 and fraction[27] == 0.5 and fraction[13] == 0.75
    assert fraction[1] == 1.0  # a row nobody wrote in
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        blank_row_fraction(np.zeros((28, 28)))


def test_state_spread_is_the_std_over_images_averaged_over_units():
    states = np.zeros((2, 3, 2))
    states[0, 2] = [1.0, 3.0]  # at step 3: unit 0 has values 1 and 0 (std 0.5), unit 1 has 3 and 0 (std 1.5)
    spread = state_spread(states)
    np.testing.assert_allclose(spread, [0.0, 0.0, 1.0])


def test_gate_summary_separates_first_and_last_steps_and_saturated_units():
    gate = np.full((3, 28, 4), 0.5)
    gate[:, :5, 0] = 0.0  # unit 0 shut for the first five steps only
    gate[:, :, 1] = 0.95  # unit 1 always above 0.9
    gate[:, -5:, 2] = 1.0  # unit 2 open for the last five steps only
    summary = gate_summary({"g": gate})["g"]
    assert summary["mean_first_5_steps"] == pytest.approx((0.0 + 0.95 + 0.5 + 0.5) / 4)
    assert summary["mean_last_5_steps"] == pytest.approx((0.5 + 0.95 + 1.0 + 0.5) / 4)
    assert summary["units_mostly_above_0.9"] == 1 and summary["units_mostly_below_0.1"] == 0
    assert summary["fraction_below_0.1"] == pytest.approx(5 / 28 / 4, abs=1e-4)
    assert summary["units"] == 4
