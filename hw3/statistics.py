"""Statistics over seeds: per-model summaries, differences between configurations with 95%
confidence intervals (Welch's t), exact McNemar tests on paired per-image predictions, and the
comparison with the earlier solution. Takes results dictionaries and prediction arrays only.

Every function that reads runs over seeds takes the seeds to read (`seeds`, the run's
`settings.seeds`: the seeds it trained and checked), never every seed results.json happens to hold,
and says which it used (a 'seeds' field in what it returns).

Imports from the package: models.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import stats

from hw3.models import BASELINE_NAMES, CONFIG_NAMES, VARIANT_NAMES, WHOLE_IMAGE_NAMES

CONFIDENCE = 0.95
WIDEST_RECURRENT = ("gru_1x128", "lstm_1x128")  # the baselines are compared with these
COMPARED_NAMES = CONFIG_NAMES + VARIANT_NAMES + WHOLE_IMAGE_NAMES  # Q2 and Q3.1's models (not Q3.3's interventions)
# Q3.1 and Q3.3: each (first, second) is stored as "first - second" under statistics.comparisons.
COMPARISONS = (("gru_1x32", "mlp_small"), ("gru_1x32", "cnn_small"), ("lstm_1x32", "mlp_small"),
               ("gru_1x32_permuted_rows", "gru_1x32"), ("gru_1x32_columns", "gru_1x32"),
               ("gru_1x32_bottom_up", "gru_1x32"), ("gru_1x32_tf1_cell", "gru_1x32"))


def checked_seeds(seeds: Iterable[int]) -> tuple[int, ...]:
    """`seeds` as distinct non-negative integers in increasing order; ValueError when there are none."""
    seeds = list(seeds)
    if not seeds or any(isinstance(seed, bool) or int(seed) != seed or seed < 0 for seed in seeds):
        raise ValueError(f"seeds must be one or more non-negative integers (the run's settings.seeds); got {seeds}.")
    return tuple(sorted({int(seed) for seed in seeds}))


def seed_runs(runs_by_seed: Mapping[str, Mapping], name: str, seeds: Iterable[int]) -> list[Mapping]:
    """The stored runs {seed (text): entry} of model `name` for exactly `seeds`, in seed order; the other
    stored seeds are left out. ValueError naming the seeds that have no stored run."""
    seeds = checked_seeds(seeds)
    missing = [seed for seed in seeds if str(seed) not in runs_by_seed]
    if missing:
        raise ValueError(f"{name} has no stored run for seed(s) {missing} (stored: {sorted(map(int, runs_by_seed))}); "
                         "train them first (helpers.train_seeds), or ask only for the seeds this run trained "
                         "(settings.seeds).")
    return [runs_by_seed[str(seed)] for seed in seeds]


def seed_values(results: Mapping, name: str, metric: str = "test_accuracy", *, seeds: Iterable[int]) -> np.ndarray:
    """The metric of model `name` for each of `seeds` (results['seeds'][name]), in seed order: (seeds,),
    or (seeds, 28) for the per-step accuracy."""
    return np.array([run[metric] for run in seed_runs(results["seeds"][name], name, seeds)], dtype=np.float64)


def learning_curve_summary(history: Mapping[str, Sequence[float]]) -> dict:
    """What one run's curves say about convergence: its last epoch E, the validation loss at the epoch
    before (E itself for a one-epoch run) and at E, the (first) epoch of the lowest validation loss and
    that loss, and the training loss at E."""
    validation, training = list(history["val_loss"]), list(history["loss"])
    if not validation or len(validation) != len(training):
        raise ValueError(f"a history needs one loss and one val_loss per epoch; got {len(training)} and {len(validation)}.")
    last, previous = len(validation), max(1, len(validation) - 1)
    return {"last_epoch": last, "previous_epoch": previous, "val_loss_previous": validation[previous - 1],
            "val_loss_last": validation[-1], "best_epoch": int(np.argmin(validation)) + 1,
            "val_loss_best": min(validation), "train_loss_last": training[-1]}


def summary(values: Sequence[float]) -> dict[str, float]:
    """Mean, sample standard deviation, min, max and count of a few numbers."""
    values = np.asarray(values, dtype=np.float64)
    return {"mean": round(float(values.mean()), 6), "sd": round(float(values.std(ddof=1)), 6) if len(values) > 1 else float("nan"),
            "min": round(float(values.min()), 6), "max": round(float(values.max()), 6), "n": int(len(values))}


def welch_difference(first: Sequence[float], second: Sequence[float]) -> dict[str, float]:
    """mean(first) - mean(second) with its 95% Welch confidence interval and two-sided p-value
    (NaN for the interval and p-value when a side has fewer than two values)."""
    first, second = np.asarray(first, np.float64), np.asarray(second, np.float64)
    if len(first) < 2 or len(second) < 2:  # one seed (HW3_SEEDS=1): no spread, so no interval
        return {"difference": round(float(first.mean() - second.mean()), 6), "low": float("nan"),
                "high": float("nan"), "p_value": float("nan")}
    test = stats.ttest_ind(first, second, equal_var=False)
    interval = test.confidence_interval(CONFIDENCE)
    return {"difference": round(float(first.mean() - second.mean()), 6), "low": round(float(interval.low), 6),
            "high": round(float(interval.high), 6), "p_value": round(float(test.pvalue), 6)}


def margin_over(values: Sequence[float], reference: float) -> dict[str, float]:
    """How far the values' mean lies above `reference`, with a 95% t interval, and in how many
    of the values the reference is beaten."""
    values = np.asarray(values, np.float64)
    low = high = float("nan")  # one seed: no interval
    if len(values) > 1:
        interval = stats.ttest_1samp(values, reference).confidence_interval(CONFIDENCE)
        low, high = float(interval.low), float(interval.high)
    return {"beating": int((values > reference).sum()), "n": int(len(values)),
            "mean_margin": round(float(values.mean() - reference), 6),
            "low": round(low - reference, 6), "high": round(high - reference, 6)}


def mcnemar_exact(first: np.ndarray, second: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Exact McNemar test of two classifiers on the same images: first_only = images only the first
    gets right, second_only = only the second; p = two-sided binomial test of first_only among
    the discordant images with probability 1/2 (1.0 when there are none)."""
    first_right, second_right = np.asarray(first) == labels, np.asarray(second) == labels
    first_only, second_only = int((first_right & ~second_right).sum()), int((~first_right & second_right).sum())
    discordant = first_only + second_only
    p_value = stats.binomtest(first_only, discordant, 0.5).pvalue if discordant else 1.0
    return {"first_only": first_only, "second_only": second_only, "p_value": round(float(p_value), 6)}


def _with_seed_zero(seeds: Iterable[int]) -> tuple[int, ...]:
    """`checked_seeds`, which must hold seed 0: the McNemar tests and the standard errors read it."""
    seeds = checked_seeds(seeds)
    if 0 not in seeds:
        raise ValueError(f"seeds {list(seeds)} lack seed 0, the run whose test predictions the McNemar tests compare.")
    return seeds


def _paired(results, predictions, labels, first: str, second: str, seeds: tuple[int, ...]) -> dict:
    """Welch over `seeds` and McNemar on the seed-0 predictions, for first minus second."""
    comparison = welch_difference(seed_values(results, first, seeds=seeds), seed_values(results, second, seeds=seeds))
    comparison["mcnemar_seed0"] = mcnemar_exact(predictions[f"{first}_seed0"], predictions[f"{second}_seed0"], labels)
    return comparison


def comparisons(results: Mapping, predictions: Mapping[str, np.ndarray], labels: np.ndarray,
                pairs: Sequence[tuple[str, str]] = COMPARISONS, *, seeds: Iterable[int]) -> dict[str, dict]:
    """{"first - second": first's mean accuracy minus second's over `seeds` (which must hold 0), with its
    Welch interval, the seed-0 McNemar test and the seeds used} for each pair whose two models are in
    results['seeds']."""
    seeds = _with_seed_zero(seeds)
    return {f"{first} - {second}": {"first": first, "second": second, "seeds": list(seeds),
                                    **_paired(results, predictions, labels, first, second, seeds)}
            for first, second in pairs if first in results["seeds"] and second in results["seeds"]}


def seed_statistics(results: Mapping, predictions: Mapping[str, np.ndarray], labels: np.ndarray,
                    reference_accuracy: Mapping[str, float], *, seeds: Iterable[int]) -> dict:
    """Everything the report says about seeds, as stored under results.json's `statistics`, over exactly
    `seeds` (the run's settings.seeds, which hold seed 0; other stored seeds are left out) and naming
    them ('seeds'). A model with no stored seeds is left out (Q2 computes this before the whole-image
    models are trained, Q3.1 again after); one that lacks a run for one of `seeds` is a ValueError."""
    seeds = _with_seed_zero(seeds)
    names = [name for name in COMPARED_NAMES if name in results["seeds"]]

    def paired(first: str, second: str) -> dict:
        return _paired(results, predictions, labels, first, second, seeds)

    statistics = {
        "seeds": list(seeds), "confidence": CONFIDENCE, "interval_method": "Welch's t over seeds",
        "binomial_standard_error": {name: round(float(np.sqrt(a * (1 - a) / len(labels))), 6)
                                    for name in names for a in [seed_values(results, name, seeds=(0,))[0]]},
        "per_model": {name: {"test_accuracy": summary(seed_values(results, name, seeds=seeds)),
                             "test_loss": summary(seed_values(results, name, "test_loss", seeds=seeds))}
                      for name in names},
        "gru_minus_lstm": {shape: paired(f"gru_{shape}", f"lstm_{shape}")
                           for shape in ("1x32", "1x64", "1x128", "3x32")},
        "width_minus_depth": {cell: paired(f"{cell}_1x64", f"{cell}_3x32") for cell in ("lstm", "gru")},
        "depth_minus_one_layer": {cell: paired(f"{cell}_3x32", f"{cell}_1x32") for cell in ("lstm", "gru")},
        "gru_parameter_saving": {  # 1 - GRU parameters / LSTM parameters, per shape, where both were trained
            shape: round(1.0 - configs[f"gru_{shape}"]["parameters"] / configs[f"lstm_{shape}"]["parameters"], 4)
            for configs in [results.get("configs", {})] for shape in ("1x32", "1x64", "1x128", "3x32")
            if f"gru_{shape}" in configs and f"lstm_{shape}" in configs},
        "against_earlier_solution": {name: margin_over(seed_values(results, name, seeds=seeds), reference)
                                     for name, reference in reference_accuracy.items() if name in results["seeds"]},
    }
    statistics["best_recurrent"] = sorted(CONFIG_NAMES, key=lambda n: -statistics["per_model"][n]["test_accuracy"]["mean"])[:2]
    statistics["baseline_minus_recurrent"] = {  # against the two widest recurrent models, whatever the ranking
        baseline: {name: paired(baseline, name) for name in WIDEST_RECURRENT}
        for baseline in BASELINE_NAMES if baseline in results["seeds"]}  # Q2 runs before the baselines are trained
    statistics["comparisons"] = comparisons(results, predictions, labels, seeds=seeds)
    statistics["lowest_recurrent_run"] = min(  # the homework asks every configuration to be above 95%
        ({"name": name, "seed": seed, "test_accuracy": run["test_accuracy"]} for name in CONFIG_NAMES
         if name in results["seeds"] for seed, run in zip(seeds, seed_runs(results["seeds"][name], name, seeds))),
        key=lambda run: run["test_accuracy"])
    statistics["ranking"] = sorted(names, key=lambda name: -statistics["per_model"][name]["test_accuracy"]["mean"])
    return statistics


REPLICATION_METRICS = {  # Q3.3's headline numbers: key -> how to read it from one seed's replication entry
    "readout_at_L_minus_3": lambda entry: entry["readout_by_steps_after_ink"]["-3"],
    "readout_at_L": lambda entry: entry["readout_by_steps_after_ink"]["0"],
    "readout_at_L_plus_3": lambda entry: entry["readout_by_steps_after_ink"]["3"],
    "probe_at_16": lambda entry: entry["probe_at_16"],
    "head_at_16": lambda entry: entry["head_at_16"],
    "share_read_as_7_at_16": lambda entry: entry["share_read_as_7_at_16"],
    "worst_row_drop_points": lambda entry: entry["worst_row_occlusion"]["drop_points"],
}


def seed_rank(values: Sequence[float], seed: int = 0) -> int:
    """Where seed `seed` ranks among the values, 1 for the largest (ties share the better rank)."""
    return 1 + sum(value > values[seed] for value in values)


def replication_summary(replication: Mapping[str, Mapping[str, Mapping]], *, seeds: Iterable[int]) -> dict[str, dict]:
    """{name: {metric: mean, min, max over `seeds`, the first seed's value and its rank (1 = largest)}},
    plus {name: {'worst_rows': the costliest blanked row of each seed, in seed order; 'seeds': the seeds}}.
    `replication`: {name: {seed (text): entry}}; seeds it holds beyond `seeds` are left out."""
    seeds = checked_seeds(seeds)
    result = {}
    for name, by_seed in replication.items():
        entries = seed_runs(by_seed, name, seeds)
        result[name] = {"seeds": list(seeds)}
        for metric, read in REPLICATION_METRICS.items():
            values = [float(read(entry)) for entry in entries]
            result[name][metric] = {"mean": float(np.mean(values)), "min": min(values), "max": max(values),
                                    "seed0": values[0], "seed0_rank": seed_rank(values)}
        result[name]["worst_rows"] = [int(entry["worst_row_occlusion"]["row"]) for entry in entries]
    return result


def last_steps_over_seeds(results: Mapping, name: str, steps: Sequence[int] = (24, 25, 26, 27, 28), *,
                          seeds: Iterable[int]) -> dict:
    """{t: mean, min and max over `seeds` of model `name`'s read-out accuracy at step t, and the seeds}."""
    seeds = checked_seeds(seeds)
    values = seed_values(results, name, "stepwise_test_accuracy", seeds=seeds)  # (seeds, 28)
    return {str(t): {"mean": float(values[:, t - 1].mean()), "min": float(values[:, t - 1].min()),
                     "max": float(values[:, t - 1].max()), "seeds": list(seeds)} for t in steps}


SMALL_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def seeds_text(seeds: Sequence[int]) -> str:
    """How a label names a run's seeds: 'seeds 0-4' for 0, 1, 2, 3, 4; 'seed 0'; 'seeds 0, 2'."""
    seeds = [int(seed) for seed in seeds]
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"seeds {seeds[0]}-{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))


def seed_count_text(seeds: Sequence[int]) -> str:
    """'five seeds', 'one seed', '12 seeds'."""
    count = len(seeds)
    return f"{SMALL_NUMBERS[count] if count < len(SMALL_NUMBERS) else count} seed{'' if count == 1 else 's'}"
