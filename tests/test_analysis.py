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


def test_gate_around_first_ink_keeps_first_ink_rows_2_and_t_minus_after_and_leaves_out_blank_images():
    """T = 6, after = 2: F = 2 and F = 4 sit on the two boundaries and count; F = 1, F = 5 and a blank
    image do not. The gate of image i at 0-based step t is 100 i + t, so each mean names its images."""
    from hw3.analysis import gate_around_first_ink

    images = np.zeros((5, 6, 4))
    for index, first in enumerate([2, 4, 1, 5]):
        images[index, first - 1, 0] = 1  # image 4 stays blank
    gate = np.repeat((100 * np.arange(5)[:, None] + np.arange(6)[None, :])[:, :, None], 3, axis=2).astype(float)
    result = gate_around_first_ink(gate, images, after=2)
    # image 0 (F = 2): steps 1, 2, 4 -> 0, 1, 3; image 1 (F = 4): steps 3, 4, 6 -> 102, 103, 105
    assert result == {"before": 51.0, "at": 52.0, "after": 54.0, "images": 2}
    with pytest.raises(ValueError, match=r"gate \(2, 6, 3\) and images \(5, 6, 4\) must share \(N, T\)"):
        gate_around_first_ink(gate[:2], images)


def test_gate_saturation_counts_strictly_below_low_and_strictly_above_high():
    gate = np.array([[[0.1, 0.9], [0.0999, 0.9001]]])  # (1, 2, 2): values exactly on the thresholds do not count
    left, right = gate_saturation(gate)
    assert left.tolist() == [0.5, 0.0] and right.tolist() == [0.0, 0.5]


def test_gate_profile_takes_the_10th_and_90th_percentile_over_units_at_each_step():
    per_unit = np.stack([np.arange(11.0), 2 * np.arange(11.0)])  # (T = 2, 11 units): 0..10 and 0..20
    profile = gate_profile(np.stack([per_unit, per_unit]))  # two identical images
    assert set(profile) == {"mean", "low", "high"}
    np.testing.assert_allclose(profile["mean"], [5.0, 10.0])
    np.testing.assert_allclose(profile["low"], [1.0, 2.0])
    np.testing.assert_allclose(profile["high"], [9.0, 18.0])


def test_gate_summary_rounds_to_four_decimals_and_a_unit_saturated_half_the_time_is_not_mostly_saturated():
    gate = np.full((1, 10, 2), 0.5)
    gate[0, :, 0] = [0.95] * 5 + [0.123456] * 5  # unit 0 above 0.9 exactly half the time: not "mostly"
    gate[0, 5:, 1] = [0.05, 0.05, 0.05, 0.05, 0.5]  # unit 1 below 0.1 at 4 of 10 steps
    summary = gate_summary({"g": gate})["g"]
    assert summary["units_mostly_above_0.9"] == 0 and summary["units_mostly_below_0.1"] == 0
    assert summary["mean_last_5_steps"] == round((0.123456 * 5 + 0.05 * 4 + 0.5) / 10, 4)
    assert summary["fraction_below_0.1"] == 0.2 and summary["fraction_above_0.9"] == 0.25
    gate[0, 5:, 0] = 0.95  # now always above 0.9
    assert gate_summary({"g": gate})["g"]["units_mostly_above_0.9"] == 1
    gate = np.full((3, 1, 1), 0.5)
    gate[0] = 0.05  # one of three (image, step) pairs below 0.1: 0.3333 of the time
    assert gate_summary({"g": gate})["g"]["fraction_below_0.1"] == 0.3333


def test_retention_is_computed_in_float64_and_names_the_shape_it_needs():
    forget = np.full((3, 28, 2), 0.97, np.float32)  # float32 gates, as the cells return them
    retention = cell_state_retention(forget)
    assert retention.dtype == np.float64  # products of 27 factors in float64, not float32
    assert retention[0, 0] == pytest.approx(np.float64(np.float32(0.97)) ** 27, rel=1e-13)
    with pytest.raises(ValueError, match=r"\(N, T, units\); got \(2, 3\)"):
        cell_state_retention(np.ones((2, 3)))


def test_half_life_starts_at_one_step_before_the_end_and_counts_exactly_one_half():
    retention = np.array([[0.2, 0.5, 0.7, 0.4],  # last entry <= 0.5 is not a half-life of 0; 0.5 at k = 2 counts
                          [0.1, 0.6, 0.6, 1.0]])  # first below at k = 3
    assert retention_half_life(retention) == [2, 3]


def test_gate_by_row_kind_rounds_counts_thresholds_strictly_and_names_both_shapes():
    images = np.zeros((1, 28, 28), np.float32)
    images[0, :7, 0] = 1  # 7 ink rows, 21 blank rows
    gate = np.full((1, 28, 3), 0.5)
    gate[0, :7] = [[0.9, 0.1, 0.123456]]  # ink steps: exactly on both thresholds
    gate[0, 7:10] = [[0.95, 0.05, 0.05]]  # 3 of the 21 blank steps saturated
    statistics = gate_by_row_kind(gate, images)
    assert statistics["ink"] == {"mean": round((0.9 + 0.1 + 0.123456) / 3, 4), "above_0.9": 0.0, "below_0.1": 0.0,
                                 "share_of_steps": 0.25}
    assert statistics["blank"]["above_0.9"] == round(3 / 63, 4) and statistics["blank"]["below_0.1"] == round(6 / 63, 4)
    assert statistics["blank"]["share_of_steps"] == 0.75
    images[0, :7, 0] = 0
    images[0, :1, 0] = 1  # one ink row: 1/28 of the steps, rounded to 0.0357
    assert gate_by_row_kind(gate, images)["ink"]["share_of_steps"] == 0.0357
    with pytest.raises(ValueError, match=r"gate \(1, 27, 3\) and images \(1, 28, 28\) disagree"):
        gate_by_row_kind(gate[:, :27], images)


def test_feature_correlations_round_to_four_decimals_and_treat_a_unit_spread_of_exactly_one_as_varying():
    activation = np.array([[-1.0, 1.0, -1.0, 1.0]])  # standard deviation exactly 1
    features = {"same": activation * 3, "bent": np.array([[0.0, 1.0, 0.3, 0.7]]), "constant": np.ones((1, 4))}
    correlations = feature_correlations(activation, features)
    expected = float(np.corrcoef(activation.ravel(), features["bent"].ravel())[0, 1])
    assert correlations == {"same": 1.0, "bent": round(expected, 4), "constant": 0.0}
    assert round(expected, 4) != round(expected, 5)


def test_state_over_time_works_in_float64_and_names_the_shape_it_needs():
    from hw3.analysis import state_over_time

    states = np.full((1000, 2, 3), 0.1, np.float32)
    summary = state_over_time(states)
    assert summary["mean_abs"][0] == pytest.approx(float(np.float32(0.1)), rel=1e-12)
    with pytest.raises(ValueError, match=r"\(N, T, units\); got \(2, 3\)"):
        state_over_time(np.zeros((2, 3)))


def test_row_features_step_is_a_float64_count_from_1():
    step = row_features(np.zeros((2, 28, 28), np.float32))["step"]
    assert step.dtype == np.float64 and step[1].tolist() == list(range(1, 29))


def test_gate_flatness_separates_the_rows_above_the_ink_from_the_ink_rows():
    """Two images of four rows: image 0's ink starts at row 3 (F = 3), image 1's at row 2 (F = 2). Above
    the ink the gate's one unit takes 0.2 and 0.4 (steps 1, 2 of image 0) and 0.6 (step 1 of image 1);
    on ink rows (image 0's rows 3 and 4, image 1's row 2) it takes 0.5, 0.9 and 0.1."""
    from hw3.analysis import gate_flatness

    images = np.zeros((2, 4, 3))
    images[0, 2:, 0] = 1  # rows 3 and 4
    images[1, 1, 1] = 1  # row 2 only (row 3, 4 blank after the ink: neither above nor on ink)
    gate = np.array([[0.2, 0.4, 0.5, 0.9], [0.6, 0.1, 0.7, 0.7]])[..., None]  # (2, 4, 1)
    found = gate_flatness(gate, images)
    assert found["sd_above_ink"] == pytest.approx(np.std([0.2, 0.4, 0.6]))
    assert found["sd_on_ink"] == pytest.approx(np.std([0.5, 0.9, 0.1]))
    assert found["largest_step_change_above_ink"] == pytest.approx(0.2)  # 0.2 -> 0.4; image 1 has one step above
    with pytest.raises(ValueError, match="must share"):
        gate_flatness(gate[:, :3], images)


def test_blank_path_measures_each_step_from_the_one_before_and_names_the_heads_class():
    from hw3.analysis import blank_path

    hidden = np.array([[0.5, -0.1], [0.5, 0.2], [0.45, 0.2]])  # changes from h_0 = 0: 0.5, then 0.3, then 0.05
    logits = np.full((3, 10), 0.0)
    logits[0, 7] = np.log(9.0)  # class 7 with 9 / (9 + 9) = 0.5
    logits[1, 3] = 10.0
    logits[2, 1] = 10.0
    found = blank_path(hidden, logits)
    assert found["largest_change"] == pytest.approx([0.5, 0.3, 0.05])
    assert found["class"] == [7, 3, 1]
    assert (found["settled_class"], found["settled_from_step"]) == (1, 3)
    logits[1] = logits[2]  # class 1 from step 2 on
    assert blank_path(hidden, logits)["settled_from_step"] == 2
    assert blank_path(hidden, np.tile(logits[2], (3, 1)))["settled_from_step"] == 1
    assert found["probability"][0] == pytest.approx(0.5, abs=1e-4)
    with pytest.raises(ValueError, match="expected hidden"):
        blank_path(hidden, logits[:2])


def _decided_at(step, final, before=0, steps=28):
    """The classes one image's read-out names at steps 1..T: `before` until step - 1, `final` from `step` on."""
    classes = np.full(steps, before)
    classes[step - 1:] = final
    return classes


def _one_ink_row(row):
    image = np.zeros((28, 28), np.float32)
    image[row - 1, 10] = 1.0  # the last (and only) ink row L = row, counted 1..28
    return image


BLANK_CLASSES = np.array([1] * 4 + [7] * 24)  # a head that names 1 on blank input at steps 1-4, then 7


def test_blank_default_shares_on_a_head_whose_blank_class_is_known():
    """Eight images (d: decision step, L: last ink row, p: final prediction, b = BLANK_CLASSES[d - 1]):
    A d=19 < L=20, p=7=b | B d=20 = L, p=7=b | C d=21 > L=20, p=3 | D d=19 < 20, p=3 | E d=4 < 10, p=7, b=1 |
    F d=5 < 10, p=7=b | G d=20 = L, p=3 | H d=24 < 25, p=7=b. Not the blank class: C, D, E, G, of which D
    and E are early (2 of 4); early: A, D, E, F, H, of which A, F, H end in the blank class (3 of 5)."""
    from hw3.analysis import blank_default_shares
    cases = [(19, 20, 7), (20, 20, 7), (21, 20, 3), (19, 20, 3), (4, 10, 7), (5, 10, 7), (20, 20, 3), (24, 25, 7)]
    classes = np.stack([_decided_at(d, p) for d, _, p in cases])
    images = np.stack([_one_ink_row(last) for _, last, _ in cases])
    shares = blank_default_shares(np.eye(10)[classes] * 5.0, images, BLANK_CLASSES)
    # d <= L would count B and G as early (3 of 4, 3 of 6); b read at step d + 1 or d - 1 would move E or F
    assert shares == {"share_decided_before_ink_ends_not_blank_class": 0.5,
                      "share_of_early_decisions_in_blank_class": 0.6}


def test_blank_default_shares_round_to_four_decimals_and_read_the_blank_class_at_the_decision_step():
    """Three early images ending in 7: decided at step 4 (blank class 1), 5 and 6 (blank class 7)."""
    from hw3.analysis import blank_default_shares
    classes = np.stack([_decided_at(d, 7) for d in (4, 5, 6)])
    images = np.stack([_one_ink_row(20)] * 3)
    shares = blank_default_shares(np.eye(10)[classes], images, BLANK_CLASSES)
    assert shares == {"share_decided_before_ink_ends_not_blank_class": 1.0,  # only the step-4 image, early
                      "share_of_early_decisions_in_blank_class": 0.6667}  # two of three


def test_blank_default_shares_give_none_for_an_empty_denominator():
    from hw3.analysis import blank_default_shares
    late_in_blank_class = np.stack([_decided_at(21, 7), _decided_at(20, 7)])  # d > L and d = L, both p = b = 7
    images = np.stack([_one_ink_row(20)] * 2)
    assert blank_default_shares(np.eye(10)[late_in_blank_class], images, BLANK_CLASSES) == {
        "share_decided_before_ink_ends_not_blank_class": None, "share_of_early_decisions_in_blank_class": None}


def test_blank_default_shares_refuse_mismatched_shapes():
    from hw3.analysis import blank_default_shares
    logits = np.zeros((2, 28, 10))
    with pytest.raises(ValueError, match=r"blank_classes \(T,\)"):
        blank_default_shares(logits, np.zeros((2, 28, 28)), BLANK_CLASSES[:27])
    with pytest.raises(ValueError, match="must hold the same images"):
        blank_default_shares(logits, np.zeros((3, 28, 28)), BLANK_CLASSES)


def test_image_timelines_give_each_chosen_images_ink_rows_decision_step_and_classes():
    """Three images; timelines of images 2 and 0 (in that order): F and L count rows from 1, d as
    `decision_steps` (the first step from which the class never changes)."""
    from hw3.analysis import image_timelines
    images = np.stack([_one_ink_row(20), _one_ink_row(3), _one_ink_row(1)])
    images[2, 27, 0] = 1.0  # image 2: ink in rows 1 and 28
    classes = np.stack([_decided_at(19, 7), _decided_at(1, 4), _decided_at(28, 2, before=1)])
    timelines = image_timelines(np.eye(10)[classes], images, (2, 0))
    assert list(timelines) == ["2", "0"]
    assert timelines["2"] == {"first_ink_row": 1, "last_ink_row": 28, "decision_step": 28,
                              "class_named": [1] * 27 + [2]}
    assert {key: timelines["0"][key] for key in ("first_ink_row", "last_ink_row", "decision_step")} == \
        {"first_ink_row": 20, "last_ink_row": 20, "decision_step": 19}
