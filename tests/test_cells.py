"""The gate-exposing cells compute exactly what Keras's LSTM and GRU layers compute."""
import keras
import numpy as np
import pytest

from hw3.models import build_model, recurrent_layers
from numpy_reference import gru_forward, lstm_forward
from hw3.readout import copy_layer, stepwise_readout
from hw3.cells import gru_internals, GRUInternalsCell, lstm_internals, LSTMInternalsCell, run_internals_cell

TOLERANCE = 1e-5


def numpy_lstm(x, kernel, recurrent_kernel, bias):
    """Float64 reference of Keras's LSTMCell: all outputs (N, T, units) and the last cell state."""
    parts = lstm_forward(x, kernel, recurrent_kernel, bias)
    return parts["h"], parts["c"][:, -1]


def numpy_gru(x, kernel, recurrent_kernel, bias):
    """Float64 reference of Keras's GRUCell, reset_after=True: all outputs (N, T, units)."""
    return gru_forward(x, kernel, recurrent_kernel, bias)["h"]


def random_layer(kind, units, input_dim, seed):
    """A built-in LSTM/GRU layer with random (not default-initialised) weights, incl. biases."""
    rng = np.random.default_rng(seed)
    layer_class = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    layer = layer_class(units, return_sequences=True, return_state=True)
    layer(keras.Input((28, input_dim)))
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype(np.float32) for w in layer.get_weights()])
    return layer


@pytest.fixture(scope="module")
def sequences():
    return np.random.default_rng(0).normal(0, 1, (64, 28, 20)).astype(np.float32)


@pytest.mark.parametrize("units", [8, 32])
def test_lstm_internals_cell_matches_keras_lstm_and_numpy(sequences, units):
    layer = random_layer("lstm", units, sequences.shape[-1], seed=units)
    keras_h, keras_last_h, keras_last_c = (np.asarray(a) for a in layer(sequences))
    internals = run_internals_cell(LSTMInternalsCell(units), layer.cell.get_weights(), sequences)
    np.testing.assert_allclose(internals["h"], keras_h, atol=TOLERANCE)
    np.testing.assert_allclose(internals["c"][:, -1], keras_last_c, atol=TOLERANCE)
    np.testing.assert_allclose(internals["h"][:, -1], keras_last_h, atol=TOLERANCE)
    reference_h, reference_c = numpy_lstm(sequences.astype(np.float64), *layer.cell.get_weights())
    np.testing.assert_allclose(internals["h"], reference_h, atol=TOLERANCE)
    np.testing.assert_allclose(internals["c"][:, -1], reference_c, atol=TOLERANCE)
    # the exposed parts are consistent with each other: c_t = f c_{t-1} + i g and h_t = o tanh(c_t)
    c_previous = np.concatenate([np.zeros_like(internals["c"][:, :1]), internals["c"][:, :-1]], axis=1)
    np.testing.assert_allclose(internals["c"], internals["f"] * c_previous + internals["i"] * internals["g"],
                               atol=TOLERANCE)
    np.testing.assert_allclose(internals["h"], internals["o"] * np.tanh(internals["c"]), atol=TOLERANCE)


@pytest.mark.parametrize("units", [8, 32])
def test_gru_internals_cell_matches_keras_gru_and_numpy(sequences, units):
    layer = random_layer("gru", units, sequences.shape[-1], seed=100 + units)
    keras_h, keras_last_h = (np.asarray(a) for a in layer(sequences))
    internals = run_internals_cell(GRUInternalsCell(units), layer.cell.get_weights(), sequences)
    np.testing.assert_allclose(internals["h"], keras_h, atol=TOLERANCE)
    np.testing.assert_allclose(internals["h"][:, -1], keras_last_h, atol=TOLERANCE)
    np.testing.assert_allclose(internals["h"], numpy_gru(sequences.astype(np.float64), *layer.cell.get_weights()),
                               atol=TOLERANCE)


def test_a_wrong_mirror_would_be_caught(sequences):
    """The comparison above is sharp: swapping Keras's gate order i, f, c, o breaks it."""
    layer = random_layer("lstm", 8, sequences.shape[-1], seed=7)
    keras_h = np.asarray(layer(sequences)[0])
    kernel, recurrent_kernel, bias = layer.cell.get_weights()
    swap = np.r_[8:16, 0:8, 16:32]  # exchange the i and f blocks
    internals = run_internals_cell(LSTMInternalsCell(8),
                                           [kernel[:, swap], recurrent_kernel[:, swap], bias[swap]], sequences)
    assert np.abs(internals["h"] - keras_h).max() > 1e-2


@pytest.fixture(scope="module")
def test_images(mnist):
    return mnist.x_test[:200]


@pytest.fixture(scope="module", params=["lstm_1x32", "gru_1x32"])
def trained(request, trained_models):
    return request.param, trained_models[request.param]


def test_internals_of_trained_models_match_the_builtin_layers(trained, test_images):
    name, model = trained
    internals = (lstm_internals if name.startswith("lstm") else gru_internals)(model, test_images)
    outputs, step_logits = stepwise_readout(model, test_images)
    np.testing.assert_allclose(internals["h"], outputs, atol=TOLERANCE)
    gates = ("i", "f", "o") if name.startswith("lstm") else ("z", "r")
    for gate in gates:
        assert internals[gate].shape == (200, 28, 32)
        assert internals[gate].min() > 0.0 and internals[gate].max() < 1.0
    if name.startswith("lstm"):
        layer = recurrent_layers(model)[0]
        projected = model.get_layer("input_projection")(test_images)
        _, _, last_c = copy_layer(layer, (28, 32), return_state=True)(projected)
        np.testing.assert_allclose(internals["c"][:, -1], np.asarray(last_c), atol=TOLERANCE)


@pytest.mark.parametrize("name", ["lstm_3x32", "gru_3x32"])
def test_stacked_models_expose_any_layer(name, test_images):
    model = build_model(name)
    function = lstm_internals if name.startswith("lstm") else gru_internals
    outputs, _ = stepwise_readout(model, test_images[:20])
    top = function(model, test_images[:20])
    np.testing.assert_allclose(top["h"], outputs, atol=TOLERANCE)
    bottom = function(model, test_images[:20], layer=0)
    assert not np.allclose(bottom["h"], top["h"])
    with pytest.raises(ValueError, match="layer 3 does not exist: 'lstm_3x32'|layer 3 does not exist: 'gru_3x32'"):
        function(model, test_images[:20], layer=3)


def test_internals_reject_bad_shapes_and_the_wrong_cell(test_images):
    lstm = build_model("lstm_1x32")
    with pytest.raises(ValueError, match=r"shaped \(N, 28, 28\); got \(28, 28\)"):
        lstm_internals(lstm, test_images[0])
    with pytest.raises(ValueError, match="not a GRU model; use lstm_internals"):
        gru_internals(lstm, test_images[:2])
    with pytest.raises(ValueError, match="has no LSTM or GRU layer"):
        lstm_internals(build_model("mlp"), test_images[:2])
    with pytest.raises(ValueError, match="do not fit the cell"):
        run_internals_cell(LSTMInternalsCell(4), [np.zeros((3, 16))] * 3, np.zeros((1, 5, 3)))
