"""Seed statistics on hand-made numbers with known answers, and the stored statistics recomputed
from results.json and test_predictions.npz by their definitions."""
import json

import numpy as np
import pytest
from scipy import stats

from hw3.models import BASELINE_NAMES, CONFIG_NAMES
from hw3.settings import PROJECT_DIR
from hw3.statistics import comparisons, last_steps_over_seeds, mcnemar_exact, seed_rank, seed_values, margin_over, seed_statistics, summary, welch_difference


def welch_by_hand(first, second):
    """Mean difference and 95% interval from the Welch-Satterthwaite formula."""
    first, second = np.asarray(first, float), np.asarray(second, float)
    v1, v2 = first.var(ddof=1) / len(first), second.var(ddof=1) / len(second)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (len(first) - 1) + v2 ** 2 / (len(second) - 1))
    half = stats.t.ppf(0.975, df) * np.sqrt(v1 + v2)
    difference = first.mean() - second.mean()
    return difference, difference - half, difference + half


def test_welch_difference_matches_the_formula():
    first, second = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0]
    result = welch_difference(first, second)
    difference, low, high = welch_by_hand(first, second)
    assert result["difference"] == pytest.approx(difference) == pytest.approx(2.5 - 6.0)
    assert (result["low"], result["high"]) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
    assert welch_difference(second, first)["difference"] == pytest.approx(3.5), "the order of the arguments matters"
    single = welch_difference([1.0], [2.0, 3.0])  # one seed: a difference but no interval
    assert single["difference"] == pytest.approx(-1.5) and np.isnan(single["low"]) and np.isnan(single["p_value"])


def test_mcnemar_counts_discordant_images_and_tests_them_exactly():
    labels = np.zeros(10, dtype=int)
    first = np.ones(10, dtype=int)
    first[:7] = 0  # first right on images 0-6
    second = np.ones(10, dtype=int)
    second[[0, 1, 2, 7]] = 0  # second right on 0-2 and 7
    result = mcnemar_exact(first, second, labels)
    assert (result["first_only"], result["second_only"]) == (4, 1)
    assert result["p_value"] == pytest.approx(12 / 32)  # P(X <= 1 or X >= 4), X ~ Binomial(5, 1/2)
    assert mcnemar_exact(first, first, labels)["p_value"] == 1.0


def test_margin_and_summary():
    margin = margin_over([0.97, 0.98, 0.99], 0.975)
    assert margin["beating"] == 2 and margin["n"] == 3
    assert margin["mean_margin"] == pytest.approx(0.005)
    assert margin["low"] < 0.005 < margin["high"]
    assert summary([1.0, 2.0, 4.0]) == {"mean": pytest.approx(7 / 3, abs=1e-6), "sd": pytest.approx(np.std([1, 2, 4], ddof=1), abs=1e-6),
                                        "min": 1.0, "max": 4.0, "n": 3}


def test_seed_statistics_on_made_up_runs():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 50)
    results, predictions = {"seeds": {}}, {}
    for index, name in enumerate(CONFIG_NAMES + BASELINE_NAMES):
        level = 0.90 + 0.005 * index  # later names are better by construction
        results["seeds"][name] = {str(seed): {"test_accuracy": level + 0.001 * seed, "test_loss": 0.1} for seed in range(3)}
        predictions[f"{name}_seed0"] = np.where(rng.random(50) < level, labels, (labels + 1) % 10)
    statistics = seed_statistics(results, predictions, labels, {"gru_1x32": 0.9}, seeds=range(3))
    gap = 0.005 * (CONFIG_NAMES.index("gru_1x32") - CONFIG_NAMES.index("lstm_1x32"))
    assert statistics["gru_minus_lstm"]["1x32"]["difference"] == pytest.approx(gap)
    assert statistics["ranking"][0] == "cnn" and statistics["best_recurrent"] == ["gru_3x32", "gru_1x128"]
    assert statistics["against_earlier_solution"]["gru_1x32"]["beating"] == 3
    assert statistics["per_model"]["linear"]["test_accuracy"]["n"] == 3


# --- The committed statistics, recomputed -------------------------------------------------------

@pytest.fixture(scope="module")
def committed():
    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text())
    with np.load(PROJECT_DIR / "results" / "test_predictions.npz") as archive:
        predictions = {key: archive[key] for key in archive.files}
    return results, predictions


def accuracies(results, name):
    return [results["seeds"][name][str(seed)]["test_accuracy"] for seed in range(5)]


def test_every_model_has_five_seeds_and_seed_zero_is_the_table(committed):
    results, predictions = committed
    for name in CONFIG_NAMES + BASELINE_NAMES:
        assert sorted(results["seeds"][name], key=int) == ["0", "1", "2", "3", "4"]
        section = "configs" if name in CONFIG_NAMES else "baselines"
        assert results["seeds"][name]["0"] == results[section][name]
        for seed in range(5):
            assert predictions[f"{name}_seed{seed}"].shape == (10_000,)
        if name in CONFIG_NAMES:
            assert all(len(results["seeds"][name][str(seed)]["stepwise_test_accuracy"]) == 28 for seed in range(5))


def test_stored_accuracies_match_the_stored_predictions(committed, mnist):
    results, predictions = committed
    for name in ("gru_1x32", "cnn"):
        for seed in range(5):
            accuracy = (predictions[f"{name}_seed{seed}"] == mnist.y_test).mean()
            assert results["seeds"][name][str(seed)]["test_accuracy"] == pytest.approx(accuracy, abs=1e-4)


def test_stored_comparisons_recompute(committed, mnist):
    results, predictions = committed
    statistics = results["statistics"]
    for shape in ("1x32", "1x128"):
        difference, low, high = welch_by_hand(accuracies(results, f"gru_{shape}"), accuracies(results, f"lstm_{shape}"))
        stored = statistics["gru_minus_lstm"][shape]
        assert (stored["difference"], stored["low"], stored["high"]) == (
            pytest.approx(difference, abs=1e-6), pytest.approx(low, abs=1e-5), pytest.approx(high, abs=1e-5))
        gru_right = predictions[f"gru_{shape}_seed0"] == mnist.y_test
        lstm_right = predictions[f"lstm_{shape}_seed0"] == mnist.y_test
        assert stored["mcnemar_seed0"]["first_only"] == int((gru_right & ~lstm_right).sum())
        assert stored["mcnemar_seed0"]["second_only"] == int((~gru_right & lstm_right).sum())
    values = accuracies(results, "lstm_1x128")
    assert statistics["per_model"]["lstm_1x128"]["test_accuracy"]["sd"] == pytest.approx(np.std(values, ddof=1), abs=1e-6)
    earlier = statistics["against_earlier_solution"]["gru_1x32"]
    assert earlier["beating"] == sum(value > 0.9573 for value in accuracies(results, "gru_1x32"))
    assert earlier["mean_margin"] == pytest.approx(np.mean(accuracies(results, "gru_1x32")) - 0.9573, abs=1e-6)


def test_comparisons_subtract_the_second_model_from_the_first():
    labels = np.arange(20) % 10
    results = {"seeds": {
        "gru_1x32": {str(k): {"test_accuracy": 0.96 + 0.001 * k, "test_loss": 0.1} for k in range(3)},
        "mlp_small": {str(k): {"test_accuracy": 0.93 + 0.002 * k, "test_loss": 0.2} for k in range(3)}}}
    predictions = {"gru_1x32_seed0": labels.copy(), "mlp_small_seed0": np.where(labels < 3, labels, 0)}
    found = comparisons(results, predictions, labels, seeds=(0, 1, 2))
    assert list(found) == ["gru_1x32 - mlp_small"]  # pairs with a missing model are left out
    entry = found["gru_1x32 - mlp_small"]
    assert entry["first"] == "gru_1x32" and entry["second"] == "mlp_small" and entry["seeds"] == [0, 1, 2]
    assert entry["difference"] == pytest.approx(0.961 - 0.932)  # first minus second, positive here
    # the second model is right only on labels 0, 1 and 2 (6 of 20 images); the first on all 20
    assert entry["mcnemar_seed0"]["first_only"] == 14 and entry["mcnemar_seed0"]["second_only"] == 0


def test_seed_rank_counts_the_seeds_above_seed_zero():
    assert seed_rank([0.97, 0.95, 0.96]) == 1
    assert seed_rank([0.95, 0.97, 0.96]) == 3
    assert seed_rank([0.96, 0.96, 0.97]) == 2  # a tie shares the better rank
    assert seed_rank([0.90, 0.95, 0.80], seed=2) == 3


def test_last_steps_over_seeds_reads_step_t_at_index_t_minus_1():
    steps = np.arange(1, 29) / 100  # accuracy t / 100 at step t
    results = {"seeds": {"gru_1x32": {"0": {"stepwise_test_accuracy": steps.tolist()},
                                      "1": {"stepwise_test_accuracy": (steps + 0.5).tolist()}}}}
    found = last_steps_over_seeds(results, "gru_1x32", steps=(24, 28), seeds=(0, 1))
    assert found["24"].pop("seeds") == [0, 1]
    assert found["24"] == pytest.approx({"mean": 0.49, "min": 0.24, "max": 0.74})
    assert found["28"]["min"] == pytest.approx(0.28)


def test_seed_values_come_in_numeric_seed_order():
    results = {"seeds": {"m": {"10": {"test_accuracy": 0.3}, "2": {"test_accuracy": 0.2}, "0": {"test_accuracy": 0.1}}}}
    assert seed_values(results, "m", seeds=(10, 2, 0)).tolist() == [0.1, 0.2, 0.3]  # "10" after "2", not before


def test_seed_statistics_stores_every_section_the_report_reads():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 40)
    results, predictions = {"seeds": {}, "configs": {"gru_1x32": {"parameters": 75}, "lstm_1x32": {"parameters": 100}}}, {}
    for index, name in enumerate(CONFIG_NAMES + BASELINE_NAMES):
        results["seeds"][name] = {str(seed): {"test_accuracy": 0.9 + 0.004 * index + 0.001 * seed, "test_loss": 0.1 + 0.01 * seed}
                                  for seed in range(3)}
        predictions[f"{name}_seed0"] = labels.copy()
    statistics = seed_statistics(results, predictions, labels, {"gru_1x32": 0.9}, seeds=(0, 1, 2))
    assert set(statistics) == {"seeds", "confidence", "interval_method", "binomial_standard_error", "per_model", "gru_minus_lstm",
                               "width_minus_depth", "depth_minus_one_layer", "gru_parameter_saving",
                               "against_earlier_solution", "comparisons", "lowest_recurrent_run",
                               "best_recurrent", "baseline_minus_recurrent", "ranking"}
    assert statistics["gru_parameter_saving"] == {"1x32": 0.25}  # 1 - 75 / 100; the other shapes have no parameters here
    depth = statistics["depth_minus_one_layer"]["gru"]  # gru_3x32 (index 7) minus gru_1x32 (index 4): 3 * 0.004
    assert depth["difference"] == pytest.approx(0.012)
    assert statistics["confidence"] == 0.95 and statistics["interval_method"] == "Welch's t over seeds"
    accuracy = results["seeds"]["gru_1x32"]["0"]["test_accuracy"]
    assert statistics["binomial_standard_error"]["gru_1x32"] == round(float(np.sqrt(accuracy * (1 - accuracy) / 40)), 6)
    assert set(statistics["per_model"]["cnn"]) == {"test_accuracy", "test_loss"}
    assert statistics["per_model"]["cnn"]["test_loss"]["mean"] == pytest.approx(0.11)
    assert set(statistics["gru_minus_lstm"]) == {"1x32", "1x64", "1x128", "3x32"}
    assert set(statistics["width_minus_depth"]) == {"lstm", "gru"}
    assert set(statistics["baseline_minus_recurrent"]["mlp"]) == {"gru_1x128", "lstm_1x128"}
    assert statistics["lowest_recurrent_run"] == {"name": "lstm_1x32", "seed": 0, "test_accuracy": 0.9}
    assert statistics["comparisons"] == {}  # none of the compared small models and variants was trained here


def test_welch_difference_keys_and_rounding():
    found = welch_difference([0.9, 0.91, 0.92], [0.8, 0.81, 0.83])
    assert set(found) == {"difference", "low", "high", "p_value"}
    assert found["difference"] == round(0.91 - 0.8133333333, 6)
    assert found["low"] < found["difference"] < found["high"] and 0 < found["p_value"] < 0.01
    single = welch_difference([0.9], [0.8])
    assert single["difference"] == 0.1 and np.isnan(single["low"]) and np.isnan(single["p_value"])


def test_replication_summary_reads_each_metric_in_numeric_seed_order():
    """Seeds '2' and '10' (as text '10' sorts first; in numbers 2 does): seed 2 is 'seed 0' of the
    summary. Every metric takes a different value per seed, so a metric read from the wrong key or
    the wrong seed shows."""
    from hw3.statistics import replication_summary

    def entry(base, row):
        return {"readout_by_steps_after_ink": {"-3": base + 0.1, "0": base + 0.2, "3": base + 0.3},
                "probe_at_16": base + 0.4, "head_at_16": base + 0.5, "share_read_as_7_at_16": base + 0.6,
                "worst_row_occlusion": {"row": row, "drop_points": base + 0.7}}

    summary = replication_summary({"gru_1x32": {"10": entry(1.0, 9), "2": entry(0.0, 5)}}, seeds=(2, 10))["gru_1x32"]
    assert summary["worst_rows"] == [5, 9]
    offsets = {"readout_at_L_minus_3": 0.1, "readout_at_L": 0.2, "readout_at_L_plus_3": 0.3, "probe_at_16": 0.4,
               "head_at_16": 0.5, "share_read_as_7_at_16": 0.6, "worst_row_drop_points": 0.7}
    assert set(summary) == set(offsets) | {"worst_rows", "seeds"} and summary["seeds"] == [2, 10]
    for metric, offset in offsets.items():
        assert summary[metric] == {"mean": pytest.approx(offset + 0.5), "min": pytest.approx(offset),
                                   "max": pytest.approx(offset + 1.0), "seed0": pytest.approx(offset),
                                   "seed0_rank": 2}, metric


def test_summary_rounds_to_six_decimals_and_has_a_spread_from_two_values_on():
    values = [0.12345678, 0.23456789, 0.34567891]
    found = summary(values)
    assert found == {"mean": round(float(np.mean(values)), 6), "sd": round(float(np.std(values, ddof=1)), 6),
                     "min": 0.123457, "max": 0.345679, "n": 3}
    assert summary(values[:2])["sd"] == round(float(np.std(values[:2], ddof=1)), 6)  # two values: a spread
    one = summary(values[:1])
    assert np.isnan(one["sd"]) and one["mean"] == 0.123457 and one["n"] == 1


def test_welch_needs_two_values_on_each_side_and_rounds_to_six_decimals():
    first, second = [0.91234567, 0.93456789], [0.81234567, 0.82345678, 0.85678912, 0.80123456]
    two = welch_difference(first, second)  # two values on the first side are enough
    difference, low, high = welch_by_hand(first, second)
    assert two["difference"] == round(difference, 6)
    assert two["low"] == round(low, 6) and two["high"] == round(high, 6)
    assert two["p_value"] == round(float(stats.ttest_ind(first, second, equal_var=False).pvalue), 6)
    assert not np.isnan(welch_difference(second, first)["low"])  # two values on the second side too
    for one_side in (welch_difference(first[:1], second), welch_difference(second, first[:1])):
        assert set(one_side) == {"difference", "low", "high", "p_value"}
        assert all(np.isnan(one_side[key]) for key in ("low", "high", "p_value"))
    assert welch_difference(first[:1], second)["difference"] == round(0.91234567 - float(np.mean(second)), 6)


def test_margin_over_counts_strict_wins_and_needs_two_values_for_an_interval():
    reference = 0.95
    margin = margin_over([0.95, 0.96123456], reference)  # a tie with the reference is not a win
    interval = stats.ttest_1samp([0.95, 0.96123456], reference).confidence_interval(0.95)
    assert margin["beating"] == 1 and margin["n"] == 2
    assert margin["mean_margin"] == round(0.00561728, 6)
    assert margin["low"] == round(interval.low - reference, 6) and margin["high"] == round(interval.high - reference, 6)
    one = margin_over([0.96], reference)
    assert one["beating"] == 1 and np.isnan(one["low"]) and np.isnan(one["high"])


def test_mcnemar_p_value_is_rounded_to_six_decimals():
    labels = np.zeros(7, int)
    first = np.array([0, 0, 0, 0, 0, 0, 1])  # right on six images
    second = np.ones(7, int)  # right on none: six discordant images, all the first's
    assert mcnemar_exact(first, second, labels)["p_value"] == round(2 / 64, 6) == 0.03125
    first = np.array([0] * 7 + [1] * 4)
    second = np.array([1] * 7 + [0] * 4)  # 7 against 4 discordant images
    expected = float(stats.binomtest(7, 11, 0.5).pvalue)
    assert mcnemar_exact(first, second, np.zeros(11, int))["p_value"] == round(expected, 6) != round(expected, 7)


def test_seed_statistics_passes_the_labels_to_every_mcnemar_test_and_ranks_by_mean():
    """Seed-0 predictions: every GRU right, every LSTM and baseline wrong on all 8 images, so each
    GRU-minus-LSTM McNemar test sees 8 images only the GRU gets right; ranking runs by mean accuracy,
    which here is the reverse of the names' alphabetical order within the recurrent models."""
    labels = np.arange(8) % 10
    results, predictions = {"seeds": {}}, {}
    names = CONFIG_NAMES + BASELINE_NAMES + ("mlp_small", "cnn_small")
    for index, name in enumerate(names):
        results["seeds"][name] = {str(seed): {"test_accuracy": 0.99 - 0.001 * index - 0.0001 * seed, "test_loss": 0.1}
                                  for seed in range(2)}
        predictions[f"{name}_seed0"] = labels if name.startswith("gru") else (labels + 1) % 10
    statistics = seed_statistics(results, predictions, labels, {}, seeds=(0, 1))
    for shape in ("1x32", "1x64", "1x128", "3x32"):
        assert statistics["gru_minus_lstm"][shape]["mcnemar_seed0"]["first_only"] == 8
    assert statistics["width_minus_depth"]["gru"]["mcnemar_seed0"]["first_only"] == 0
    assert statistics["depth_minus_one_layer"]["lstm"]["mcnemar_seed0"]["first_only"] == 0
    assert statistics["baseline_minus_recurrent"]["cnn"]["gru_1x128"]["mcnemar_seed0"]["second_only"] == 8
    assert statistics["comparisons"]["gru_1x32 - mlp_small"]["mcnemar_seed0"]["first_only"] == 8
    ranked = [name for name in statistics["ranking"] if name in names]
    assert ranked == sorted(names, key=lambda name: -results["seeds"][name]["0"]["test_accuracy"])
    assert ranked != sorted(ranked)


def test_learning_curve_summary_reads_the_last_epochs_and_the_lowest_validation_loss():
    from hw3.statistics import learning_curve_summary

    found = learning_curve_summary({"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [0.8, 0.45, 0.45, 0.5]})
    assert found == {"last_epoch": 4, "previous_epoch": 3, "val_loss_previous": 0.45, "val_loss_last": 0.5,
                     "best_epoch": 2, "val_loss_best": 0.45, "train_loss_last": 0.3}  # a tie: the first epoch
    single = learning_curve_summary({"loss": [0.9], "val_loss": [0.7]})
    assert (single["previous_epoch"], single["val_loss_previous"], single["best_epoch"]) == (1, 0.7, 1)
    with pytest.raises(ValueError, match="one loss and one val_loss per epoch"):
        learning_curve_summary({"loss": [0.9, 0.5], "val_loss": [0.7]})


# --- Exactly the run's seeds ---------------------------------------------------------------------

def five_seed_runs():
    """Hand-made results holding seeds 0-4 of every compared model, each seed's numbers different, and
    seed-0 predictions; returns (results, predictions, labels)."""
    from hw3.statistics import COMPARED_NAMES

    rng = np.random.default_rng(7)
    labels = rng.integers(0, 10, 30)
    results = {"seeds": {}, "configs": {}}
    predictions = {}
    for index, name in enumerate(COMPARED_NAMES + BASELINE_NAMES):
        results["seeds"][name] = {str(seed): {"test_accuracy": 0.9 + 0.003 * index - 0.001 * seed * (index % 3 + 1),
                                              "test_loss": 0.1 + 0.02 * seed,
                                              "stepwise_test_accuracy": list(np.linspace(0.1, 0.9 - 0.01 * seed, 28))}
                                  for seed in range(5)}
        predictions[f"{name}_seed0"] = np.where(rng.random(30) < 0.9, labels, (labels + 1) % 10)
    return results, predictions, labels


def only_seeds(results, seeds):
    """`results` with each model's runs cut to `seeds`, as a run that trained those alone would store them."""
    return {**results, "seeds": {name: {str(seed): runs[str(seed)] for seed in seeds}
                                 for name, runs in results["seeds"].items()}}


def test_statistics_use_exactly_the_seeds_asked_for_and_say_which():
    """After HW3_SEEDS=1 the run trained and checked seed 0 alone: the statistics over seed (0,) of
    results that still hold seeds 0-4 are the one-seed statistics, not an interval over five runs."""
    results, predictions, labels = five_seed_runs()
    one_seed = seed_statistics(results, predictions, labels, {"gru_1x32": 0.9}, seeds=(0,))
    assert json.dumps(one_seed) == json.dumps(
        seed_statistics(only_seeds(results, [0]), predictions, labels, {"gru_1x32": 0.9}, seeds=(0,)))
    assert one_seed["seeds"] == [0]
    assert one_seed["per_model"]["gru_1x32"]["test_accuracy"]["n"] == 1
    assert np.isnan(one_seed["gru_minus_lstm"]["1x32"]["low"])  # one seed: no interval
    assert one_seed["comparisons"]["gru_1x32 - mlp_small"]["seeds"] == [0]
    assert one_seed["lowest_recurrent_run"]["seed"] == 0
    five = seed_statistics(results, predictions, labels, {"gru_1x32": 0.9}, seeds=range(5))
    assert five["seeds"] == [0, 1, 2, 3, 4] and five["per_model"]["gru_1x32"]["test_accuracy"]["n"] == 5
    two = seed_statistics(results, predictions, labels, {}, seeds=(1, 0))
    assert json.dumps(two) == json.dumps(seed_statistics(only_seeds(results, [0, 1]), predictions, labels, {}, seeds=(0, 1)))
    assert last_steps_over_seeds(results, "gru_1x32", seeds=(0,)) == last_steps_over_seeds(
        only_seeds(results, [0]), "gru_1x32", seeds=(0,))
    assert last_steps_over_seeds(results, "gru_1x32", steps=(28,), seeds=(0,))["28"]["seeds"] == [0]
    assert seed_values(results, "cnn", seeds=(0, 3)).tolist() == [results["seeds"]["cnn"][k]["test_accuracy"]
                                                                  for k in ("0", "3")]


def test_replication_summary_reads_only_the_seeds_asked_for():
    from hw3.statistics import replication_summary

    def entry(value):
        return {"readout_by_steps_after_ink": {"-3": value, "0": value, "3": value}, "probe_at_16": value,
                "head_at_16": value, "share_read_as_7_at_16": value, "worst_row_occlusion": {"row": 3, "drop_points": value}}

    replication = {"gru_1x32": {str(seed): entry(0.5 + 0.1 * seed) for seed in range(5)}}
    summary = replication_summary(replication, seeds=(0,))["gru_1x32"]
    assert summary["probe_at_16"] == {"mean": 0.5, "min": 0.5, "max": 0.5, "seed0": 0.5, "seed0_rank": 1}
    assert summary["seeds"] == [0] and summary["worst_rows"] == [3]


def test_seeds_are_required_and_checked():
    results, predictions, labels = five_seed_runs()
    with pytest.raises(TypeError, match="seeds"):
        seed_statistics(results, predictions, labels, {})  # no silent default
    with pytest.raises(TypeError, match="seeds"):
        seed_values(results, "gru_1x32")
    with pytest.raises(ValueError, match=r"gru_1x32 has no stored run for seed\(s\) \[5, 6\].*helpers.train_seeds"):
        seed_values(results, "gru_1x32", seeds=range(7))
    with pytest.raises(ValueError, match="lack seed 0"):
        seed_statistics(results, predictions, labels, {}, seeds=(1, 2))
    for wrong in ((), (-1,), (0.5,)):
        with pytest.raises(ValueError, match="non-negative integers"):
            last_steps_over_seeds(results, "gru_1x32", seeds=wrong)


def test_seed_labels_name_the_run_seeds():
    from hw3.statistics import seed_count_text, seeds_text

    assert seeds_text([0, 1, 2, 3, 4]) == "seeds 0-4" and seeds_text((0, 1, 2)) == "seeds 0-2"
    assert seeds_text([0, 1]) == "seeds 0, 1"  # two seeds are listed, not a range
    assert seeds_text([0, 2, 3]) == "seeds 0, 2, 3" and seeds_text([3]) == "seed 3"
    assert seed_count_text([0, 1, 2, 3, 4]) == "five seeds" and seed_count_text([7]) == "one seed"
    assert seed_count_text(range(10)) == "ten seeds" and seed_count_text(range(11)) == "11 seeds"
