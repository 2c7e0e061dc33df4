"""results.json, the one store of every number the notebooks and the report quote: each entry declared
once in `SCHEMA` (where it lives, what it holds, its shape, the function that writes it), written only
through `store_results`, and kept with the key of the code and inputs that made it.

- Writing: `store_results(settings, writer, {path: value}, **inputs)` fills each dotted path (e.g.
  'analysis.probes.gru_1x32') of results.json and records beside it, under the file's 'provenance'
  section, the key of the call that made it: the writer's code as this process loaded it, `inputs`
  (the models and data the value was computed from) and the run mode (`hw3/keys.py`). A path that
  `SCHEMA` does not declare, or that it declares for another writer, is refused.
- Checking: `results_report` says, for every declared entry, whether it is missing or stale for
  today's code and saved models (`python -m hw3.cache` prints it); `current_results` returns the
  results only when the entries asked for are current, else names each one with the function and the
  notebook that write it. The report is printed through it, so it never quotes a stale number.
- `results/README.md` is generated from `SCHEMA` (`write_schema_readme`; a test keeps it in step).

Imports from the package: settings, keys.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from hw3.keys import (code_this_process_runs, entry_key, function_name, input_digests, package_sources,
                      saved_weights_digests, staleness)
from hw3.settings import PROJECT_DIR, RunSettings, write_json_atomically, write_text_atomically

PROVENANCE = "provenance"  # the section of results.json that keeps each entry's key (not an entry itself)
NOTEBOOKS = ("lab_book.ipynb", "hw3.ipynb")  # in the order `make homework` runs them
SCHEMA_README = PROJECT_DIR / "results" / "README.md"


@dataclass(frozen=True)
class Declared:
    """One entry of results.json: its dotted path (a value there, or a section whose sub-entries the
    writer fills, e.g. 'configs' holds 'configs.gru_1x32'), what it holds, its shape, and the function
    that writes it ('hw3.experiments:q3_3_probes').

A trained model's own entries (its run in `configs`, `variants`, `baselines`, `seeds`, and the run's
`environment`) are keyed on the saved model they describe, not on the code: the model's recipe decides
whether it is reused (hw3/saved_models.py), and retraining is the way to renew them."""

    path: str
    holds: str
    shape: str
    writer: str
    keyed_on_code: bool = True  # False: keyed on the saved model it describes (its recipe decides reuse), not code


SCHEMA: tuple[Declared, ...] = (
    Declared('environment',
             'versions of TensorFlow, Keras, NumPy and Python, and the CPU count of the run',
             '{5 keys}',
             'hw3.training:train_or_load', keyed_on_code=False),
    Declared('configs',
             "the eight configurations' seed-0 runs: settings, test loss (nats per image) and accuracy, "
             'seconds, parameters, history per epoch, per-step test accuracy',
             '{name: {..., `history`: {metric: [10]}, `stepwise_test_accuracy`: [28]}}',
             'hw3.training:train_or_load', keyed_on_code=False),
    Declared('variants',
             'the seed-0 runs of the GRU (1x32) variants (reading orders, TF1 conventions) and of the 1x32 '
             'models trained differently (`objective`, `trailing_blanks`), as `configs`, plus description, '
             'reading order and conventions',
             '{name: {...}}',
             'hw3.training:train_or_load', keyed_on_code=False),
    Declared('baselines',
             "the five whole-image models' seed-0 runs, as `configs` without the per-step accuracy",
             '{name: {...}}',
             'hw3.training:train_or_load', keyed_on_code=False),
    Declared('seeds',
             'every run of every model, the seeds the run trained (0-4 by default), each entry as in `configs`',
             '{name: {seed: {...}}}',
             'hw3.seed_pool:train_seeds', keyed_on_code=False),
    Declared('statistics',
             'seeds summarised and compared: per-model mean, sd and interval, GRU minus LSTM, width minus '
             "depth, three layers minus one, the GRU's parameter saving, the margin over the earlier solution, "
             'the Q3.1 comparisons with Welch intervals and McNemar tests, ranking',
             '{15 keys, `seeds`: the seeds compared}',
             'hw3.experiments:q2_seed_statistics'),
    Declared('analysis.learning_curves',
             'per configuration: last epoch, validation loss at the epoch before and at the last, the epoch of '
             'the lowest validation loss and that loss, the last training loss',
             '{name: {7 keys}}',
             'hw3.experiments:q2_seed_statistics'),
    Declared('q1_demonstrations',
             'the hand-set cells behind the Q1 answers: store and copy errors, bounds, reset-gate fits',
             '{39 keys: float}',
             'hw3.experiments:q1_experiment'),
    Declared('analysis.shift',
             'final accuracy with every test image moved s rows down (s > 0) or up',
             '{name: {s: fraction}}',
             'hw3.experiments:q3_1_translation'),
    Declared('analysis.shift_ink_pushed_out',
             'share of ink pixels and of images that a shift of s rows pushes out of the frame',
             '{s: {ink_share, image_share}}',
             'hw3.experiments:q3_1_translation'),
    Declared('analysis.horizontal_shift',
             'final accuracy with every test image moved s columns right (s > 0) or left',
             '{name: {s: fraction}}',
             'hw3.experiments:q3_1_translation'),
    Declared('analysis.horizontal_shift_ink_pushed_out',
             'as `shift_ink_pushed_out`, for columns',
             '{s: {ink_share, image_share}}',
             'hw3.experiments:q3_1_translation'),
    Declared('analysis.gru_1x32.blank_row_fraction',
             'share of test images whose row t is blank',
             '[28]',
             'hw3.experiments:q3_2_gru_inside'),
    Declared('analysis.gru_1x32.state_spread',
             'standard deviation of h_t over images, mean over units',
             '[28]',
             'hw3.experiments:q3_2_gru_inside'),
    Declared('analysis.gru_1x32.state_over_time',
             'what the state heatmaps show per step: mean |h_t|, share |h_t| > 0.9, mean change from h_(t-1), '
             'spread',
             '{4 keys: [28]}',
             'hw3.experiments:q3_2_gru_inside'),
    Declared('analysis.gru_1x32.blank_path',
             'an all-blank image: per step the largest change of any unit from h_(t-1), the class the head '
             'names, its probability; the class named last and the step from which it is named throughout',
             '{3 keys: [28], 2 keys: int}',
             'hw3.experiments:q3_2_gru_inside'),
    Declared('analysis.cell_agreement.gru_1x32',
             "largest |h_t of the gate-exposing cell - output of Keras's GRU layer| over test images, steps and"
             ' units',
             'float',
             'hw3.experiments:q3_2_gru_inside'),
    Declared('analysis.last_steps',
             'the read-out at steps 24-28 over seeds (mean, min, max) for the GRU (1x32) and its TF1 twin',
             '{name: {t: {mean, min, max, seeds}}}',
             'hw3.experiments:q3_3_last_steps'),
    Declared('analysis.gru_1x32.decision_steps',
             'summary of the per-image decision step (first step from which the read-out never changes)',
             '{6 keys}',
             'hw3.experiments:q3_3_decision_steps'),
    Declared('analysis.gru_1x32.median_last_ink_row',
             'median over test images of L, the last row holding ink',
             'float',
             'hw3.experiments:q3_3_readout_after_ink'),
    Declared('analysis.gru_1x32.readout_at_last_ink',
             'accuracy when each image is read out at its own step L',
             'fraction',
             'hw3.experiments:q3_3_readout_after_ink'),
    Declared('analysis.gru_1x32.readout_by_steps_after_ink',
             'accuracy at step L + k, k = -6..6, over the images where that step exists',
             '{k: fraction}',
             'hw3.experiments:q3_3_readout_after_ink'),
    Declared('analysis.lstm_1x32.readout_at_last_ink',
             'as for the GRU',
             'fraction',
             'hw3.experiments:q3_3_readout_after_ink'),
    Declared('analysis.lstm_1x32.readout_by_steps_after_ink',
             'as for the GRU',
             '{k: fraction}',
             'hw3.experiments:q3_3_readout_after_ink'),
    Declared('analysis.gru_1x32.readout_by_steps_after_ink_fixed_subset',
             'the same curve on the fixed set of images with 7 <= L <= 22',
             '{k: fraction}',
             'hw3.experiments:q3_3_readout_after_ink_checks'),
    Declared('analysis.gru_1x32.readout_by_steps_after_ink_fixed_subset_size',
             'how many images that set holds',
             'int',
             'hw3.experiments:q3_3_readout_after_ink_checks'),
    Declared('analysis.bottom_up',
             "the bottom-up GRU's read-out at step 29 - F + k (F: first ink row)",
             '{readout_by_steps_after_ink: {k: fraction}}',
             'hw3.experiments:q3_3_readout_after_ink_checks'),
    Declared('analysis.extra_blank_rows',
             'accuracy after 28 + k steps, k = 0..4 blank rows appended, on digits moved s rows',
             '{name: {s: {k: fraction}}}',
             'hw3.experiments:q3_3_blank_rows'),
    Declared('analysis.extra_row_summary',
             'across models: what 3 appended rows give back to digits moved 4 rows down, what 4 cost unshifted '
             'digits',
             '{5 keys: fraction}',
             'hw3.experiments:q3_3_blank_rows'),
    Declared('analysis.row_occlusion',
             'accuracy with row r (r = 1..28) blanked in every test image',
             '{name: [28]}',
             'hw3.experiments:q3_1_row_occlusion'),
    Declared('analysis.row_occlusion_summary',
             'the row whose blanking costs most, and its cost',
             '{name: {worst_row, largest_cost}}',
             'hw3.experiments:q3_1_row_occlusion'),
    Declared('analysis.gru_1x32.readout_class_shares',
             'share of test images read out as each class at steps 4, 8, ..., 28',
             '{t: [10]}',
             'hw3.experiments:q3_3_readout_shares'),
    Declared('analysis.gru_1x32.test_class_shares',
             'share of each class in the test set',
             '[10]',
             'hw3.experiments:q3_3_readout_shares'),
    Declared('analysis.gru_1x32.classes_named_often_at_step_16',
             'classes read out for over 15% of test images at step 16',
             'text',
             'hw3.experiments:q3_3_readout_shares'),
    Declared('analysis.gru_1x32.readout_confusion',
             'confusion matrices (true row, predicted column) of the read-out at steps 16, 24, 28',
             '{t: [10 x 10]}',
             'hw3.experiments:q3_3_readout_shares'),
    Declared('analysis.gru_1x32.decision_after_ink',
             'per class: median decision step, median L, median of their difference, share decided before the '
             'ink ends',
             '{class: {4 keys}}',
             'hw3.experiments:q3_3_decision_after_ink'),
    Declared('analysis.gru_1x32.classes_decided_before_ink_ends',
             'classes decided before their ink ends in most of their images',
             'text',
             'hw3.experiments:q3_3_decision_after_ink'),
    Declared('analysis.decision_vs_ink',
             'per reader (GRU and LSTM 1x32, each plain and trained with the loss after every row), per class '
             'and over every image (`all`): median decision step d, median last ink row L, median of d - L, '
             'share with d < L; for `gru_1x32`, `all` also holds, with b the class the head gives an all-blank '
             'image read out at step d and p the final prediction, the share with d < L among the images with '
             'p != b (`share_decided_before_ink_ends_not_blank_class`) and the share with p = b among those '
             'with d < L (`share_of_early_decisions_in_blank_class`); null when no image is in the denominator',
             '{name: {class or all: {4 keys}}}, gru_1x32.all: {6 keys}',
             'hw3.experiments:q3_3_decision_vs_ink'),
    Declared('analysis.gru_1x32.figure_images',
             "the test images of the report's figure of the state over time (0 and 1): first and last ink rows "
             'F and L, decision step d, and the class the head names at each step',
             '{index: {first_ink_row, last_ink_row, decision_step, class_named: [28]}}',
             'hw3.experiments:q3_3_decision_vs_ink'),
    Declared('analysis.appended_blank_rows',
             'for the GRU and LSTM (1x32), plain, with the loss after every row and trained with trailing blank'
             " rows: seed 0's accuracy read after the last row when k = 0..8 blank rows follow each test image",
             '{name: {k: fraction}}',
             'hw3.experiments:q3_3_appended_blank_rows'),
    Declared('analysis.appended_blank_rows_over_seeds',
             "the same, the mean over the run's seeds",
             '{name: {k: fraction}}',
             'hw3.experiments:q3_3_appended_blank_rows'),
    Declared('analysis.shift_trained_differently',
             'seed 0 of the six models of `appended_blank_rows`: final accuracy with every test image moved s '
             'rows down (s > 0) or up',
             '{name: {s: fraction}}',
             'hw3.experiments:q3_3_shifted_interventions'),
    Declared('analysis.state_after_blank_rows',
             "for the GRU and LSTM (1x32), seed 0, k = 0..8 blank rows appended after row 28: the head's "
             'accuracy after row 28 + k (`head`), a probe fitted on the state after row 28 applied after row 28'
             ' + k (`probe_fit_at_28`), a probe refitted on the state after row 28 + k (`probe_refit`); probes '
             'as `probes_fair`',
             '{name: {k: {head, probe_fit_at_28, probe_refit}}}',
             'hw3.experiments:q3_3_state_after_blank_rows'),
    Declared('analysis.state_after_blank_rows_over_seeds',
             "the same, the mean over the run's seeds",
             '{name: {k: {head, probe_fit_at_28, probe_refit}}}',
             'hw3.experiments:q3_3_state_after_blank_rows'),
    Declared('analysis.training_reproduced',
             'the GRU (1x32), seed 0, trained again from scratch in the full run: its test accuracy, the saved '
             "model's, and the largest absolute difference between their weights",
             '{name: {test_accuracy_now, test_accuracy_saved, largest_weight_difference}}',
             'hw3.experiments:q2_training_reproduced'),
    Declared('analysis.probes_fair',
             "per probe (the trained GRU's h_t `gru_1x32`, the pixels of rows 1..t `pixels_so_far`, the "
             "untrained GRU's h_t `untrained_gru_1x32`): C chosen from {0.01, 0.1, 1, 10} on the 5,000 "
             'validation images, the probe fitted on all 55,000 training images; test and validation accuracy '
             'and the chosen C per step',
             '{kind: {test_accuracy: [28], validation_accuracy: [28], C: [28]}}',
             'hw3.experiments:q3_3_fair_probes'),
    Declared('analysis.tf1_conventions_last_steps',
             "the read-out at steps 24-28 over seeds (mean, min, max) for the plain GRU (1x32), TF1's cell and "
             'each of its three conventions alone',
             '{name: {t: {mean, min, max, seeds}}}',
             'hw3.experiments:q3_3_tf1_conventions'),
    Declared('analysis.objective_readout_at_step_16',
             "the head's read-out at step 16 over the run's seeds (mean, min, max, seeds) for the plain GRU and"
             ' LSTM (1x32) and both trained on the every-step loss',
             '{name: {mean, min, max}}',
             'hw3.experiments:q3_3_objective_readout'),
    Declared('analysis.probes.gru_1x32',
             "linear-probe test accuracy per step on the GRU's h_t",
             '{h: [28]}',
             'hw3.experiments:q3_3_probes'),
    Declared('analysis.probes.lstm_1x32',
             "the same on the LSTM's h_t and c_t",
             '{h: [28], c: [28]}',
             'hw3.experiments:q3_3_probes'),
    Declared('analysis.probes.pixels_so_far',
             'the same on the pixels of rows 1..t',
             '[28]',
             'hw3.experiments:q3_3_probe_baselines'),
    Declared('analysis.probes.untrained_gru_1x32',
             "the same on an untrained GRU's h_t (the training's seed-0 initial weights)",
             '{h: [28]}',
             'hw3.experiments:q3_3_probe_baselines'),
    Declared('analysis.probes_gain',
             "the trained state's probe minus each baseline's, per step and from step 5 on",
             '{3 keys}',
             'hw3.experiments:q3_3_probe_baselines'),
    Declared('analysis.replication',
             "Q3.3's headline numbers for every seed of the two 1x32 models",
             '{name: {seed: {...}}}',
             'hw3.experiments:q3_3_replication'),
    Declared('analysis.replication_summary',
             'their mean, minimum and maximum over seeds',
             '{name: {metric: {...}}}',
             'hw3.experiments:q3_3_replication'),
    Declared('analysis.gru_1x32.class_separation',
             'between-class over within-class variance of h_t per step',
             '[28]',
             'hw3.experiments:q3_3_state_geometry'),
    Declared('analysis.gru_1x32.pca_explained',
             "variance share of h_t's first two principal components",
             '[2]',
             'hw3.experiments:q3_3_state_geometry'),
    Declared('analysis.errors',
             "the most accurate recurrent model, the GRU's first 12 errors, final confusion matrices, most "
             'common errors',
             '{4 keys}',
             'hw3.experiments:q3_3_errors'),
    Declared('analysis.lstm_1x32.largest_abs_cell_state',
             'the largest |c_t| over test images, steps and units',
             'float',
             'hw3.experiments:bonus_lstm_inside'),
    Declared('analysis.cell_agreement.lstm_1x32',
             "largest |h_t of the gate-exposing cell - output of Keras's LSTM layer| over test images, steps "
             'and units',
             'float',
             'hw3.experiments:bonus_lstm_inside'),
    Declared('analysis.gate_flatness',
             'per gate: per unit sd over (image, step) pairs above the first ink row and on ink rows, mean over'
             ' units; largest step-to-step change above the ink',
             '{gate: {3 keys}}',
             'hw3.experiments:bonus_gate_statistics'),
    Declared('analysis.gates',
             'per gate: mean overall and over the first and last five steps, saturated shares, units saturated '
             'most of the time',
             '{gate: {8 keys}}',
             'hw3.experiments:bonus_gate_statistics'),
    Declared('analysis.gates_at_first_ink',
             'per gate: mean one step before the first ink row F, at F, two steps after',
             '{gate: {before, at, after, images}}',
             'hw3.experiments:bonus_gate_statistics'),
    Declared('analysis.unit_ablation',
             'test accuracy with unit j silenced',
             '{name: [32]}',
             'hw3.experiments:bonus_unit_ablation'),
    Declared('analysis.unit_ablation_full_accuracy',
             'the accuracy with no unit silenced',
             '{name: fraction}',
             'hw3.experiments:bonus_unit_ablation'),
    Declared('analysis.relu_zeroed',
             "per unit, the share of images whose last output the head's ReLU sets to 0",
             '{name: [32]}',
             'hw3.experiments:bonus_unit_ablation'),
    Declared('analysis.unit_ablation_summary',
             'the costliest unit, the largest and smallest cost',
             '{name: {3 keys}}',
             'hw3.experiments:bonus_unit_ablation'),
    Declared('analysis.cost_vs_relu_pass',
             "Spearman's rank correlation of a unit's cost with its ReLU pass share",
             '{name: {spearman_rho, p_value}}',
             'hw3.experiments:bonus_unit_ablation'),
    Declared('analysis.important_units',
             'units by cost, and the correlation of the three costliest with simple input features',
             '{name: {order, units, correlations, strongest}}',
             'hw3.experiments:bonus_important_units'),
    Declared('analysis.lstm_1x32.retention',
             'mean over images of the product of forget gates from step t + 1 to 28, per unit',
             '[32 x 28]',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.lstm_1x32.retention_half_life',
             'per unit, the steps before the end over which retention falls to 0.5 (null: more than 27)',
             '[32]',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.lstm_1x32.retention_from_step_1_mean',
             'the mean over units of retention from step 1',
             'float',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.lstm_1x32.forget_ablation',
             "accuracy with the long-memory units' forget gates fixed at 0.5, against 20 random unit sets",
             '{9 keys}',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.lstm_1x32.long_memory_half_lives',
             'the half-lives of the units whose forget gate exceeds 0.9 most of the time',
             '[units]',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.lstm_1x32.median_half_life',
             'the median half-life over units (28 for null)',
             'float',
             'hw3.experiments:bonus_lstm_memory'),
    Declared('analysis.gates_by_row',
             'per gate, trained and untrained: mean and saturated shares on blank rows and on ink rows',
             '{gate: {trained, untrained}}',
             'hw3.experiments:bonus_gates_by_row'),
)


# --- the declarations ---------------------------------------------------------------------------------

def declared_entry(path: str) -> Declared:
    """The declaration that covers the dotted `path`: the one whose path equals it or is the longest
    section above it. ValueError for an undeclared path."""
    covering = [entry for entry in SCHEMA if path == entry.path or path.startswith(entry.path + ".")]
    if not covering:
        raise ValueError(f"results.json has no declared entry for {path!r}; declare it in hw3/results.py's SCHEMA "
                         "(its path, what it holds, its shape and the function that writes it).")
    return max(covering, key=lambda entry: len(entry.path))


def notebooks_calling(writer: str, project_dir: Path = PROJECT_DIR) -> list[str]:
    """The notebooks whose code cells call the writer ('hw3.experiments:q3_3_probes' -> its name)."""
    name = writer.split(":")[-1]
    found = []
    for notebook in NOTEBOOKS:
        path = project_dir / notebook
        if path.exists():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            if any(re.search(rf"\b{re.escape(name)}\(", "".join(cell["source"])) for cell in cells
                   if cell["cell_type"] == "code"):
                found.append(notebook)
    return found


# --- reading and writing ------------------------------------------------------------------------------

def load_results(settings: RunSettings) -> dict:
    """The stored results.json of this run mode, or an empty skeleton {'configs': {}}."""
    if settings.results_path.exists():
        try:
            return json.loads(settings.results_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{settings.results_path.name} is not valid JSON ({error}). Restore the committed file with "
                "`git checkout -- results/results.json` (seconds); only if that is not possible, delete it and rerun "
                "the notebooks, which then retrain every run whose entry is missing (hours on 2 cores).") from error
    return {"configs": {}}


def _related(first: str, second: str) -> bool:
    """True when one dotted path is the other or lies inside it."""
    return first == second or first.startswith(second + ".") or second.startswith(first + ".")


def call_inputs(inputs: Mapping[str, Any]) -> dict[str, dict]:
    """`keys.input_digests` of each input, with the models kept one by one (so that a stored entry can be
    checked against the saved models' recipes) and everything else under its argument as one digest
    (a stored section of results.json would otherwise add a label per number)."""
    digests = {}
    for label, value in inputs.items():
        found = input_digests(value, label)
        models = {path: item for path, item in found.items() if item["kind"] == "model"}
        rest = sorted((path, item["sha256"]) for path, item in found.items() if item["kind"] != "model")
        digests.update(models)
        if rest:
            digests[label if not models else f"{label}.rest"] = {
                "kind": "data", "sha256": hashlib.sha256(json.dumps(rest).encode()).hexdigest()}
    return digests


def store_results(settings: RunSettings, writer: Callable, entries: Mapping[str, Any], reads: Iterable[str] = (),
                  **inputs) -> dict:
    """Write `entries` ({dotted path: value}) into results.json, each with the key of this call, and
    return the whole updated results.

    `writer` is the function that computed the values (each path must be declared for it in `SCHEMA`);
    `reads`, the results entries they were computed from (e.g. ('seeds',)): their keys become part of
    this call's, so an entry goes stale when one it read is written again or goes stale itself;
    `inputs`, everything else they were computed from (models, arrays, dataclasses of arrays, numbers;
    keyed as the analysis cache keys them). An existing value at a path is replaced, with the keys of
    every path inside it; every other entry is left as it is. The file is read just before and written
    (atomically) right after, so two experiments never undo each other's entries.
    """
    qualified = function_name(writer)
    keyed_on_code = set()
    for path in entries:
        if not path or not all(path.split(".")):
            raise ValueError(f"a results path is dot-separated keys, e.g. 'analysis.shift'; got {path!r}.")
        declared = declared_entry(path)
        if declared.writer != qualified:
            raise ValueError(f"{path!r} is declared in hw3/results.py for {declared.writer}, not {qualified}.")
        keyed_on_code.add(declared.keyed_on_code)
    code = code_this_process_runs(writer.__module__)  # refuses code edited since the package was loaded
    if keyed_on_code == {False}:
        code = {}
    results = load_results(settings)
    provenance = results.setdefault(PROVENANCE, {"entries": {}, "calls": {}})
    read = {stored: made_by for stored, made_by in sorted(provenance["entries"].items())
            if any(_related(stored, wanted) for wanted in reads)}
    missing = [wanted for wanted in reads if not any(_related(stored, wanted) for stored in read)]
    if missing:
        raise ValueError(f"{qualified} reads {', '.join(missing)}, which results.json does not hold with a key; run "
                         "what writes it first (results/README.md names the writer).")
    digests = call_inputs(inputs)
    if read:
        digests["reads"] = {"kind": "entries", "sha256": hashlib.sha256(json.dumps(read).encode()).hexdigest()}
    key = entry_key(qualified, code, digests, settings.smoke)
    for path, value in entries.items():
        keys = path.split(".")
        section = results
        for part in keys[:-1]:
            section = section.setdefault(part, {})
            if not isinstance(section, dict):
                raise ValueError(f"results path {path!r} runs through {part!r}, which holds a value, not a section.")
        section[keys[-1]] = value
        provenance["entries"] = {stored: made_by for stored, made_by in provenance["entries"].items()
                                 if not _related(stored, path)}
        provenance["entries"][path] = key
    provenance["calls"][key] = {"function": qualified, "code": code, "inputs": digests, "reads": read,
                                "smoke": settings.smoke, "key": key}
    used = set(provenance["entries"].values())
    provenance["calls"] = {made_by: call for made_by, call in provenance["calls"].items() if made_by in used}
    write_json_atomically(results, settings.results_path)
    return results


# --- checking -------------------------------------------------------------------------------------------

def _has_value(results: Mapping, path: str) -> bool:
    value = results
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def _value(results: Mapping, path: str) -> Any:
    for part in path.split("."):
        results = results[part]
    return results


def stored_staleness(results: Mapping, settings: RunSettings, sources: Mapping[str, str] | None = None
                     ) -> dict[str, list[str]]:
    """{each stored path: why its key no longer holds ([] when it does)} for today's code (`sources`, the
    package on disk by default) and saved models, following the entries each one read: an entry is stale
    when one it read was written again since, or is stale itself."""
    provenance = results.get(PROVENANCE, {"entries": {}, "calls": {}})
    saved, sources = saved_weights_digests(settings), package_sources() if sources is None else sources
    found: dict[str, list[str]] = {}

    def reasons(path: str, above: frozenset) -> list[str]:
        if path not in found:
            call = provenance["calls"].get(provenance["entries"][path], {})
            why = staleness(call, saved, settings.smoke, sources)
            if call.get("function") != declared_writer(path):
                why.append(f"written by {call.get('function')}, declared for {declared_writer(path)}")
            for read_path, made_by in call.get("reads", {}).items():
                now = provenance["entries"].get(read_path)
                if now != made_by:
                    why.append(f"it read {read_path}, " + ("written again since" if now else "no longer stored"))
                elif read_path not in above and reasons(read_path, above | {path}):
                    why.append(f"it read {read_path}, which is stale")
            found[path] = why
        return found[path]

    return {path: reasons(path, frozenset()) for path in provenance["entries"]}


def declared_writer(path: str) -> str:
    """The writer `SCHEMA` declares for `path`, or '?' for an undeclared one."""
    try:
        return declared_entry(path).writer
    except ValueError:
        return "?"


def path_problems(results: Mapping, path: str, stale: Mapping[str, list[str]]) -> list[str]:
    """Why the value at the dotted `path` is not vouched for by a current key ([] when it is): it is
    current when a stored path at or above it is current, or when every key inside it is."""
    above = [stored for stored in stale if path == stored or path.startswith(stored + ".")]
    if above:
        return [f"{stored}: {reason}" for stored in above for reason in stale[stored]]
    if not _has_value(results, path) or _value(results, path) in ({}, None):
        return [f"{path}: missing"]
    value = _value(results, path)
    if not isinstance(value, Mapping) or not any(stored.startswith(path + ".") for stored in stale):
        return [f"{path}: stored without the key of its code and inputs"]
    return [problem for key in value for problem in path_problems(results, f"{path}.{key}", stale)]


def results_report(settings: RunSettings, sources: Mapping[str, str] | None = None) -> list[dict]:
    """One row per declared entry: {'path', 'writer', 'stored' (dotted paths written under it),
    'missing' (bool), 'stale' (reasons, [] when current)} for today's code (`sources`, the package on
    disk by default) and saved models; and one row per stored path that no entry declares."""
    results = load_results(settings)
    stale = stored_staleness(results, settings, sources)
    rows = []
    for declared in SCHEMA:
        stored = sorted(path for path in stale if declared_entry(path) == declared)
        problems = path_problems(results, declared.path, {path: stale[path] for path in stored})
        missing = problems == [f"{declared.path}: missing"]
        rows.append({"path": declared.path, "writer": declared.writer, "stored": stored, "missing": missing,
                     "stale": [] if missing else problems})
    rows += [{"path": path, "writer": "?", "stored": [path], "missing": False,
              "stale": ["no entry of SCHEMA declares it"]} for path in sorted(stale) if declared_writer(path) == "?"]
    return rows


def current_results(settings: RunSettings, needed: Iterable[str]) -> dict:
    """The results, when every path of `needed` ('/'- or '.'-separated, e.g. 'configs/gru_1x32/test_accuracy'
    or 'statistics') is stored under a current key; else ValueError naming each missing or stale
    entry, why, and the function and notebook that write it."""
    results = load_results(settings)
    stale = stored_staleness(results, settings)
    bad = {}
    for path in sorted({path.replace("/", ".") for path in needed}):
        problems = path_problems(results, path, stale)
        if problems:
            bad.setdefault(declared_entry(path).writer, []).extend(problems)
    if bad:
        lines = [f"- {'; '.join(problems)}: written by {writer} (run "
                 f"{' or '.join(notebooks_calling(writer)) or 'its notebook'})" for writer, problems in bad.items()]
        raise ValueError("results.json is not current for the entries asked for:\n" + "\n".join(lines) +
                         "\nRun the notebooks (make homework) so that today's code writes them, then try again.")
    return results


# --- the schema, written out --------------------------------------------------------------------------

def schema_markdown() -> str:
    """results/README.md: the files of results/ and the table of every declared entry."""
    rows = "\n".join(f"| `{entry.path}` | {entry.holds.replace('|', chr(92) + '|')} | "
                     f"{entry.shape.replace('|', chr(92) + '|')} | `{entry.writer.removeprefix('hw3.').replace(':', '.')}` |"
                     for entry in SCHEMA)
    return f"""# results/

<!-- Generated by hw3/results.py (write_schema_readme) from its SCHEMA: edit the declarations there. -->

- `results.json`: every number the notebooks and the report quote, written by a full run (`make homework`).
- `test_predictions.npz`: every trained run's predicted class for each of the 10,000 test images, keys
  `{{name}}_seed{{k}}` (uint8, shape (10000,)).

Each entry below is declared once in `hw3/results.py` and written only by the function named, through
`results.store_results`, which refuses an undeclared path. Beside the values, the section `provenance`
keeps the key of the code, inputs and run mode that made each written path (`entries`: path -> key;
`calls`: key -> what it covers). `python -m hw3.cache` says which entries are missing or stale for
today's code and saved models; the report refuses to print from one.

Shapes: N = 10,000 test images, T = 28 steps, `{{s}}` a shift of -4..4 rows or columns, `{{k}}` a step
offset, `{{t}}` a step 1..28, `{{name}}` a model of the registry (`hw3/models.py`), fractions in [0, 1].

## The schema of `results.json`

| entry | what it holds | shape | written by |
|---|---|---|---|
{rows}
"""


def write_schema_readme(path: Path = SCHEMA_README) -> Path:
    """Write `schema_markdown()` to results/README.md."""
    write_text_atomically(schema_markdown(), path)
    return path
