"""Per-step read-out and decision steps, on hand-made inputs and on the trained models."""
import numpy as np
import pytest

from hw3.data import canvas_to_mnist, strokes_to_canvas
from hw3.readout import (decision_step_summary, decision_steps, drawing_readouts, every_step_model, softmax,
                         stepwise_accuracy, stepwise_logits)

TOLERANCE = 1e-5


def logits_from_predictions(predictions):
    """(N, T) class indices -> one-hot logits (N, T, 10)."""
    return np.eye(10)[np.asarray(predictions)] * 5.0


def test_decision_step_is_first_step_after_which_prediction_stays():
    predictions = np.full((4, 28), 3)
    predictions[1, :10] = 7  # settles at step 11
    predictions[2, 26] = 1  # changes at step 27, settles at step 28
    predictions[3, 27] = 4  # final prediction only at the last step
    steps = decision_steps(logits_from_predictions(predictions))
    assert list(steps) == [1, 11, 28, 28]


def test_stepwise_accuracy_counts_per_step():
    predictions = np.zeros((4, 28), dtype=int)
    predictions[:2, -1] = 1
    accuracy = stepwise_accuracy(logits_from_predictions(predictions), np.array([1, 1, 0, 0]))
    assert accuracy.shape == (28,)
    assert accuracy[0] == 0.5 and accuracy[-1] == 1.0
    with pytest.raises(ValueError, match=r"labels \(N,\)"):
        stepwise_accuracy(np.zeros((3, 28, 10)), np.zeros(4))


def test_decision_step_summary_per_class():
    steps = np.array([5, 7, 20, 28])
    labels = np.array([0, 0, 1, 1])
    summary = decision_step_summary(steps, labels, correct=np.array([True, True, True, False]))
    assert summary["per_class"]["0"]["median"] == 6.0
    assert summary["per_class"]["1"]["mean"] == 24.0
    assert summary["per_class"]["5"]["count"] == 0
    assert summary["mean_when_wrong"] == 28.0
    assert summary["share_decided_by_step"]["22"] == 0.75


def test_softmax_rows_sum_to_one():
    probabilities = softmax(np.array([[1000.0, 0.0], [0.0, 0.0]]))
    np.testing.assert_allclose(probabilities.sum(-1), 1.0)
    np.testing.assert_allclose(probabilities[1], [0.5, 0.5])


def test_stepwise_readout_last_step_equals_model_predict(trained_models, mnist):
    images = mnist.x_test[:200]
    for model in trained_models.values():
        step_logits = stepwise_logits(model, images)
        assert step_logits.shape == (200, 28, 10)
        np.testing.assert_allclose(step_logits[:, -1], model.predict(images, verbose=0), atol=TOLERANCE)


def test_every_step_model_keeps_the_requested_layers(trained_models, mnist):
    images = mnist.x_test[:50]
    model = trained_models["gru_1x32"]
    projection = every_step_model(model, layers=0, head=False).predict(images, verbose=0)
    kernel, bias = model.get_layer("input_projection").get_weights()
    np.testing.assert_allclose(projection, images @ kernel + bias, atol=TOLERANCE)  # the affine map, by hand
    outputs, logits = every_step_model(model).predict(images, verbose=0)
    assert outputs.shape == (50, 28, 32) and logits.shape == (50, 28, 10)
    with pytest.raises(ValueError, match="keep all layers with head=True"):
        every_step_model(model, layers=0)


@pytest.mark.parametrize("digit, strokes", [
    (1, [[(150, 30), (130, 250)]]),
    (7, [[(60, 50), (210, 50), (110, 255)]]),
])
def test_drawn_digits_are_read_by_the_committed_models(trained_models, digit, strokes):
    image = canvas_to_mnist(strokes_to_canvas(strokes))
    readers = {name: every_step_model(model) for name, model in trained_models.items()}
    readouts = drawing_readouts(readers, image)
    for name, readout in readouts.items():
        assert readout["prediction"] == digit, (name, readout["prediction"])
        assert readout["probabilities"].shape == (28, 10)
        np.testing.assert_allclose(readout["probabilities"].sum(axis=1), 1.0, rtol=1e-5)
        assert 1 <= readout["decision_step"] <= 28
        assert readout["probabilities"][-1].argmax() == digit


def test_model_accuracy_compares_the_final_prediction_with_the_labels():
    from hw3.readout import model_accuracy

    class Constant:
        def predict(self, images, batch_size=None, verbose=0):
            return np.tile(np.eye(10)[4], (len(images), 1))  # always class 4

    images = np.zeros((4, 28, 28), np.float32)
    assert model_accuracy(Constant(), images, np.array([4, 4, 1, 4])) == 0.75


def test_decision_step_summary_stores_rounded_values_under_the_names_the_report_reads():
    steps = np.array([14, 18, 18, 27, 28, 28])
    labels = np.array([0, 0, 0, 1, 1, 1])  # classes 2..9 absent
    summary = decision_step_summary(steps, labels, correct=np.array([True, True, False, True, True, True]))
    assert set(summary) == {"per_class", "mean", "median", "mean_when_correct", "mean_when_wrong", "share_decided_by_step"}
    assert summary["per_class"]["0"] == {"count": 3, "mean": 16.667, "median": 18.0, "quartiles": [16.0, 18.0]}
    assert summary["per_class"]["5"] == {"count": 0, "mean": None, "median": None, "quartiles": None}
    assert summary["mean"] == 22.167 and summary["median"] == 22.5  # rounded to three decimals
    assert summary["mean_when_correct"] == 23.0 and summary["mean_when_wrong"] == 18.0
    # decided by step t means decision step <= t: 14 counts at 14, 27 at 27, 28 only at 28
    assert summary["share_decided_by_step"] == {"14": 0.1667, "18": 0.5, "22": 0.5, "24": 0.5, "26": 0.5, "27": 0.6667}


def test_decision_step_summary_rounds_the_correct_and_wrong_means_and_leaves_an_empty_group_out():
    """Means with more than three decimals pin the rounding; an all-correct run has no wrong mean
    (None), and quartiles are the 25th and 75th percentiles (0 and 100 make them 25 and 75)."""
    steps = np.array([0, 100, 1, 1, 2])
    labels = np.array([3, 3, 4, 4, 4])
    correct = np.array([False, False, True, True, True])
    summary = decision_step_summary(steps, labels, correct)
    assert summary["per_class"]["3"]["quartiles"] == [25.0, 75.0]
    assert summary["mean_when_correct"] == 1.333 and summary["mean_when_wrong"] == 50.0
    all_right = decision_step_summary(steps[2:], labels[2:], correct[2:])
    assert all_right["mean_when_wrong"] is None and all_right["mean_when_correct"] == 1.333
    all_wrong = decision_step_summary(steps[2:], labels[2:], ~correct[2:])
    assert all_wrong["mean_when_correct"] is None and all_wrong["mean_when_wrong"] == 1.333


def test_softmax_normalizes_the_class_axis_of_a_three_dimensional_array():
    logits = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4) % 5
    expected = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(softmax(logits), expected, rtol=1e-12)
    np.testing.assert_allclose(softmax(logits + 1000.0), expected, rtol=1e-12)  # stable: no overflow


def test_stepwise_accuracy_names_both_shapes_it_got():
    with pytest.raises(ValueError, match=r"got \(2, 28, 10\), \(3,\)"):
        stepwise_accuracy(np.zeros((2, 28, 10)), np.zeros(3))


def test_drawing_readouts_predict_from_the_last_step_and_decide_when_the_prediction_settles():
    """A stand-in reader: class 2 up to step 26, class 5 at step 27, class 8 at step 28."""
    classes = np.array([[2] * 26 + [5, 8]])

    class Reader:
        def predict_on_batch(self, batch):
            assert batch.shape == (1, 28, 28)
            return np.zeros((1, 28, 4)), logits_from_predictions(classes)

    readout = drawing_readouts({"reader": Reader()}, np.zeros((28, 28), np.float32))["reader"]
    assert readout["prediction"] == 8 and readout["decision_step"] == 28
    assert readout["probabilities"].shape == (28, 10) and readout["probabilities"][26].argmax() == 5


def test_readouts_print_nothing(trained_models, mnist, capsys):
    """Keras prints a progress bar per predict call unless verbose=0; the notebook must stay clean."""
    from hw3.readout import model_accuracy, stepwise_readout

    model = trained_models["gru_1x32"]
    model_accuracy(model, mnist.x_test[:20], mnist.y_test[:20])
    stepwise_readout(model, mnist.x_test[:20])
    assert capsys.readouterr().out == ""


def test_every_step_copies_are_named_after_the_model_they_copy(trained_models):
    model = trained_models["gru_1x32"]
    stepwise = every_step_model(model)
    assert stepwise.name == f"{model.name}_stepwise"
    assert every_step_model(model, layers=1, head=False).name == f"{model.name}_first_1_layers"
    originals = [layer.name for layer in model.layers if layer.name != "reading_order"][1:]  # after the input
    assert [layer.name for layer in stepwise.layers[1:]] == [f"{name}_copy" for name in originals]


def test_every_step_model_of_a_variant_reads_the_rows_in_the_variant_order():
    """A bottom-up GRU's every-step copy must apply its reading order: its last step equals the
    model's own prediction, which reading top to bottom would not give."""
    import keras

    from hw3.models import build_model

    keras.utils.set_random_seed(0)
    model = build_model("gru_1x32_bottom_up")
    images = (np.random.default_rng(0).random((8, 28, 28)) > 0.7).astype(np.float32)
    _, logits = every_step_model(model).predict(images, verbose=0)
    np.testing.assert_allclose(logits[:, -1], model.predict(images, verbose=0), atol=TOLERANCE)
    with pytest.raises(ValueError, match="pass steps=28"):
        every_step_model(model, steps=None)
