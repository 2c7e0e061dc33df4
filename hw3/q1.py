"""Q1: the numbers behind each claim of the written answer, from the mirroring cells with hand-set
weights: stores, copies, and Q1.3 in both directions (a GRU that no LSTM of its width matches at the
first step, fits of LSTMs to a GRU's reset-gated outputs, and an LSTM whose output no GRU reproduces).

Imports from the package: settings, data, cells.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf
from scipy.optimize import brentq

from hw3.cells import (GRUInternalsCell, LSTMInternalsCell, gru_cell_weights, gru_step, lstm_cell_weights, lstm_step,
                        run_internals_cell)
from hw3.data import check_image_batch
from hw3.settings import ROW_WIDTH, SEQUENCE_LENGTH

SATURATING_BIAS = 20.0  # sigmoid(20) = 1 - 2.1e-9, sigmoid(-20) = 2.1e-9
WEAK_BIAS = 3.0  # sigmoid(3) = 0.953: a gate that is only "mostly" open


def q1_demonstrations(image: np.ndarray, seed: int = 0, quick: bool = False) -> dict[str, float]:
    """The numbers behind each Q1 claim, from the mirroring cells with hand-set weights.

    `image` (28, 28) binarized: its 28 rows are the input sequence (input size 28, 28 units).
    Store: a cell whose state should equal the current row; copy: a cell whose state should stay at
    a random initial state while random input-dependent weights push against it; each with
    saturating biases (+-20) and, for contrast, weak ones (+-3). Counter-example (Q1.3): after one
    step from the zero state a GRU unit reaches tanh(3) = 0.995, while no LSTM unit can exceed
    tanh(1) = 0.762 (|c_1| = |i_1 g_1| < 1); then `reset_gate_fits` and
    `hidden_state_demonstration` (below). `quick` (smoke runs): every fit, from 4 starts of 150 steps.
    """
    rows = check_image_batch(np.asarray(image)[None])
    size = ROW_WIDTH
    rng = np.random.default_rng(seed)
    identity = 10.0 * np.eye(size)  # tanh(10) = 1 - 4e-9: a binary pixel is kept as 0 or 1
    random_block = lambda: rng.normal(0.0, 1.0, (size, size))  # noqa: E731
    results: dict[str, float] = {"sigmoid_minus_bias": float(1.0 / (1.0 + np.exp(SATURATING_BIAS))),
                                 "tanh_10_gap": float(1.0 - np.tanh(10.0)),
                                 "float32_spacing_below_one": float(1.0 - np.nextafter(np.float32(1), np.float32(0)))}
    for label, b in (("", SATURATING_BIAS), ("_weak", WEAK_BIAS)):
        # Q1.1 LSTM: f -> 0, i -> 1, no recurrent input to the candidate: c_t = tanh(W_c x_t + b_c).
        weights = lstm_cell_weights(size, size, kernel={"c": identity}, bias={"i": b, "f": -b, "o": b})
        state = run_internals_cell(LSTMInternalsCell(size), weights, rows)
        results["lstm_store_error" + label] = float(np.abs(state["c"][0] - rows[0]).max())
        # Q1.1 GRU: z -> 0 and r -> 0 (shuts out U_h h_{t-1} even though U_h is random): h_t = tanh(W_h x_t + b_h).
        blocked = random_block()
        weights = gru_cell_weights(size, size, kernel={"h": identity}, recurrent={"h": blocked},
                                   input_bias={"z": -b, "r": -b})
        state = run_internals_cell(GRUInternalsCell(size), weights, rows)
        results["gru_store_error" + label] = float(np.abs(state["h"][0] - rows[0]).max())
        # what leaks through r (times |U_h h|, at most the largest column sum of |U_h|) and z (times |h - candidate| <= 2)
        results["gru_store_leak_bound" + label] = float(1.0 / (1.0 + np.exp(b)) * (np.abs(blocked).sum(0).max() + 2.0))
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
    results["lstm_first_output_bound"] = float(np.tanh(1.0))
    results.update(reset_gate_fits(starts=4, steps=150) if quick else reset_gate_fits())
    results.update(hidden_state_demonstration())
    return results


# Q1.3, GRU -> LSTM beyond the first step: one GRU unit whose reset gate, driven by the current input,
# lets the past into the candidate after a 1 (r = 0.98) and keeps it out after a 0 (r = 0.02).
# Keras layout: kernel (1, 3), recurrent kernel (1, 3), bias (2, 3), blocks z, r, h.
RESET_TARGET_GRU = (np.array([[0.0, 8.0, 0.1]], np.float32), np.array([[0.0, 0.0, -2.0]], np.float32),
                    np.array([[-4.0, -4.0, 0.15], [0.0, 0.0, 0.0]], np.float32))
FIT_LENGTH = 4  # all 2^4 binary sequences; their outputs at steps 1..4 are the 64 targets


def binary_sequences(length: int) -> np.ndarray:
    """Every sequence of 0s and 1s of the given length, (2^length, length, 1), the first one all zeros."""
    codes = np.arange(2 ** length)[:, None] >> np.arange(length - 1, -1, -1)[None]
    return (codes & 1).astype(np.float32)[..., None]


def batched_cell_outputs(kind: str, kernel, recurrent_kernel, bias, sequences) -> tf.Tensor:
    """Outputs h_t of S cells at once, each with its own weights (Keras layouts with a leading S axis).

    kind 'lstm': kernel (S, d, 4n), recurrent_kernel (S, n, 4n), bias (S, 4n), blocks i, f, c, o.
    kind 'gru': kernel (S, d, 3n), recurrent_kernel (S, n, 3n), bias (S, 2, 3n), blocks z, r, h,
    reset_after=True. sequences (N, T, d) -> (S, N, T, n), from zero states. Each step is `cells.lstm_step`
    or `cells.gru_step`, the equations the mirroring cells use.
    """
    starts, units = recurrent_kernel.shape[0], recurrent_kernel.shape[1]
    h = tf.zeros((starts, sequences.shape[0], units))
    c = tf.zeros_like(h)
    outputs = []
    for t in range(sequences.shape[1]):
        from_input = tf.einsum("nd,sdk->snk", sequences[:, t], kernel)
        from_state = tf.einsum("snm,smk->snk", h, recurrent_kernel)
        if kind == "lstm":
            *_, c, h = lstm_step(from_input + from_state + bias[:, None], c)
        else:
            *_, h = gru_step(from_input + bias[:, None, 0], from_state + bias[:, None, 1], h)
        outputs.append(h)
    return tf.stack(outputs, axis=2)


def fit_error_floor(kind: str, width: int, target: np.ndarray, sequences: np.ndarray, starts: int = 64,
                    steps: int = 8000, learning_rate: float = 0.03, seed: int = 0) -> np.ndarray:
    """Fit `starts` cells of `kind` ('lstm' or 'gru') and `width` units, from N(0, 1) weights, by Adam
    on the mean squared error between their first `target.shape[-1]` outputs and `target` (N, T, n).

    Returns each start's root-mean-square error after `steps` steps, (starts,).
    """
    if kind not in ("lstm", "gru"):
        raise ValueError(f"unknown cell kind {kind!r}; use 'lstm' or 'gru'.")
    blocks, outputs = (4 if kind == "lstm" else 3), target.shape[-1]
    if width < outputs:
        raise ValueError(f"a cell of {width} units cannot show {outputs} target outputs; use width >= {outputs}.")
    rng = np.random.default_rng(seed)
    bias_shape = (starts, blocks * width) if kind == "lstm" else (starts, 2, blocks * width)
    weights = [tf.Variable(rng.normal(0.0, 1.0, shape).astype(np.float32)) for shape in
               ((starts, sequences.shape[-1], blocks * width), (starts, width, blocks * width), bias_shape)]
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    optimizer.build(weights)
    sequences, target = tf.constant(sequences), tf.constant(target)

    @tf.function(jit_compile=True)
    def train() -> tf.Tensor:
        squared = tf.zeros((starts,))
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                fitted = batched_cell_outputs(kind, *weights, sequences)[..., :outputs]
                squared = tf.reduce_mean((fitted - target[None]) ** 2, axis=[1, 2, 3])
                loss = tf.reduce_sum(squared)  # the starts do not interact: each gets its own gradient
            optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return squared

    train()
    fitted = batched_cell_outputs(kind, *weights, sequences)[..., :outputs]
    return np.sqrt(np.mean((np.asarray(fitted) - np.asarray(target)[None]) ** 2, axis=(1, 2, 3)))


def reset_gate_fits(widths: tuple[int, ...] = (1, 2, 4), starts: int = 64, steps: int = 8000) -> dict[str, float]:
    """Q1.3 beyond t = 1: fit LSTMs of 1, 2 and 4 units, and a GRU of 1 unit, to the outputs of
    RESET_TARGET_GRU on all binary sequences of length 4 (64 targets). The lowest RMS error over the
    starts is the floor. The GRU-to-GRU fit checks that the procedure can find an exact match."""
    sequences = binary_sequences(FIT_LENGTH)
    target = np.asarray(batched_cell_outputs("gru", *(w[None] for w in RESET_TARGET_GRU), sequences))[0]
    results = {"reset_fit_starts": starts, "reset_fit_steps": steps, "reset_fit_lstm_widths": list(widths),
               "reset_target_largest_output": float(np.abs(target).max())}
    for kind, width in [("gru", 1)] + [("lstm", w) for w in widths]:
        errors = fit_error_floor(kind, width, target, sequences, starts, steps)
        results[f"reset_fit_{kind}_{width}_floor"] = float(errors.min())
        results[f"reset_fit_{kind}_{width}_median"] = float(np.median(errors))
        # how many starts end near the floor: "one floor from every start" needs more than the median
        results[f"reset_fit_{kind}_{width}_within_5_percent"] = float(np.mean(errors <= 1.05 * errors.min()))
    return results


# Q1.3, LSTM -> GRU: a GRU's output is its whole state, so h_{t+1} is a function of (h_t, x_{t+1}).
# This LSTM unit reads a value s at step 1 through input 1 and closes its output gate as s grows, so two
# different s give the same h_1 but different cells c_1; at step 2 a flag on input 2 opens the output
# gate and keeps the cell (f = 1, i = 0), so h_2 = tanh(c_1) tells the two apart.
HIDDEN_STATE_LSTM = lstm_cell_weights(2, 1, kernel={"c": np.array([[1.0], [0.0]]), "o": np.array([[-4.0], [30.0]]),
                                                    "f": np.array([[0.0], [40.0]]), "i": np.array([[0.0], [-40.0]])},
                                      bias={"f": -SATURATING_BIAS, "i": SATURATING_BIAS})


def hidden_state_outputs(values: np.ndarray) -> np.ndarray:
    """HIDDEN_STATE_LSTM's outputs (h_1, h_2) for inputs x_1 = (s, 0), x_2 = (0, 1); values (N,) -> (N, 2)."""
    values = np.asarray(values, np.float32)
    sequences = np.zeros((len(values), 2, 2), np.float32)
    sequences[:, 0, 0], sequences[:, 1, 1] = values, 1.0
    return run_internals_cell(LSTMInternalsCell(1), HIDDEN_STATE_LSTM, sequences)["h"][..., 0]


def hidden_state_demonstration(first: float = 0.15, bracket: tuple[float, float] = (0.3, 1.0)) -> dict[str, float]:
    """Find s2 in `bracket` with h_1(s2) = h_1(first) (Brent's method; h_1 falls on the bracket), and
    report how far apart the two inputs' outputs are at steps 1 and 2."""
    level = hidden_state_outputs(np.array([first]))[0, 0]
    second = brentq(lambda s: float(hidden_state_outputs(np.array([s]))[0, 0] - level), *bracket)
    outputs = hidden_state_outputs(np.array([first, second]))
    ends = hidden_state_outputs(np.array(bracket))[:, 0]  # h_1 above the level at one end, below at the other
    return {"hidden_first_input": first, "hidden_second_input": float(second),
            "hidden_bracket": [float(bracket[0]), float(bracket[1])],
            "hidden_bracket_outputs": [float(ends[0]), float(ends[1])],
            "hidden_first_output": float(outputs[0, 0]),
            "hidden_first_output_gap": float(abs(outputs[0, 0] - outputs[1, 0])),
            "hidden_second_output_gap": float(abs(outputs[0, 1] - outputs[1, 1]))}
