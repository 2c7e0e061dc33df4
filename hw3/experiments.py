"""Experiments: one function per section of the homework, named after it (q1_..., q2_..., q3_1_...,
q3_2_..., q3_3_..., bonus_...). Each takes the trained models (or their internals, `Inside`), the
data and the run settings, computes (the slow parts through `cache.cached_call`), stores its own
entries of results.json through `results.store_results` (declared there, with the entries it read), and
returns what the notebook shows. The notebook cell calls one of them and draws; it never writes into the
results. Which function writes which key: results/README.md.

Imports from the package: settings, results, cache, data, models, readout, progress, saved_models, training,
seed_pool, cells, q1, analysis, ablation, controls, probes, appended_rows, statistics.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

import keras
import numpy as np

from hw3.ablation import forget_ablation, silenced_unit_accuracy
from hw3.analysis import (blank_default_shares, blank_path, image_timelines, blank_row_fraction, cell_state_retention,
                          feature_correlations, gate_around_first_ink, gate_by_row_kind, gate_flatness, gate_saturation, gate_summary, relu_zeroed_share,
                          retention_half_life, row_features, spearman_correlation, state_over_time, state_spread,
                          units_by_cost)
from hw3.appended_rows import state_after_blank_rows_experiment
from hw3.cache import cached_call
from hw3.cells import gru_internals, lstm_internals
from hw3.controls import (appended_blank_rows_experiment, bottom_up_ink_end_steps, confusion_matrix, decision_after_ink,
                          extra_row_summary, horizontal_shift_experiment, occlusion_experiment,
                          readout_after_ink_fixed_subset, readout_at_last_ink, readout_by_steps_after,
                          readout_by_steps_after_ink, readout_class_shares, shift_experiment, shifted_accuracies)
from hw3.data import MnistSplits, accuracy, last_ink_rows
from hw3.models import CONFIG_NAMES, REFERENCE_ACCURACY, TF1_PART_NAMES, model_spec
from hw3.probes import (class_separation, class_trajectories, fair_probe_experiment, probe_baselines_experiment,
                        probe_experiment, probe_gains, replication_experiment)
from hw3.progress import ProgressLine
from hw3.q1 import q1_demonstrations
from hw3.readout import decision_step_summary, decision_steps, softmax, stepwise_accuracy, stepwise_logits, stepwise_readout
from hw3.results import load_results, store_results
from hw3.saved_models import load_seed_model
from hw3.seed_pool import load_test_predictions
from hw3.settings import RunSettings
from hw3.statistics import (COMPARED_NAMES, learning_curve_summary, last_steps_over_seeds, replication_summary,
                             seed_statistics)
from hw3.training import initial_model, train_model

PROBE_IMAGES = 10_000  # the probes are fitted on the first 10,000 training images
OBJECTIVE_READERS = ("gru_1x32", "lstm_1x32", "gru_1x32_every_step_loss", "lstm_1x32_every_step_loss")
APPENDED_ROW_MODELS = OBJECTIVE_READERS + ("gru_1x32_trailing_blanks", "lstm_1x32_trailing_blanks")
TF1_TABLE = ("gru_1x32", "gru_1x32_tf1_cell") + TF1_PART_NAMES  # the plain GRU, TF1's cell, and each part alone
READOUT_CONFUSION_STEPS = (16, 24, 28)
NAMED_OFTEN = 0.15  # a class "named often" at step 16 is read out for more than this share of images
FIGURE_IMAGES = (0, 1)  # the test images of the report's figure of the GRU's state over time (hw3.ipynb, Q3.2)


def rounded(values, digits: int) -> list[float]:
    """Each value as a float rounded to `digits` decimals, as results.json stores it."""
    return [round(float(value), digits) for value in values]


def stored_test_accuracy(results: Mapping, name: str) -> float:
    """Model `name`'s seed-0 test accuracy as training stored it."""
    return results[model_spec(name).section][name]["test_accuracy"]


def load_seed_models(names, settings: RunSettings) -> dict[str, dict[int, keras.Model]]:
    """{name: {seed: model}} for every seed of `settings.seeds` (`saved_models.load_seed_model`)."""
    return {name: {seed: load_seed_model(name, seed, settings) for seed in settings.seeds} for name in names}


def silenced_unit_accuracy_cached(model: keras.Model, data: MnistSplits, settings: RunSettings) -> np.ndarray:
    """`silenced_unit_accuracy` on the test images (units,), cached with the model's weights."""
    return np.array(cached_call(settings, f"silenced_unit_accuracy_{model.name}", silenced_unit_accuracy, model=model,
                                images=data.x_test, labels=data.y_test))


# --- Q1 and Q2 -----------------------------------------------------------------------------------

def q1_experiment(data: MnistSplits, settings: RunSettings) -> dict[str, float]:
    """The hand-set cells behind the Q1 answers (short fits in smoke mode; cached, as the fits take half a
    minute); stores `q1_demonstrations`."""
    image = data.x_test[0]
    numbers = cached_call(settings, "q1_demonstrations", q1_demonstrations, image=image, quick=settings.smoke)
    store_results(settings, q1_experiment, {"q1_demonstrations": numbers}, image=image, quick=settings.smoke)
    return numbers


def q2_seed_statistics(data: MnistSplits, settings: RunSettings) -> dict:
    """Every model's seeds summarised and compared (intervals, exact McNemar tests, the margin over the
    earlier solution), from the stored runs and test predictions; stores and returns `statistics`, and
    stores what each configuration's learning curves say (`analysis.learning_curves`)."""
    results, predictions = load_results(settings), load_test_predictions(settings)
    statistics = seed_statistics(results, predictions, data.y_test, REFERENCE_ACCURACY, seeds=settings.seeds)
    curves = {name: learning_curve_summary(results["configs"][name]["history"]) for name in CONFIG_NAMES}
    store_results(settings, q2_seed_statistics, {"statistics": statistics, "analysis.learning_curves": curves},
                  reads=("configs", "seeds"), seeds=settings.seeds, data=data, predictions=predictions)
    return statistics


def q2_training_reproduced(saved: keras.Model, data: MnistSplits, settings: RunSettings,
                           name: str = "gru_1x32") -> dict:
    """Train model `name` (seed 0) again from scratch, now, with one progress line, and compare it with
    the saved model `saved`. Stores `analysis.training_reproduced.{name}` = {'test_accuracy_now',
    'test_accuracy_saved', 'largest_weight_difference'}; returns {'now', 'saved': both runs' results
    entries, 'largest_weight_difference': the largest |weight now - weight saved|}."""
    stored = load_results(settings)[model_spec(name).section][name]
    line = ProgressLine(f"{name}, now", settings.epochs)
    model, entry = train_model(name, data, settings, progress=line)
    line.close(f"{line.postfix}; test accuracy {entry['test_accuracy']:.4f}")
    gap = max(float(np.abs(now - before).max()) for now, before in zip(model.get_weights(), saved.get_weights()))
    store_results(settings, q2_training_reproduced, {f"analysis.training_reproduced.{name}": {
        "test_accuracy_now": entry["test_accuracy"], "test_accuracy_saved": stored["test_accuracy"],
        "largest_weight_difference": gap}}, saved=saved, data=data, name=name)
    return {"now": entry, "saved": stored, "largest_weight_difference": gap}


# --- Q3.1: models that see the whole image -------------------------------------------------------

def q3_1_translation(models: Mapping[str, keras.Model], baseline_models: Mapping[str, keras.Model],
                     data: MnistSplits, settings: RunSettings) -> dict:
    """Every test image moved s = -4..4 rows (down > 0) and columns (right > 0), for the eight
    recurrent models and the whole-image baselines (cached). Stores `analysis.shift`,
    `analysis.shift_ink_pushed_out`, `analysis.horizontal_shift` and `analysis.horizontal_shift_ink_pushed_out`.
    Returns {'vertical', 'horizontal': {name: {s: accuracy}}, 'ink_pushed_out_horizontal', 'seeds'}."""
    vertical = shift_experiment(models, baseline_models, data.x_test, data.y_test, settings)
    horizontal = horizontal_shift_experiment({**models, **baseline_models}, data.x_test, data.y_test, settings)
    results = store_results(settings, q3_1_translation, {
        "analysis.shift": vertical["shift"], "analysis.shift_ink_pushed_out": vertical["ink_pushed_out"],
        "analysis.horizontal_shift": horizontal["accuracy"],
        "analysis.horizontal_shift_ink_pushed_out": horizontal["ink_pushed_out"]}, models=models,
                            baseline_models=baseline_models, data=data)
    return {"vertical": vertical["shift"], "horizontal": horizontal["accuracy"],
            "ink_pushed_out_horizontal": horizontal["ink_pushed_out"],
            "seeds": {name: runs for name, runs in results["seeds"].items() if name in COMPARED_NAMES}}


# --- Q3.2: inside the GRU (1x32) -----------------------------------------------------------------

@dataclass
class Inside:
    """A one-layer model's test-set internals: `state` (N, 28, units) arrays (h, gates, c), `step_logits`
    (N, 28, 10) the head at every step (GRU), `unit_accuracy` (units,) with each unit silenced, `order`
    the units from the costliest."""

    state: dict[str, np.ndarray]
    full_accuracy: float
    unit_accuracy: np.ndarray
    order: list[int]
    seconds: float
    outputs: np.ndarray | None = None
    step_logits: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    heatmap: dict[str, list[float]] | None = None
    cell_limit: float | None = None  # the LSTM's c_t colour scale: the 99th percentile of |c_t|
    keras_agreement: float | None = None  # largest |h_t of the gate-exposing cell - Keras's layer output|
    blank_path: dict | None = None  # the GRU on an all-blank image (analysis.blank_path)


def q3_2_gru_inside(gru: keras.Model, data: MnistSplits, settings: RunSettings) -> Inside:
    """The GRU (1x32) on every test image: outputs, state and gates, the head at every step, each unit
    silenced, the heatmaps in numbers (`analysis.gru_1x32.{blank_row_fraction, state_spread, state_over_time,
    blank_path}`), and the gate-exposing cell's largest distance from Keras's layer (`analysis.cell_agreement`)."""
    start = time.perf_counter()
    outputs, step_logits = stepwise_readout(gru, data.x_test)
    state = gru_internals(gru, data.x_test)
    seconds = time.perf_counter() - start
    full_accuracy = accuracy(step_logits[:, -1], data.y_test)
    unit_accuracy = silenced_unit_accuracy_cached(gru, data, settings)
    heatmap = state_over_time(state["h"])
    blank = np.zeros((1,) + data.x_test.shape[1:], dtype=data.x_test.dtype)  # the path every image starts on
    path = blank_path(gru_internals(gru, blank)["h"][0], stepwise_readout(gru, blank)[1][0])
    agreement = float(np.abs(outputs - state["h"]).max())
    store_results(settings, q3_2_gru_inside, {
        "analysis.gru_1x32.blank_path": path, "analysis.cell_agreement.gru_1x32": agreement,
        "analysis.gru_1x32.blank_row_fraction": rounded(blank_row_fraction(data.x_test), 4),
        "analysis.gru_1x32.state_spread": rounded(state_spread(state["h"]), 4),
        "analysis.gru_1x32.state_over_time": {key: rounded(values, 5) for key, values in heatmap.items()}}, gru=gru,
                  data=data)
    return Inside(state, full_accuracy, unit_accuracy, units_by_cost(unit_accuracy, full_accuracy), seconds,
                  outputs=outputs, step_logits=step_logits, probabilities=softmax(step_logits), heatmap=heatmap,
                  keras_agreement=agreement, blank_path=path)


# --- Q3.3: when is the decision made? ------------------------------------------------------------

def q3_3_last_steps(step_logits: np.ndarray, data: MnistSplits, settings: RunSettings) -> dict:
    """The GRU (1x32)'s accuracy per step (checked against training's), and the last five steps over seeds
    for it and its TF1-convention twin (`analysis.last_steps`). Returns {'step_accuracy': (28,), 'results'}."""
    step_accuracy = stepwise_accuracy(step_logits, data.y_test)
    results = load_results(settings)
    if not np.allclose(step_accuracy, results["configs"]["gru_1x32"]["stepwise_test_accuracy"], atol=1e-6):
        raise ValueError("the per-step accuracy differs from results.json: retrain that model with HW3_RETRAIN=gru_1x32")
    last_steps = {name: last_steps_over_seeds(results, name, seeds=settings.seeds)
                  for name in ("gru_1x32", "gru_1x32_tf1_cell")}
    results = store_results(settings, q3_3_last_steps, {"analysis.last_steps": last_steps}, seeds=settings.seeds,
                            reads=("configs.gru_1x32", "seeds.gru_1x32", "seeds.gru_1x32_tf1_cell"),
                            step_logits=step_logits, data=data)
    return {"step_accuracy": step_accuracy, "results": results}


def q3_3_decision_steps(step_logits: np.ndarray, data: MnistSplits, settings: RunSettings) -> dict:
    """Per test image, the step from which the read-out never changes (N,), and their summary
    (`analysis.gru_1x32.decision_steps`). Returns {'steps', 'summary'}."""
    steps = decision_steps(step_logits)
    summary = decision_step_summary(steps, data.y_test, step_logits[:, -1].argmax(-1) == data.y_test)
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": summary},
                  step_logits=step_logits, data=data)
    return {"steps": steps, "summary": summary}


def q3_3_readout_after_ink(gru_step_logits: np.ndarray, lstm: keras.Model, data: MnistSplits,
                           settings: RunSettings) -> dict:
    """The read-out aligned to each image's last ink row L, for the GRU and the LSTM (1x32). Stores
    `analysis.{gru_1x32, lstm_1x32}.{readout_at_last_ink, readout_by_steps_after_ink}` and
    `analysis.gru_1x32.median_last_ink_row`. Returns {'curves': {label: {k: accuracy}}, 'last_ink': (N,),
    'at_last_ink': {name: accuracy}, 'step_logits': {name: (N, 28, 10)}}."""
    last_ink = last_ink_rows(data.x_test)
    logits = {"gru_1x32": gru_step_logits, "lstm_1x32": stepwise_logits(lstm, data.x_test)}
    curves = {name: readout_by_steps_after_ink(values, data.x_test, data.y_test) for name, values in logits.items()}
    at_last_ink = {name: readout_at_last_ink(values, data.x_test, data.y_test) for name, values in logits.items()}
    entries = {"analysis.gru_1x32.median_last_ink_row": float(np.median(last_ink))}
    for name in logits:
        entries[f"analysis.{name}.readout_at_last_ink"] = at_last_ink[name]
        entries[f"analysis.{name}.readout_by_steps_after_ink"] = curves[name]
    store_results(settings, q3_3_readout_after_ink, entries, gru_step_logits=gru_step_logits, lstm=lstm, data=data)
    return {"curves": {"GRU (1x32)": curves["gru_1x32"], "LSTM (1x32)": curves["lstm_1x32"]}, "last_ink": last_ink,
            "at_last_ink": at_last_ink, "step_logits": logits}


def q3_3_readout_after_ink_checks(gru_step_logits: np.ndarray, bottom_up: keras.Model, data: MnistSplits,
                                  settings: RunSettings, largest_last_row: int = 22) -> dict:
    """Two checks of the ink-aligned curve: on the fixed set of images whose ink ends by row
    `largest_last_row`, and for the GRU that reads bottom up (its ink ends at step 29 - F). Stores
    `analysis.gru_1x32.readout_by_steps_after_ink_fixed_subset[_size]` and `analysis.bottom_up`.
    Returns {'fixed': {'curve', 'images'}, 'bottom_up': {k: accuracy}}."""
    fixed = readout_after_ink_fixed_subset(gru_step_logits, data.x_test, data.y_test, largest_last_row=largest_last_row)
    bottom_up_curve = readout_by_steps_after(stepwise_logits(bottom_up, data.x_test),
                                             bottom_up_ink_end_steps(data.x_test), data.y_test)
    store_results(settings, q3_3_readout_after_ink_checks,
                  {"analysis.gru_1x32.readout_by_steps_after_ink_fixed_subset": fixed["curve"],
                             "analysis.gru_1x32.readout_by_steps_after_ink_fixed_subset_size": fixed["images"],
                             "analysis.bottom_up": {"readout_by_steps_after_ink": bottom_up_curve}},
                  gru_step_logits=gru_step_logits, bottom_up=bottom_up, data=data, largest_last_row=largest_last_row)
    return {"fixed": fixed, "bottom_up": bottom_up_curve}


def q3_3_blank_rows(models: Mapping[str, keras.Model], baseline_models: Mapping[str, keras.Model],
                    data: MnistSplits, settings: RunSettings) -> dict:
    """Digits moved s rows and k = 0..4 blank rows appended after row 28 (the cached shift experiment).
    Stores `analysis.extra_blank_rows` and `analysis.extra_row_summary`. Returns the shift experiment's
    {'shift', 'ink_pushed_out', 'extra_blank_rows'}."""
    shifted = shift_experiment(models, baseline_models, data.x_test, data.y_test, settings)
    store_results(settings, q3_3_blank_rows, {"analysis.extra_blank_rows": shifted["extra_blank_rows"],
                             "analysis.extra_row_summary": extra_row_summary(shifted["extra_blank_rows"])},
                  models=models, baseline_models=baseline_models, data=data)
    return shifted


def q3_1_row_occlusion(models: Mapping[str, keras.Model], data: MnistSplits, settings: RunSettings) -> dict:
    """Row k blanked in every test image, k = 1..28, for each model given (cached). Stores
    `analysis.row_occlusion` and `analysis.row_occlusion_summary`. Returns {'occlusion': {name: (28,)},
    'unoccluded': {name: accuracy}, 'summary', 'blank_row_fraction': (28,)}."""
    occlusion = occlusion_experiment(models, data.x_test, data.y_test, settings)
    results = load_results(settings)
    unoccluded = {name: stored_test_accuracy(results, name) for name in models}
    summary = {name: {"worst_row": int(np.argmin(values)) + 1, "largest_cost": unoccluded[name] - min(values)}
               for name, values in occlusion.items()}
    store_results(settings, q3_1_row_occlusion,
                  {"analysis.row_occlusion": occlusion, "analysis.row_occlusion_summary": summary},
                  reads=[f"{model_spec(name).section}.{name}" for name in models], models=models, data=data)
    return {"occlusion": occlusion, "unoccluded": unoccluded, "summary": summary,
            "blank_row_fraction": blank_row_fraction(data.x_test)}


def q3_3_readout_shares(step_logits: np.ndarray, data: MnistSplits, settings: RunSettings) -> dict:
    """What the read-out names at steps 4, 8, ..., 28, and its confusion matrices at steps 16, 24 and
    28. Stores `analysis.gru_1x32.{readout_class_shares, test_class_shares, classes_named_often_at_step_16,
    readout_confusion}`. Returns {'shares', 'confusion': {t: (10, 10)}, 'named_often': [classes]}."""
    shares = readout_class_shares(step_logits)
    confusion = {str(t): confusion_matrix(data.y_test, step_logits[:, t - 1].argmax(-1)) for t in READOUT_CONFUSION_STEPS}
    named_often = [digit for digit in range(10) if shares["16"][digit] > NAMED_OFTEN]
    store_results(settings, q3_3_readout_shares, {
        "analysis.gru_1x32.readout_class_shares": shares,
        "analysis.gru_1x32.test_class_shares": (np.bincount(data.y_test, minlength=10) / len(data.y_test)).tolist(),
        "analysis.gru_1x32.classes_named_often_at_step_16": ", ".join(map(str, named_often)),
        "analysis.gru_1x32.readout_confusion": {t: matrix.tolist() for t, matrix in confusion.items()}},
                  step_logits=step_logits, data=data)
    return {"shares": shares, "confusion": confusion, "named_often": named_often}


def q3_3_decision_after_ink(step_logits: np.ndarray, data: MnistSplits, settings: RunSettings) -> dict:
    """Per class, the decision step against the last ink row (`analysis.gru_1x32.decision_after_ink`)
    and the classes decided before their ink ends in most images (`...classes_decided_before_ink_ends`).
    Returns {'per_class', 'early': [classes]}."""
    per_class = decision_after_ink(step_logits, data.x_test, data.y_test)
    early = [digit for digit, entry in per_class.items() if entry["share_decided_before_ink_ends"] > 0.5]
    store_results(settings, q3_3_decision_after_ink, {"analysis.gru_1x32.decision_after_ink": per_class,
                             "analysis.gru_1x32.classes_decided_before_ink_ends": ", ".join(early)},
                  step_logits=step_logits, data=data)
    return {"per_class": per_class, "early": early}


def q3_3_decision_vs_ink(step_logits: Mapping[str, np.ndarray], data: MnistSplits, settings: RunSettings) -> dict:
    """For each reader {name: per-step logits (N, 28, 10)}: per class and over every image ('all'), the
    median decision step d, the median last ink row L, the median of d - L and the share with d < L.
    For the GRU (1x32), 'all' also holds `blank_default_shares`, against the class its head gives an
    all-blank image at each step, read from `analysis.gru_1x32.blank_path` (written by q3_2_gru_inside).
    With the GRU, also `analysis.gru_1x32.figure_images`: test images FIGURE_IMAGES over time (`image_timelines`).
    Stores `analysis.decision_vs_ink.{name}` and returns {name: {class or 'all': {...}}}."""
    per_reader = {name: decision_after_ink(logits, data.x_test, data.y_test, include_all=True)
                  for name, logits in step_logits.items()}
    reads, timelines = (), {}
    if "gru_1x32" in per_reader:
        reads = ("analysis.gru_1x32.blank_path",)
        blank = load_results(settings).get("analysis", {}).get("gru_1x32", {}).get("blank_path")
        if blank is None:
            raise ValueError("analysis.gru_1x32.blank_path is not in results.json: run q3_2_gru_inside on the GRU "
                             "(1x32) first.")
        blank_classes = blank["class"]
        per_reader["gru_1x32"]["all"].update(blank_default_shares(step_logits["gru_1x32"], data.x_test, blank_classes))
        timelines = {"analysis.gru_1x32.figure_images": image_timelines(step_logits["gru_1x32"], data.x_test,
                                                                        FIGURE_IMAGES)}
    store_results(settings, q3_3_decision_vs_ink,
                  {**{f"analysis.decision_vs_ink.{name}": entry for name, entry in per_reader.items()}, **timelines},
                  reads=reads, step_logits=step_logits, data=data)
    return per_reader


def _mean_of_runs(runs: list):
    """The mean of same-shaped runs, leaf by leaf through nested mappings: [{k: x}] -> {k: mean x}."""
    if isinstance(runs[0], Mapping):
        return {key: _mean_of_runs([run[key] for run in runs]) for key in runs[0]}
    return float(np.mean(runs))


def seed_0_and_mean_over_seeds(by_seed: Mapping[str, Mapping[str, Mapping]]) -> tuple[dict, dict]:
    """({name: seed 0's run}, {name: the mean over seeds, leaf by leaf}) from {name: {seed: run}}."""
    return ({name: runs["0"] for name, runs in by_seed.items()},
            {name: _mean_of_runs(list(runs.values())) for name, runs in by_seed.items()})


def q3_3_appended_blank_rows(data: MnistSplits, settings: RunSettings, names: tuple[str, ...] = APPENDED_ROW_MODELS) -> dict:
    """Accuracy of the prediction read after the last row when k = 0..8 blank rows follow each test image,
    for every seed of each model (cached). Stores `analysis.appended_blank_rows.{name}.{k}` (seed 0) and
    `analysis.appended_blank_rows_over_seeds.{name}.{k}` (mean over seeds). Returns {'seed_0', 'over_seeds',
    'by_seed'}, each keyed by name then k (by_seed: name, seed, k)."""
    seed_models = load_seed_models(names, settings)
    by_seed = appended_blank_rows_experiment(seed_models, data.x_test, data.y_test, settings)
    seed_0, over_seeds = seed_0_and_mean_over_seeds(by_seed)
    store_results(settings, q3_3_appended_blank_rows,
                  {**{f"analysis.appended_blank_rows.{name}": value for name, value in seed_0.items()},
                             **{f"analysis.appended_blank_rows_over_seeds.{name}": value
                                for name, value in over_seeds.items()}}, seed_models=seed_models, data=data)
    return {"seed_0": seed_0, "over_seeds": over_seeds, "by_seed": by_seed}


def q3_3_state_after_blank_rows(data: MnistSplits, settings: RunSettings,
                                names: tuple[str, ...] = ("gru_1x32", "lstm_1x32")) -> dict:
    """Does the state keep the class after k = 0..8 appended blank rows? The head's read-out after row
    28 + k, a probe fitted after row 28 and one fitted again after row 28 + k (`appended_rows`), for
    every seed (cached). Stores `analysis.state_after_blank_rows.{name}.{k}` (seed 0) and
    `analysis.state_after_blank_rows_over_seeds.{name}.{k}` (mean over the seeds), each {'head',
    'probe_fit_at_28', 'probe_refit'}. Returns {'seed_0', 'over_seeds', 'by_seed'} keyed as stored."""
    seed_models = load_seed_models(names, settings)
    by_seed = state_after_blank_rows_experiment(seed_models, data, settings)
    seed_0, over_seeds = seed_0_and_mean_over_seeds(by_seed)
    store_results(settings, q3_3_state_after_blank_rows,
                  {**{f"analysis.state_after_blank_rows.{name}": value for name, value in seed_0.items()},
                             **{f"analysis.state_after_blank_rows_over_seeds.{name}": value
                                for name, value in over_seeds.items()}}, seed_models=seed_models, data=data)
    return {"seed_0": seed_0, "over_seeds": over_seeds, "by_seed": by_seed}


def q3_3_shifted_interventions(models: Mapping[str, keras.Model], data: MnistSplits, settings: RunSettings) -> dict:
    """Seed 0 of the plain 1x32 models and of those trained differently, every test image moved s = -4..4
    rows (cached): is a digit moved up, for each of them, a digit followed by blank rows? Stores and
    returns `analysis.shift_trained_differently` ({name: {s: accuracy}})."""
    shifted = cached_call(settings, "shift_trained_differently", shifted_accuracies, models=models, images=data.x_test,
                          labels=data.y_test, direction="rows")
    store_results(settings, q3_3_shifted_interventions, {"analysis.shift_trained_differently": shifted},
                  models=models, data=data)
    return shifted


def q3_3_probes(gru: keras.Model, lstm: keras.Model, data: MnistSplits, settings: RunSettings) -> dict:
    """Linear probes per step on the GRU's h_t and the LSTM's h_t and c_t (cached), fitted on 10,000 training
    images (`analysis.probes.{gru_1x32, lstm_1x32}`). Returns {'probes', 'heads': {name: per-step accuracy}}."""
    probes = probe_experiment(gru, lstm, data.x_train[:PROBE_IMAGES], data.y_train[:PROBE_IMAGES], data.x_test,
                              data.y_test, settings)
    results = store_results(settings, q3_3_probes,
                            {f"analysis.probes.{name}": value for name, value in probes.items()}, gru=gru, lstm=lstm,
                            data=data)
    return {"probes": probes, "heads": {name: results["configs"][name]["stepwise_test_accuracy"] for name in probes}}


def q3_3_probe_baselines(data: MnistSplits, settings: RunSettings) -> dict:
    """The probes' controls (cached): the pixels of rows 1..t, and an untrained GRU (1x32) with the
    training's seed-0 initial weights. Stores `analysis.probes.{pixels_so_far, untrained_gru_1x32}` and
    `analysis.probes_gain`. Returns {'pixels_so_far', 'untrained_gru_1x32', 'trained', 'gain'}."""
    untrained_gru = initial_model("gru_1x32", settings.seed)
    baselines = probe_baselines_experiment(untrained_gru, data.x_train[:PROBE_IMAGES],
                                           data.y_train[:PROBE_IMAGES], data.x_test, data.y_test, settings)
    trained = load_results(settings)["analysis"]["probes"]["gru_1x32"]["h"]
    gain = probe_gains(trained, baselines["pixels_so_far"], baselines["untrained_gru_1x32"]["h"])
    store_results(settings, q3_3_probe_baselines,
                  {**{f"analysis.probes.{name}": value for name, value in baselines.items()},
                             "analysis.probes_gain": gain}, reads=("analysis.probes.gru_1x32",),
                  untrained_gru=untrained_gru, data=data)
    return {**baselines, "trained": trained, "gain": gain}


def q3_3_replication(data: MnistSplits, settings: RunSettings, names: tuple[str, ...] = ("gru_1x32", "lstm_1x32")) -> dict:
    """Q3.3's headlines on every seed of the two 1x32 models (cached); stores `analysis.replication[_summary]`
    and returns the summary."""
    seed_models = load_seed_models(names, settings)
    replication = replication_experiment(seed_models, data.x_train[:PROBE_IMAGES], data.y_train[:PROBE_IMAGES],
                                         data.x_test, data.y_test, settings)
    summary = replication_summary(replication, seeds=settings.seeds)
    store_results(settings, q3_3_replication,
                  {"analysis.replication": replication, "analysis.replication_summary": summary},
                  seed_models=seed_models, data=data)
    return summary


def q3_3_readers_step_logits(models: Mapping[str, keras.Model], data: MnistSplits) -> dict[str, np.ndarray]:
    """{name: per-step logits (N, 28, 10) on the test images} for the models given (nothing stored)."""
    return {name: stepwise_logits(model, data.x_test) for name, model in models.items()}


def q3_3_objective_readout(probes: Mapping[str, Mapping], settings: RunSettings) -> dict:
    """The objective's test from the stored results and `probes` (q3_3_probes' {'gru_1x32' | 'lstm_1x32':
    {'h': (28,)}}): {'heads': (28,) per plain or differently trained 1x32 model, 'probes': (28,) per plain
    cell, 'at_step_16': the head at step 16 over seeds, stored as `analysis.objective_readout_at_step_16`}."""
    results = load_results(settings)
    heads = {name: results[model_spec(name).section][name]["stepwise_test_accuracy"] for name in APPENDED_ROW_MODELS}
    probes = {cell: probes[f"{cell}_1x32"]["h"] for cell in ("gru", "lstm")}
    at_step_16 = {name: last_steps_over_seeds(results, name, steps=(16,), seeds=settings.seeds)["16"]
                  for name in OBJECTIVE_READERS}
    store_results(settings, q3_3_objective_readout, {"analysis.objective_readout_at_step_16": at_step_16},
                  reads=[f"{model_spec(name).section}.{name}" for name in APPENDED_ROW_MODELS] + ["seeds"],
                  seeds=settings.seeds)
    return {"heads": heads, "probes": probes, "at_step_16": at_step_16}


def q3_3_fair_probes(gru: keras.Model, data: MnistSplits, settings: RunSettings) -> dict:
    """The trained GRU (1x32)'s h_t, the pixels of rows 1..t and the untrained GRU's h_t, each probed
    with C chosen from {0.01, 0.1, 1, 10} on the validation images and fitted on all 55,000 training
    images (cached). Stores `analysis.probes_fair.{gru_1x32, pixels_so_far, untrained_gru_1x32}` ({'test_accuracy',
    'validation_accuracy', 'C'}: (28,) each). Returns them and {'linear': the whole-image linear model's accuracy}."""
    untrained_gru = initial_model("gru_1x32", settings.seed)
    fair = fair_probe_experiment(gru, untrained_gru, data, settings)
    results = store_results(settings, q3_3_fair_probes,
                            {f"analysis.probes_fair.{kind}": value for kind, value in fair.items()}, gru=gru,
                            untrained_gru=untrained_gru, data=data)
    return {**fair, "linear": results["baselines"]["linear"]["test_accuracy"]}


def q3_3_tf1_conventions(settings: RunSettings) -> dict:
    """The read-out at steps 24-28 over seeds (mean, min, max) for the plain GRU (1x32), TF1's cell and
    each of its three conventions alone (`analysis.tf1_conventions_last_steps`, returned)."""
    results = load_results(settings)
    table = {name: last_steps_over_seeds(results, name, seeds=settings.seeds) for name in TF1_TABLE}
    store_results(settings, q3_3_tf1_conventions, {"analysis.tf1_conventions_last_steps": table},
                  reads=[f"seeds.{name}" for name in TF1_TABLE], seeds=settings.seeds)
    return table


def q3_3_state_geometry(hidden: np.ndarray, data: MnistSplits, settings: RunSettings) -> dict:
    """The GRU's h_t (N, 28, units) in its first two principal components, per class, and the
    between/within-class variance ratio per step. Stores `analysis.gru_1x32.{class_separation,
    pca_explained}`. Returns {'trajectories', 'explained', 'separation'}."""
    geometry = class_trajectories(hidden, data.y_test)
    separation = class_separation(hidden, data.y_test)
    store_results(settings, q3_3_state_geometry,
                  {"analysis.gru_1x32.class_separation": [round(v, 5) for v in separation],
                             "analysis.gru_1x32.pca_explained": rounded(geometry["explained"], 4)}, hidden=hidden,
                  data=data)
    return {**geometry, "separation": separation}


def q3_3_errors(data: MnistSplits, settings: RunSettings, gallery_size: int = 12) -> dict:
    """Final confusion matrices of the GRU (1x32) and of the most accurate recurrent model (seed 0),
    the first misclassified test images, and each model's most common error. Stores `analysis.errors`.
    Returns {'best', 'matrices': {name: (10, 10)}, 'gallery': [indices], 'most_common': {name: entry}}."""
    results = load_results(settings)
    best = max(CONFIG_NAMES, key=lambda name: results["configs"][name]["test_accuracy"])
    stored = load_test_predictions(settings)  # every seed-0 model's test predictions, from training
    final = {"gru_1x32": stored["gru_1x32_seed0"], best: stored[f"{best}_seed0"]}
    matrices = {name: confusion_matrix(data.y_test, predicted) for name, predicted in final.items()}
    gallery = [int(i) for i in np.flatnonzero(final["gru_1x32"] != data.y_test)[:gallery_size]]
    most_common = {}
    for name, matrix in matrices.items():
        off_diagonal = matrix - np.diag(np.diag(matrix))
        true, predicted = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)
        most_common["best" if name == best else name] = {"true": int(true), "predicted": int(predicted),
                                                         "count": int(off_diagonal.max())}
    errors = {"best_recurrent": best, "gallery": gallery,
              "confusion": {name: matrix.tolist() for name, matrix in matrices.items()}, "most_common": most_common}
    store_results(settings, q3_3_errors, {"analysis.errors": errors}, reads=("configs",), data=data,
                  predictions=final, gallery_size=gallery_size)
    return {"best": best, "matrices": matrices, "gallery": gallery, "most_common": most_common}


# --- Bonus: the LSTM (1x32)'s gates and memory, beside the GRU's gates --------------------------

def bonus_lstm_inside(lstm: keras.Model, data: MnistSplits, settings: RunSettings) -> Inside:
    """The LSTM (1x32)'s gates, cell state and output on every test image, and each unit silenced in
    turn. Stores `analysis.lstm_1x32.largest_abs_cell_state` and the gate-exposing cell's largest distance
    from Keras's layer, `analysis.cell_agreement.lstm_1x32`."""
    start = time.perf_counter()
    state = lstm_internals(lstm, data.x_test)
    seconds = time.perf_counter() - start
    layer_output, _ = stepwise_readout(lstm, data.x_test)  # Keras's own LSTM layer
    full_accuracy = stored_test_accuracy(load_results(settings), "lstm_1x32")  # on these test images, stored by training
    unit_accuracy = silenced_unit_accuracy_cached(lstm, data, settings)
    agreement = float(np.abs(layer_output - state["h"]).max())
    store_results(settings, bonus_lstm_inside,
                  {"analysis.lstm_1x32.largest_abs_cell_state": float(np.abs(state["c"]).max()),
                             "analysis.cell_agreement.lstm_1x32": agreement}, reads=("configs.lstm_1x32",), lstm=lstm,
                  data=data)
    return Inside(state, full_accuracy, unit_accuracy, units_by_cost(unit_accuracy, full_accuracy), seconds,
                  cell_limit=float(np.percentile(np.abs(state["c"]), 99)), keras_agreement=agreement)


GATE_TITLES = {"LSTM i": "LSTM input gate $i_t$", "LSTM f": "LSTM forget gate $f_t$", "LSTM o": "LSTM output gate $o_t$",
               "GRU z": "GRU update gate $z_t$", "GRU r": "GRU reset gate $r_t$"}


def _gates(lstm_state: Mapping[str, np.ndarray], gru_state: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The five gates (N, 28, units) under their short names, LSTM i, f, o then GRU z, r."""
    return {"LSTM i": lstm_state["i"], "LSTM f": lstm_state["f"], "LSTM o": lstm_state["o"],
            "GRU z": gru_state["z"], "GRU r": gru_state["r"]}


def bonus_gate_statistics(lstm: Inside, gru: Inside, data: MnistSplits, settings: RunSettings) -> dict:
    """Each gate's summary over the test set (`analysis.gates`) and its mean around the first ink row
    (`analysis.gates_at_first_ink`), and how flat it is above the ink (`analysis.gate_flatness`). Returns
    {'gates': {title: (N, 28, units)}, 'summary', 'at_first_ink', 'flatness'}."""
    gates = _gates(lstm.state, gru.state)
    summary = gate_summary({name.lower().replace(" ", "_"): values for name, values in gates.items()})
    at_first_ink = {name: gate_around_first_ink(values, data.x_test) for name, values in gates.items()}
    flatness = {name: {key: round(value, 5) for key, value in gate_flatness(values, data.x_test).items()}
                for name, values in gates.items()}
    store_results(settings, bonus_gate_statistics,
                  {"analysis.gates": summary, "analysis.gates_at_first_ink": at_first_ink,
                             "analysis.gate_flatness": flatness}, lstm=lstm, gru=gru, data=data)
    return {"gates": {GATE_TITLES[name]: values for name, values in gates.items()}, "summary": summary,
            "at_first_ink": at_first_ink, "flatness": flatness}


def bonus_unit_ablation(inside: Mapping[str, Inside], settings: RunSettings) -> dict:
    """What silencing each unit costs, against how often the unit passes the head's ReLU, for
    {'gru_1x32': Inside, 'lstm_1x32': Inside}. Stores `analysis.{unit_ablation, unit_ablation_full_accuracy,
    relu_zeroed, unit_ablation_summary, cost_vs_relu_pass}`. Returns {'costs', 'relu_zeroed', 'correlation'}."""
    relu_zeroed = {name: relu_zeroed_share(model.state["h"][:, -1]) for name, model in inside.items()}
    costs = {name: model.full_accuracy - model.unit_accuracy for name, model in inside.items()}
    correlation = {}
    for name in costs:
        rho, p_value = spearman_correlation(costs[name], 1.0 - relu_zeroed[name])
        correlation[name] = {"spearman_rho": round(rho, 4), "p_value": round(p_value, 4)}
    store_results(settings, bonus_unit_ablation, {
        "analysis.unit_ablation": {name: rounded(model.unit_accuracy, 6) for name, model in inside.items()},
        "analysis.unit_ablation_full_accuracy": {name: round(model.full_accuracy, 6) for name, model in inside.items()},
        "analysis.relu_zeroed": {name: rounded(share, 6) for name, share in relu_zeroed.items()},
        "analysis.unit_ablation_summary": {
            name: {"costliest_unit": int(np.argmax(cost)), "largest_cost": round(float(cost.max()), 6),
                   "smallest_cost": round(float(cost.min()), 6)} for name, cost in costs.items()},
        "analysis.cost_vs_relu_pass": correlation}, inside=inside)
    return {"costs": costs, "relu_zeroed": relu_zeroed, "correlation": correlation}


def bonus_important_units(inside: Mapping[str, Inside], data: MnistSplits, settings: RunSettings, count: int = 3) -> dict:
    """For the `count` costliest units of each model, the correlation of h_t with simple features of the
    input (`analysis.important_units`, with the strongest link); returns the stored `analysis` section."""
    features = row_features(data.x_test)
    important = {}
    for name, model in inside.items():
        units = model.order[:count]
        correlations = {str(unit): feature_correlations(model.state["h"][:, :, unit], features) for unit in units}
        strongest = max(({"unit": int(unit), "feature": feature, "r": r} for unit, by_feature in correlations.items()
                         for feature, r in by_feature.items()), key=lambda link: abs(link["r"]))
        important[name] = {"order": model.order, "units": units, "correlations": correlations, "strongest": strongest}
    return store_results(settings, bonus_important_units, {"analysis.important_units": important}, inside=inside,
                         data=data, count=count)["analysis"]


def bonus_lstm_memory(lstm_model: keras.Model, lstm: Inside, data: MnistSplits, settings: RunSettings,
                      draws: int = 20) -> dict:
    """How long c_t survives to step 28 per unit, and what fixing the forget gates of the units that keep
    f > 0.9 most of the time at 0.5 costs, against `draws` random sets of as many units. Stores
    `analysis.lstm_1x32.{retention, retention_half_life, retention_from_step_1_mean, forget_ablation,
    long_memory_half_lives, median_half_life}`. Returns {'retention', 'half_life', 'long_memory_units', 'forget_test'}."""
    retention = cell_state_retention(lstm.state["f"])
    half_life = retention_half_life(retention)
    long_memory_units = [int(j) for j in np.flatnonzero(gate_saturation(lstm.state["f"])[1] > 0.5)]
    forget_test = forget_ablation(lstm_model, data.x_test, data.y_test, long_memory_units, draws=draws, seed=0)
    store_results(settings, bonus_lstm_memory, {
        "analysis.lstm_1x32.retention": [rounded(row, 6) for row in retention],
        "analysis.lstm_1x32.retention_half_life": half_life,
        "analysis.lstm_1x32.retention_from_step_1_mean": round(float(retention[:, 0].mean()), 4),
        "analysis.lstm_1x32.forget_ablation": forget_test,
        "analysis.lstm_1x32.long_memory_half_lives": [half_life[j] for j in long_memory_units],
        "analysis.lstm_1x32.median_half_life": float(np.median([28 if h is None else h for h in half_life]))},
                  lstm_model=lstm_model, lstm=lstm, data=data, draws=draws)
    return {"retention": retention, "half_life": half_life, "long_memory_units": long_memory_units,
            "forget_test": forget_test}


def bonus_gates_by_row(lstm: Inside, gru: Inside, data: MnistSplits, settings: RunSettings) -> dict:
    """Every gate on blank and on ink rows, trained and untrained (`analysis.gates_by_row`, returned)."""
    untrained = _gates(lstm_internals(initial_model("lstm_1x32", settings.seed), data.x_test),
                       gru_internals(initial_model("gru_1x32", settings.seed), data.x_test))
    by_row = {gate: {"trained": gate_by_row_kind(trained, data.x_test),
                     "untrained": gate_by_row_kind(untrained[gate], data.x_test)}
              for gate, trained in _gates(lstm.state, gru.state).items()}
    store_results(settings, bonus_gates_by_row, {"analysis.gates_by_row": by_row}, lstm=lstm, gru=gru,
                  untrained=untrained, data=data)
    return by_row
