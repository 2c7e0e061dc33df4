"""Statistics of images, states and gates, on hand-made inputs whose answers are known."""
import numpy as np
import pytest

from hw3.analysis import (blank_row_fraction, cell_state_retention, feature_correlations, gate_by_row_kind,
                          gate_profile, gate_saturation, gate_summary, relu_zeroed_share, retention_half_life,
                          row_features, spearman_correlation, state_spread, units_by_cost)


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


def test_retention_multiplies_the_forget_gates_after_each_step():
    forget = np.ones((2, 4, 2))
    forget[0, :, 0] = [0.9, 0.8, 0.5, 0.25]  # image 0, unit 0: steps differ, so reading them backwards fails
    forget[1, :, 0] = [1.0, 1.0, 1.0, 0.5]
    retention = cell_state_retention(forget)
    assert retention.shape == (2, 4)
    # unit 0 from step t to step 4: prod over s = t+1..4 of f_s, averaged over the two images
    expected = [(0.8 * 0.5 * 0.25 + 0.5) / 2, (0.5 * 0.25 + 0.5) / 2, (0.25 + 0.5) / 2, 1.0]
    np.testing.assert_allclose(retention[0], expected)
    np.testing.assert_allclose(retention[1], 1.0)
    assert retention_half_life(retention) == [1, None]  # unit 0 keeps (0.25 + 0.5) / 2 <= 0.5 of c_3


def test_half_life_counts_steps_back_from_the_end():
    retention = np.array([[0.1, 0.3, 0.45, 0.6, 0.8, 1.0]])
    assert retention_half_life(retention) == [3]  # from step 3 (0.45) over the last 3 steps


def test_relu_zeroed_share_counts_non_positive_last_outputs():
    last = np.array([[0.5, -0.1, 0.0], [0.2, -0.3, 1.0], [-0.1, -0.2, 2.0], [0.3, -0.1, 3.0]])
    np.testing.assert_allclose(relu_zeroed_share(last), [0.25, 1.0, 0.25])
    with pytest.raises(ValueError, match=r"\(N, units\)"):
        relu_zeroed_share(np.zeros((2, 28, 3)))


def test_gate_by_row_kind_splits_blank_and_ink_steps():
    images = np.zeros((2, 28, 28), np.float32)
    images[0, 10:20, 5] = 1.0  # image 0: ink in rows 11-20
    gate = np.full((2, 28, 3), 0.2)
    gate[0, 10:20] = 0.95
    statistics = gate_by_row_kind(gate, images)
    assert statistics["ink"]["mean"] == pytest.approx(0.95) and statistics["ink"]["above_0.9"] == 1.0
    assert statistics["blank"]["mean"] == pytest.approx(0.2) and statistics["blank"]["above_0.9"] == 0.0
    assert statistics["ink"]["share_of_steps"] == pytest.approx(10 / 56, abs=1e-4)
    with pytest.raises(ValueError, match="disagree"):
        gate_by_row_kind(gate[:1], images)


def test_row_features_follow_the_ink():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 2, :3] = 1.0  # row 3: three pixels
    image[0, 4, 0] = 1.0  # row 5: one pixel
    features = row_features(image)
    assert list(features["ink_in_row"][0, :6]) == [0, 0, 3, 0, 1, 0]
    assert list(features["ink_so_far"][0, :6]) == [0, 0, 3, 3, 4, 4]
    assert list(features["rows_since_ink"][0, :7]) == [1, 2, 0, 1, 0, 1, 2]
    assert features["rows_since_ink"][0, -1] == 23 and features["step"][0, -1] == 28


def test_feature_correlations_and_unit_order():
    step = np.tile(np.arange(1.0, 29.0), (3, 1))
    correlations = feature_correlations(2 * step + 1, {"step": step, "reversed": -step, "flat": np.ones_like(step)})
    assert correlations == {"step": 1.0, "reversed": -1.0, "flat": 0.0}
    assert units_by_cost(np.array([0.9, 0.7, 0.95, 0.7]), 0.96) == [1, 3, 0, 2]


def test_spearman_correlation_of_ranks():
    rho, p_value = spearman_correlation(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([10.0, 20.0, 30.0, 40.0, 100.0]))
    assert rho == pytest.approx(1.0) and p_value < 0.05
    rho, _ = spearman_correlation(np.arange(6.0), -np.arange(6.0) ** 3)
    assert rho == pytest.approx(-1.0)


def test_state_over_time_on_a_hand_made_state():
    from hw3.analysis import state_over_time

    states = np.zeros((2, 3, 2))
    states[:, 1] = [[0.9, 0.95], [0.9, 0.95]]  # step 2: one value at 0.9 (not > 0.9), one above; same for both images
    states[0, 2], states[1, 2] = [1.0, -1.0], [0.0, 0.0]  # step 3: the images differ
    summary = state_over_time(states)
    assert summary["mean_abs"] == pytest.approx([0.0, 0.925, 0.5])
    assert summary["share_saturated"] == pytest.approx([0.0, 0.5, 0.5])  # 0.9 sits on the threshold: not counted
    assert summary["mean_abs_change"] == pytest.approx([0.0, 0.925, (0.1 + 1.95 + 0.9 + 0.95) / 4])  # h_0 = 0
    assert summary["spread_across_images"] == pytest.approx([0.0, 0.0, 0.5])


def test_gate_around_first_ink_reads_the_step_before_at_and_after_the_first_ink_row():
    from hw3.analysis import gate_around_first_ink

    images = np.zeros((3, 6, 4))
    images[0, 2, 1] = 1  # F = 3: steps 2, 3 and 5 are read
    images[1, 0, 0] = 1  # F = 1: no blank row before the ink, left out
    images[2, 4, 0] = 1  # F = 5: step 7 does not exist for after = 2, left out
    gate = np.zeros((3, 6, 2))
    gate[0, :, :] = np.arange(6)[:, None] / 10  # image 0: the gate is (step - 1) / 10
    gate[1:] = 9.0  # would show if a left-out image counted
    result = gate_around_first_ink(gate, images, after=2)
    assert result == {"before": pytest.approx(0.1), "at": pytest.approx(0.2), "after": pytest.approx(0.4), "images": 1}


def test_gate_summary_stores_each_quantity_under_its_name():
    from hw3.analysis import gate_summary

    gate = np.zeros((2, 10, 3))
    gate[:, :, 0] = 0.95  # unit 0 always above 0.9
    gate[:, :, 1] = 0.05  # unit 1 always below 0.1
    gate[:, 5:, 2] = 0.5  # unit 2: 0 for the first five steps, 0.5 after
    summary = gate_summary({"g": gate})["g"]
    assert summary == {"mean": round((0.95 + 0.05 + 0.25) / 3, 4), "mean_first_5_steps": round(1.0 / 3, 4),
                       "mean_last_5_steps": round(1.5 / 3, 4), "fraction_below_0.1": round(1.5 / 3, 4),
                       "fraction_above_0.9": round(1 / 3, 4), "units_mostly_below_0.1": 1,
                       "units_mostly_above_0.9": 1, "units": 3}
