"""Q1: the numbers behind each claim of the written answer, from the mirroring cells with hand-set
weights (stores, copies, and the counter-example showing that a GRU is not a special case of an LSTM).

Imports from the package: settings, data, cells.
"""
from __future__ import annotations

import numpy as np

from hw3.cells import GRUInternalsCell, LSTMInternalsCell, gru_cell_weights, lstm_cell_weights, run_internals_cell
from hw3.data import check_image_batch
from hw3.settings import ROW_WIDTH, SEQUENCE_LENGTH

SATURATING_BIAS = 20.0  # sigmoid(20) = 1 - 2.1e-9, sigmoid(-20) = 2.1e-9
WEAK_BIAS = 3.0  # sigmoid(3) = 0.953: a gate that is only "mostly" open


def q1_demonstrations(image: np.ndarray, seed: int = 0) -> dict[str, float]:
    """The numbers behind each Q1 claim, from the mirroring cells with hand-set weights.

    `image` (28, 28) binarized: its 28 rows are the input sequence (input size 28, 28 units).
    Store: a cell whose state should equal the current row; copy: a cell whose state should stay at
    a random initial state while random input-dependent weights push against it; each with
    saturating biases (+-20) and, for contrast, weak ones (+-3). Counter-example (Q1.3): after one
    step from the zero state a GRU unit reaches tanh(3) = 0.995, while no LSTM unit can exceed
    tanh(1) = 0.762 (checked on 20,000 random LSTM units).
    """
    rows = check_image_batch(np.asarray(image)[None])
    size = ROW_WIDTH
    rng = np.random.default_rng(seed)
    identity = 10.0 * np.eye(size)  # tanh(10) = 1 - 4e-9: a binary pixel is kept as 0 or 1
    random_block = lambda: rng.normal(0.0, 1.0, (size, size))  # noqa: E731
    results: dict[str, float] = {"sigmoid_minus_bias": float(1.0 / (1.0 + np.exp(SATURATING_BIAS))),
                                 "tanh_10_gap": float(1.0 - np.tanh(10.0))}
    for label, b in (("", SATURATING_BIAS), ("_weak", WEAK_BIAS)):
        # Q1.1 LSTM: f -> 0, i -> 1, no recurrent input to the candidate: c_t = tanh(W_c x_t + b_c).
        weights = lstm_cell_weights(size, size, kernel={"c": identity}, bias={"i": b, "f": -b, "o": b})
        state = run_internals_cell(LSTMInternalsCell(size), weights, rows)
        results["lstm_store_error" + label] = float(np.abs(state["c"][0] - rows[0]).max())
        # Q1.1 GRU: z -> 0 and r -> 0 (shuts out U_h h_{t-1} even though U_h is random): h_t = tanh(W_h x_t + b_h).
        weights = gru_cell_weights(size, size, kernel={"h": identity}, recurrent={"h": random_block()},
                                   input_bias={"z": -b, "r": -b})
        state = run_internals_cell(GRUInternalsCell(size), weights, rows)
        results["gru_store_error" + label] = float(np.abs(state["h"][0] - rows[0]).max())
        # Q1.2 LSTM: f -> 1, i -> 0 against a random, input-driven candidate: c_t = c_0.
        h0, c0 = rng.uniform(-0.9, 0.9, (1, size)), rng.uniform(-2.0, 2.0, (1, size))
        weights = lstm_cell_weights(size, size, kernel={"c": random_block()}, recurrent={"c": random_block()},
                                    bias={"i": -b, "f": b, "o": b})
        state = run_internals_cell(LSTMInternalsCell(size), weights, rows, initial_state=[h0, c0])
        results["lstm_copy_drift" + label] = float(np.abs(state["c"][0] - c0).max())
        # Q1.2 GRU: z -> 1 against a random, input-driven candidate: h_t = h_0.
        weights = gru_cell_weights(size, size, kernel={"h": random_block(), "r": random_block()},
                                   recurrent={"h": random_block()}, input_bias={"z": b})
        state = run_internals_cell(GRUInternalsCell(size), weights, rows, initial_state=[h0])
        results["gru_copy_drift" + label] = float(np.abs(state["h"][0] - h0).max())
    results["lstm_copy_bound"] = float(SEQUENCE_LENGTH * results["sigmoid_minus_bias"] * (2.0 + 1.0))
    # Q1.3: one unit, one input x_1 = 1, zero initial state.
    gru = gru_cell_weights(1, 1, kernel={"h": np.array([[3.0]])}, input_bias={"z": -SATURATING_BIAS})
    results["gru_first_output"] = float(run_internals_cell(GRUInternalsCell(1), gru, np.ones((1, 1, 1)))["h"][0, 0, 0])
    largest, units, runs = 0.0, 2_000, 10  # 20,000 random LSTM units with large weights and biases
    for _ in range(runs):
        lstm = [rng.normal(0.0, 10.0, (1, 4 * units)), rng.normal(0.0, 10.0, (units, 4 * units)),
                rng.normal(0.0, 10.0, 4 * units)]
        first = run_internals_cell(LSTMInternalsCell(units), lstm, np.ones((1, 1, 1)))["h"][0, 0]
        largest = max(largest, float(np.abs(first).max()))
    results["lstm_random_units"] = units * runs
    results["lstm_largest_first_output"] = largest
    results["lstm_first_output_bound"] = float(np.tanh(1.0))
    return results
