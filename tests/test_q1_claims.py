"""Each Q1 claim in answers.md, checked on the mirroring cells with hand-set weights."""
import numpy as np
import pytest

from hw3.cells import gru_cell_weights, GRUInternalsCell, lstm_cell_weights, LSTMInternalsCell, run_internals_cell
from hw3.q1 import (batched_cell_outputs, binary_sequences, fit_error_floor, HIDDEN_STATE_LSTM, q1_demonstrations,
                    reset_gate_fits, RESET_TARGET_GRU)
from tests.numpy_reference import gru_forward, lstm_forward


@pytest.fixture(scope="module")
def q1(mnist):
    """The Q1 numbers as the smoke run computes them (quick fits), with the reset-gate fits the claims
    below rest on (one GRU unit, one and two LSTM units) at full length: 64 starts of 8,000 steps."""
    return {**q1_demonstrations(mnist.x_test[0], quick=True), **reset_gate_fits(widths=(1, 2))}


def test_saturated_gates_leak_about_two_billionths(q1):
    assert q1["sigmoid_minus_bias"] == pytest.approx(2.0612e-9, rel=1e-3)


def test_float32_numbers_just_below_one_are_two_to_the_minus_24_apart(q1):
    assert q1["float32_spacing_below_one"] == 2.0 ** -24
    assert np.float32(1.0 - q1["sigmoid_minus_bias"]) == 1.0  # sigmoid(20) rounds to exactly 1


def test_q1_1_both_cells_store_the_binary_row_with_saturated_gates(q1):
    assert q1["lstm_store_error"] < 1e-7
    assert q1["gru_store_error"] < 1e-7


def test_q1_1_lstm_store_error_is_the_forget_gate_leak_on_zero_pixels(q1):
    """c_t = sigmoid(-20) * c_{t-1} + 0 on a 0 pixel after a 1 pixel: the error is the leak itself."""
    assert q1["lstm_store_error"] == pytest.approx(q1["sigmoid_minus_bias"], rel=1e-3)


def test_q1_1_gru_store_error_stays_within_the_leak_bound(q1):
    assert q1["gru_store_error"] <= q1["gru_store_leak_bound"] < 1e-6


def test_q1_1_weak_gates_do_not_store_exactly(q1):
    assert q1["lstm_store_error_weak"] > 1e-2
    assert q1["gru_store_error_weak"] > 1e-2


def test_q1_2_both_cells_keep_their_state_for_28_steps(q1):
    assert q1["lstm_copy_drift"] <= q1["lstm_copy_bound"] < 1e-6
    assert q1["gru_copy_drift"] < 1e-6
    assert q1["lstm_copy_drift_weak"] > 0.1 and q1["gru_copy_drift_weak"] > 0.1


def test_q1_3_gru_output_exceeds_every_lstm_first_output(q1):
    assert q1["gru_first_output"] == pytest.approx(np.tanh(3.0) * (1 - q1["sigmoid_minus_bias"]), abs=1e-6)
    assert q1["lstm_first_output_bound"] == pytest.approx(np.tanh(1.0))
    assert q1["gru_first_output"] > q1["lstm_first_output_bound"] + 0.2
    assert "lstm_random_units" not in q1  # a random search proves nothing; the bound is the argument


def test_lstm_store_needs_u_c_zero(mnist):
    """Without U_c = 0 the candidate mixes in the previous output: the state is no longer the row."""
    image = mnist.x_test[:1]
    rng = np.random.default_rng(3)
    weights = lstm_cell_weights(28, 28, kernel={"c": 10 * np.eye(28)},
                                        recurrent={"c": rng.normal(0, 3, (28, 28))},
                                        bias={"i": 20, "f": -20, "o": 20})
    state = run_internals_cell(LSTMInternalsCell(28), weights, image)
    assert np.abs(state["c"][0] - image[0]).max() > 0.1


def test_gru_update_gate_convention_keeps_old_state_when_z_is_one():
    """Keras's z weights the previous state: z = 1 copies, z = 0 takes the candidate."""
    x = np.ones((1, 3, 2), np.float32)
    copy = gru_cell_weights(2, 2, kernel={"h": np.eye(2)}, input_bias={"z": 20})
    take = gru_cell_weights(2, 2, kernel={"h": np.eye(2)}, input_bias={"z": -20})
    h0 = [np.full((1, 2), 0.5, np.float32)]
    assert np.allclose(run_internals_cell(GRUInternalsCell(2), copy, x, h0)["h"], 0.5)
    assert np.allclose(run_internals_cell(GRUInternalsCell(2), take, x, h0)["h"], np.tanh(1.0))


def test_cell_weight_blocks_are_checked():
    with pytest.raises(ValueError, match="unknown gate blocks \\['z'\\]; this cell's blocks are i, f, c, o"):
        lstm_cell_weights(2, 2, bias={"z": 1.0})


def test_binary_sequences_lists_every_sequence_once_in_counting_order():
    sequences = binary_sequences(4)
    assert sequences.shape == (16, 4, 1)
    assert len({tuple(row) for row in sequences[..., 0]}) == 16
    assert sequences[1, :, 0].tolist() == [0, 0, 0, 1] and sequences[8, :, 0].tolist() == [1, 0, 0, 0]


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_batched_cells_match_the_float64_reference_for_each_start(kind):
    rng = np.random.default_rng(5)
    blocks, reference = (4, lstm_forward) if kind == "lstm" else (3, gru_forward)
    bias_shape = (3, blocks * 2) if kind == "lstm" else (3, 2, blocks * 2)
    weights = [rng.normal(0, 1, (3, 1, blocks * 2)), rng.normal(0, 1, (3, 2, blocks * 2)), rng.normal(0, 1, bias_shape)]
    sequences = binary_sequences(3)
    batched = np.asarray(batched_cell_outputs(kind, *(w.astype(np.float32) for w in weights), sequences))
    assert batched.shape == (3, 8, 3, 2)
    for start in range(3):
        expected = reference(sequences.astype(np.float64), *(w[start] for w in weights))["h"]
        np.testing.assert_allclose(batched[start], expected, atol=1e-5)


def test_fit_rejects_unknown_cells_and_too_narrow_ones():
    target = np.zeros((2, 1, 2), np.float32)
    with pytest.raises(ValueError, match="unknown cell kind 'rnn'"):
        fit_error_floor("rnn", 2, target, binary_sequences(1))
    with pytest.raises(ValueError, match="cannot show 2 target outputs"):
        fit_error_floor("lstm", 1, target, binary_sequences(1))


def test_q1_3_reset_target_stays_inside_the_lstm_first_step_range(q1):
    target = gru_forward(binary_sequences(4).astype(np.float64), *RESET_TARGET_GRU)["h"]
    assert np.abs(target).max() == pytest.approx(q1["reset_target_largest_output"], abs=1e-6)
    assert q1["reset_target_largest_output"] < np.tanh(1.0) - 0.05
    reset = gru_forward(binary_sequences(4).astype(np.float64), *RESET_TARGET_GRU)["r"]
    inputs = binary_sequences(4)[..., 0] == 1
    assert reset[inputs].min() > 0.98 and reset[~inputs].max() < 0.02  # the current input drives the reset gate


def test_q1_3_fit_reaches_a_gru_but_not_one_lstm_unit(q1):
    assert q1["reset_fit_gru_1_floor"] < 1e-3  # the procedure can find an exact match
    assert q1["reset_fit_lstm_1_floor"] > 5e-3  # the stated floor for one LSTM unit
    assert q1["reset_fit_lstm_1_floor"] > 30 * q1["reset_fit_gru_1_floor"]
    assert q1["reset_fit_lstm_1_median"] < 1.2 * q1["reset_fit_lstm_1_floor"]  # one floor from every start ...
    assert q1["reset_fit_lstm_1_within_5_percent"] > 0.5  # ... most starts end within 5% of it
    assert q1["reset_fit_lstm_2_floor"] < q1["reset_fit_lstm_1_floor"] / 10  # two units come close


def test_q1_3_lstm_outputs_agree_at_step_one_and_differ_at_step_two(q1):
    """Recomputed in float64: the two inputs give the same h_1, so any GRU gives the same h_2; the LSTM does not."""
    sequences = np.zeros((2, 2, 2))
    sequences[:, 0, 0] = q1["hidden_first_input"], q1["hidden_second_input"]
    sequences[:, 1, 1] = 1.0
    h = lstm_forward(sequences, *(np.asarray(w, np.float64) for w in HIDDEN_STATE_LSTM))["h"][..., 0]
    assert abs(h[0, 0] - h[1, 0]) < 1e-7 and q1["hidden_first_output_gap"] < 1e-7
    assert abs(h[0, 1] - h[1, 1]) > 0.25 and q1["hidden_second_output_gap"] > 0.25
    assert q1["hidden_second_input"] - q1["hidden_first_input"] > 0.2
    low, high = q1["hidden_bracket"]  # the intermediate value theorem's bracket, as the report states it
    assert low < q1["hidden_second_input"] < high
    assert q1["hidden_bracket_outputs"][0] > q1["hidden_first_output"] > q1["hidden_bracket_outputs"][1]



def test_q1_and_the_mirroring_cells_step_through_one_set_of_equations(monkeypatch):
    """The LSTM and GRU equations are written once, in `cells.lstm_step` and `cells.gru_step`: q1's batched
    cells and the mirroring cells (checked against Keras in tests/test_cells.py) both step through them,
    and q1.py applies no gate nonlinearity of its own."""
    import ast
    import inspect

    import hw3.cells
    import hw3.q1

    assert hw3.q1.lstm_step is hw3.cells.lstm_step and hw3.q1.gru_step is hw3.cells.gru_step
    own = [node.attr for node in ast.walk(ast.parse(inspect.getsource(hw3.q1)))
           if isinstance(node, ast.Attribute) and node.attr in ("sigmoid", "tanh", "split")
           and isinstance(node.value, ast.Name) and node.value.id in ("tf", "ops", "nn")]
    assert own == [], "q1.py writes cell equations of its own"
    calls = set()
    for module in (hw3.cells, hw3.q1):
        for name in ("lstm_step", "gru_step"):
            def recorded(*arguments, _step=getattr(hw3.cells, name), _where=(module.__name__, name)):
                calls.add(_where)
                return _step(*arguments)
            monkeypatch.setattr(module, name, recorded)
    sequences = binary_sequences(2)
    for kind, blocks, cell in (("lstm", 4, LSTMInternalsCell(1)), ("gru", 3, GRUInternalsCell(1))):
        bias = np.zeros((1, blocks) if kind == "lstm" else (1, 2, blocks), np.float32)
        batched_cell_outputs(kind, np.ones((1, 1, blocks), np.float32), np.ones((1, 1, blocks), np.float32), bias,
                             sequences)
        run_internals_cell(cell, [w[0] for w in (np.ones((1, 1, blocks), np.float32),) * 2] + [bias[0]], sequences)
    assert calls == {(module, step) for module in ("hw3.cells", "hw3.q1") for step in ("lstm_step", "gru_step")}
