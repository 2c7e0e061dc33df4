"""Each Q1 claim in answers.md, checked on the mirroring cells with hand-set weights."""
import numpy as np
import pytest

from hw3.cells import gru_cell_weights, GRUInternalsCell, lstm_cell_weights, LSTMInternalsCell, run_internals_cell
from hw3.q1 import q1_demonstrations


@pytest.fixture(scope="module")
def q1(mnist):
    return q1_demonstrations(mnist.x_test[0])


def test_saturated_gates_leak_about_two_billionths(q1):
    assert q1["sigmoid_minus_bias"] == pytest.approx(2.0612e-9, rel=1e-3)


def test_q1_1_both_cells_store_the_binary_row_with_saturated_gates(q1):
    assert q1["lstm_store_error"] < 1e-7
    assert q1["gru_store_error"] < 1e-7


def test_q1_1_weak_gates_do_not_store_exactly(q1):
    assert q1["lstm_store_error_weak"] > 1e-2
    assert q1["gru_store_error_weak"] > 1e-2


def test_q1_2_both_cells_keep_their_state_for_28_steps(q1):
    assert q1["lstm_copy_drift"] <= q1["lstm_copy_bound"] < 1e-6
    assert q1["gru_copy_drift"] < 1e-6
    assert q1["lstm_copy_drift_weak"] > 0.1 and q1["gru_copy_drift_weak"] > 0.1


def test_q1_3_gru_output_exceeds_every_lstm_first_output(q1):
    assert q1["gru_first_output"] == pytest.approx(np.tanh(3.0) * (1 - q1["sigmoid_minus_bias"]), abs=1e-6)
    assert q1["lstm_random_units"] == 20_000
    assert q1["lstm_largest_first_output"] <= np.tanh(1.0) + 1e-6  # float32 rounding of tanh(1)
    assert q1["lstm_largest_first_output"] > 0.75  # the random search does reach the bound
    assert q1["gru_first_output"] > q1["lstm_largest_first_output"] + 0.2


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
