"""The eight configurations and the three whole-image baselines."""
import keras
import numpy as np
import pytest

from hw3.models import BASELINE_NAMES, build_model, CONFIG_NAMES, get_config, recurrent_layers


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_configuration_has_the_assignment_architecture(name):
    config = get_config(name)
    model = build_model(name)
    recurrent = recurrent_layers(model)
    expected_class = keras.layers.LSTM if config.cell == "lstm" else keras.layers.GRU
    assert len(recurrent) == config.layers
    assert all(isinstance(layer, expected_class) and layer.units == config.units for layer in recurrent)
    assert [layer.return_sequences for layer in recurrent] == [True] * (config.layers - 1) + [False]
    assert model.get_layer("input_projection").units == config.units
    assert model.get_layer("hidden").units == 64
    assert model.get_layer("logits").units == 10
    assert model.output_shape == (None, 10)
    if config.cell == "gru":
        assert all(layer.cell.reset_after for layer in recurrent)


def test_parameter_count_of_gru_1x32_matches_hand_count():
    # projection 28*32+32, GRU 3*(32*32+32*32+2*32), head 32*64+64 and 64*10+10
    expected = (28 * 32 + 32) + 3 * (32 * 32 + 32 * 32 + 2 * 32) + (32 * 64 + 64) + (64 * 10 + 10)
    assert build_model("gru_1x32").count_params() == expected


@pytest.mark.parametrize("name", BASELINE_NAMES)
def test_baselines_map_images_to_logits(name):
    model = build_model(name)
    assert model.predict(np.zeros((2, 28, 28), np.float32), verbose=0).shape == (2, 10)


@pytest.mark.parametrize("bad", ["lstm_2x32", "GRU_1x32", "", None])
def test_unknown_configuration_lists_valid_names(bad):
    with pytest.raises(ValueError, match="valid names: lstm_1x32, lstm_1x64.*gru_3x32"):
        get_config(bad)


def test_unknown_model_name_lists_configurations_and_baselines():
    with pytest.raises(ValueError, match="recurrent configurations: .*baselines: linear, mlp, cnn"):
        build_model("transformer")


def test_labels_follow_the_assignment_table():
    assert [get_config(n).label for n in CONFIG_NAMES[:4]] == [
        "(1 layer, 32 units)", "(1 layer, 64 units)", "(1 layer, 128 units)", "(3 layers, 32 units)"]
