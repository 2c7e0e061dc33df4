"""The eight configurations, the four GRU variants and the five whole-image baselines."""
import keras
import numpy as np
import pytest

from hw3.models import (BASELINE_NAMES, PERMUTED_ROW_ORDER, SMALL_BASELINE_NAMES, VARIANT_NAMES, build_model,
                        columns_left_to_right, CONFIG_NAMES, model_spec, permute_rows, reading_transform,
                        recurrent_layers, rows_bottom_up, trainable_parameters)


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_configuration_has_the_assignment_architecture(name):
    config = model_spec(name)
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
    with pytest.raises(ValueError, match="recurrent configurations: lstm_1x32, lstm_1x64.*gru_3x32"):
        model_spec(bad)


def test_unknown_model_name_lists_configurations_and_baselines():
    with pytest.raises(ValueError, match="recurrent configurations: .*baselines: linear, mlp, cnn"):
        build_model("transformer")


def test_labels_follow_the_assignment_table():
    assert [model_spec(n).label for n in CONFIG_NAMES[:4]] == [
        "(1 layer, 32 units)", "(1 layer, 64 units)", "(1 layer, 128 units)", "(3 layers, 32 units)"]


# --- Variants: how the image becomes a sequence -------------------------------------------------

def numbered_image():
    """(1, 28, 28): the pixel in row r, column c (from 0) holds 100 r + c, so each value names its place."""
    return (100 * np.arange(28)[:, None] + np.arange(28)[None, :])[None].astype(np.float64)


def test_permuted_rows_put_row_order_i_at_step_i():
    order = np.random.default_rng(0).permutation(28)
    assert PERMUTED_ROW_ORDER.tolist() == order.tolist()
    sequence = permute_rows(numbered_image())[0]
    for step in (0, 1, 27):
        assert sequence[step].tolist() == (100 * order[step] + np.arange(28)).tolist()
    small = permute_rows(numbered_image(), row_order=[2, 0, 1] + list(range(3, 28)))[0]
    assert small[0, 0] == 200 and small[1, 0] == 0 and small[2, 0] == 100  # not the inverse permutation


def test_bottom_up_reads_row_28_first_and_row_1_last():
    sequence = rows_bottom_up(numbered_image())[0]
    assert sequence[0, 5] == 2705 and sequence[1, 5] == 2605 and sequence[27, 5] == 5  # no off-by-one row


def test_columns_reading_is_the_transpose_not_a_flip():
    sequence = columns_left_to_right(numbered_image())[0]
    assert sequence[0, :3].tolist() == [0, 100, 200]  # step 1 reads column 1, top to bottom
    assert sequence[3, 2] == 203  # step 4, third pixel: row 3, column 4


@pytest.mark.parametrize("name", VARIANT_NAMES[:3])
def test_a_variant_model_equals_the_plain_gru_on_transformed_images(name):
    rng = np.random.default_rng(3)
    images = (rng.random((6, 28, 28)) > 0.7).astype(np.float32)
    keras.utils.set_random_seed(1)
    variant, plain = build_model(name), build_model("gru_1x32")
    for layer in plain.layers:
        if layer.get_weights():
            layer.set_weights(variant.get_layer(layer.name).get_weights())
    np.testing.assert_allclose(variant.predict(images, verbose=0),
                               plain.predict(reading_transform(name)(images), verbose=0), atol=1e-6)
    assert trainable_parameters(variant) == trainable_parameters(plain) == 10_026
    assert np.array_equal(reading_transform("gru_1x32")(images), images)
    assert np.array_equal(reading_transform("mlp")(images), images)


def test_tf1_cell_follows_tensorflow_1_conventions():
    layer = recurrent_layers(build_model("gru_1x32_tf1_cell"))[0]
    assert layer.cell.reset_after is False
    bias = layer.get_weights()[2]
    assert bias.shape == (96,) and np.all(bias[:64] == 1.0) and np.all(bias[64:] == 0.0)  # [z, r] at 1, candidate 0
    assert layer.get_config()["recurrent_initializer"]["class_name"] == "GlorotUniform"


@pytest.mark.parametrize("name", SMALL_BASELINE_NAMES)
def test_small_baselines_are_within_ten_percent_of_the_gru_1x32(name):
    parameters = build_model(name).count_params()
    assert abs(parameters - 10_026) <= 0.1 * 10_026, parameters


def test_a_variant_refuses_inputs_of_other_lengths():
    from hw3.readout import every_step_model

    with pytest.raises(ValueError, match="reads exactly 28 steps"):
        every_step_model(build_model("gru_1x32_bottom_up"), steps=None)
    with pytest.raises(ValueError, match="unknown model 'gru_2x7'"):
        model_spec("gru_2x7")
