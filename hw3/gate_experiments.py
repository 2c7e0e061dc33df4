"""The bonus's experiments: the LSTM (1x32)'s gates and memory, beside the GRU's gates, in the shape of
`hw3/experiments.py` (which holds Q1 to Q3): each function takes the models (or their internals,
`experiments.Inside`), the data and the run settings, stores its own entries of results.json with
`store_results` (results/README.md lists them) and returns what its notebook cell shows.

Imports from the package: settings, data, readout, training, cells, analysis, ablation, experiments.
"""
from __future__ import annotations

import time
from typing import Mapping

import keras
import numpy as np

from hw3.ablation import forget_ablation
from hw3.analysis import (cell_state_retention, feature_correlations, gate_around_first_ink, gate_by_row_kind, gate_flatness,
                          gate_saturation, gate_summary, relu_zeroed_share, retention_half_life, row_features,
                          spearman_correlation, units_by_cost)
from hw3.cells import gru_internals, lstm_internals
from hw3.data import MnistSplits
from hw3.readout import stepwise_readout
from hw3.experiments import Inside, rounded, silenced_unit_accuracy_cached, stored_test_accuracy
from hw3.settings import RunSettings, load_results, store_results
from hw3.training import initial_model

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
    store_results(settings, {"analysis.lstm_1x32.largest_abs_cell_state": float(np.abs(state["c"]).max()),
                             "analysis.cell_agreement.lstm_1x32": agreement})
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
    store_results(settings, {"analysis.gates": summary, "analysis.gates_at_first_ink": at_first_ink,
                             "analysis.gate_flatness": flatness})
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
    store_results(settings, {
        "analysis.unit_ablation": {name: rounded(model.unit_accuracy, 6) for name, model in inside.items()},
        "analysis.unit_ablation_full_accuracy": {name: round(model.full_accuracy, 6) for name, model in inside.items()},
        "analysis.relu_zeroed": {name: rounded(share, 6) for name, share in relu_zeroed.items()},
        "analysis.unit_ablation_summary": {
            name: {"costliest_unit": int(np.argmax(cost)), "largest_cost": round(float(cost.max()), 6),
                   "smallest_cost": round(float(cost.min()), 6)} for name, cost in costs.items()},
        "analysis.cost_vs_relu_pass": correlation})
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
    return store_results(settings, {"analysis.important_units": important})["analysis"]


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
    store_results(settings, {
        "analysis.lstm_1x32.retention": [rounded(row, 6) for row in retention],
        "analysis.lstm_1x32.retention_half_life": half_life,
        "analysis.lstm_1x32.retention_from_step_1_mean": round(float(retention[:, 0].mean()), 4),
        "analysis.lstm_1x32.forget_ablation": forget_test,
        "analysis.lstm_1x32.long_memory_half_lives": [half_life[j] for j in long_memory_units],
        "analysis.lstm_1x32.median_half_life": float(np.median([28 if h is None else h for h in half_life]))})
    return {"retention": retention, "half_life": half_life, "long_memory_units": long_memory_units,
            "forget_test": forget_test}


def bonus_gates_by_row(lstm: Inside, gru: Inside, data: MnistSplits, settings: RunSettings) -> dict:
    """Every gate on blank and on ink rows, trained and untrained (`analysis.gates_by_row`, returned)."""
    untrained = _gates(lstm_internals(initial_model("lstm_1x32", settings.seed), data.x_test),
                       gru_internals(initial_model("gru_1x32", settings.seed), data.x_test))
    by_row = {gate: {"trained": gate_by_row_kind(trained, data.x_test),
                     "untrained": gate_by_row_kind(untrained[gate], data.x_test)}
              for gate, trained in _gates(lstm.state, gru.state).items()}
    store_results(settings, {"analysis.gates_by_row": by_row})
    return by_row
