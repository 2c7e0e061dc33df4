"""The Q3 controls on hand-made inputs whose answers are known by construction."""
import json

import keras
import numpy as np
import pytest

from hw3.controls import (bottom_up_ink_end_steps, confusion_matrix, decision_after_ink, extra_row_summary,
                          horizontal_shift_experiment, ink_pushed_out,
                          padded_step_logits, readout_after_ink_fixed_subset, readout_at_last_ink,
                          readout_by_steps_after, readout_by_steps_after_ink, readout_class_shares,
                          row_occlusion_accuracy, shift_columns, shift_rows, with_blank_rows)
from hw3.data import first_ink_rows, last_ink_rows
from hw3.readout import stepwise_logits
from hw3.settings import SEQUENCE_LENGTH, RunSettings


def image_with_ink(rows):
    image = np.zeros((28, 28), np.float32)
    for row in rows:  # rows counted 1..28
        image[row - 1, 10] = 1.0
    return image


def logits_choosing(classes_per_step):
    """(N, T, 10) logits whose argmax at each step is the given class."""
    classes = np.asarray(classes_per_step)
    return np.eye(10)[classes] * 5.0


def test_readout_at_last_ink_reads_each_image_at_its_own_step():
    images = np.stack([image_with_ink([5, 12]), image_with_ink([20])])
    labels = np.array([3, 8])
    wrong = np.zeros((2, 28), int)  # class 0 everywhere, the right class only at steps 12 and 20
    wrong[0, 11], wrong[1, 19] = 3, 8
    assert readout_at_last_ink(logits_choosing(wrong), images, labels) == 1.0
    early = np.zeros((2, 28), int)
    early[0, 10], early[1, 18] = 3, 8  # right one step before the ink ends
    assert readout_at_last_ink(logits_choosing(early), images, labels) == 0.0


def test_readout_by_steps_after_ink_counts_only_existing_steps():
    images = np.stack([image_with_ink([10]), image_with_ink([27])])
    labels = np.array([4, 4])
    classes = np.zeros((2, 28), int)
    classes[0, 10 + 2 - 1] = 4  # image 0 right at L + 2 = 12
    classes[1, 27 + 1 - 1] = 4  # image 1 right at L + 1 = 28
    curve = readout_by_steps_after_ink(logits_choosing(classes), images, labels, offsets=[-1, 0, 1, 2])
    assert curve == {"-1": 0.0, "0": 0.0, "1": 0.5, "2": 1.0}  # step 29 does not exist for image 1


def test_shift_moves_rows_and_fills_with_blank_rows():
    image = image_with_ink([1, 28])
    down = shift_rows(image[None], 2)[0]
    assert last_ink_rows(down[None]).tolist() == [3] and down[2, 10] == 1 and down[:2].sum() == 0
    up = shift_rows(image[None], -1)[0]
    assert up[26, 10] == 1 and up[27].sum() == 0 and up.sum() == 1
    with pytest.raises(ValueError, match="moves the whole image out"):
        shift_rows(image[None], 28)


def test_ink_pushed_out_counts_pixels_and_images():
    images = np.stack([image_with_ink([5, 28]), image_with_ink([5, 6])])
    lost = ink_pushed_out(images, 1)
    assert lost == {"ink_share": 0.25, "image_share": 0.5}
    assert ink_pushed_out(images, -5)["ink_share"] == 0.5  # rows 1..5 leave the top: both row-5 pixels


def test_blank_rows_are_appended_after_row_28():
    padded = with_blank_rows(image_with_ink([28])[None], 3)
    assert padded.shape == (1, 31, 28) and padded[0, 27, 10] == 1 and padded[0, 28:].sum() == 0


def test_confusion_matrix_rows_are_true_classes():
    matrix = confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]))
    assert matrix[1, 0] == 1 and matrix[0, 1] == 0 and matrix.trace() == 2 and matrix.shape == (10, 10)


def test_readout_class_shares_per_step():
    classes = np.zeros((4, 28), int)
    classes[:, 3] = 7  # step 4: every image read as 7
    classes[:2, 7] = 2  # step 8: half read as 2
    shares = readout_class_shares(logits_choosing(classes), steps=[4, 8])
    assert shares["4"][7] == 1.0 and shares["8"][2] == 0.5 and shares["8"][0] == 0.5


def test_readout_class_shares_are_rounded_to_four_decimals():
    classes = np.zeros((3, 28), int)
    classes[0, 3] = 1  # step 4: one image of three read as 1
    assert readout_class_shares(logits_choosing(classes), steps=[4]) == {"4": [0.6667, 0.3333] + [0.0] * 8}


def test_decision_after_ink_is_decision_step_minus_last_ink_row():
    images = np.stack([image_with_ink([18]), image_with_ink([25])])
    classes = np.zeros((2, 28), int)
    classes[0, 19:] = 5  # decided at step 20, two steps after its ink (L = 18)
    classes[1, 21:] = 5  # decided at step 22, three steps before its ink ends (L = 25)
    per_class = decision_after_ink(logits_choosing(classes), images, np.array([5, 5]))
    assert per_class["5"]["median_steps_after_ink"] == pytest.approx(-0.5)
    assert per_class["5"]["share_decided_before_ink_ends"] == 0.5
    assert per_class["5"]["median_decision_step"] == 21.0 and per_class["5"]["median_last_ink_row"] == 21.5


def test_row_occlusion_finds_the_row_a_model_reads():
    """A model that says 0 when row 5 has ink, else 1: blanking row 5 (index 4) alone breaks it."""
    inputs = keras.Input(shape=(28, 28))
    row_five = keras.layers.Lambda(lambda x: keras.ops.sum(x[:, 4, :], axis=-1, keepdims=True))(inputs)
    logits = keras.layers.Lambda(lambda s: keras.ops.concatenate([s, 0.5 + 0.0 * s], axis=-1))(row_five)
    model = keras.Model(inputs, logits)
    images = np.stack([image_with_ink([5, 9]), image_with_ink([5])])
    accuracy = row_occlusion_accuracy(model, images, np.array([0, 0]))
    assert len(accuracy) == 28 and accuracy[4] == 0.0 and sum(accuracy) == 27.0


def test_padded_readout_after_zero_extra_rows_is_the_ordinary_readout(trained_models, mnist):
    model = trained_models["gru_1x32"]
    images = mnist.x_test[:50]
    padded = padded_step_logits(model, images, extra=2)
    assert padded.shape == (50, 30, 10)
    np.testing.assert_allclose(padded[:, :28], stepwise_logits(model, images), atol=1e-4)


def test_control_readouts_print_nothing(trained_models, mnist, capsys):
    """Keras prints a progress bar per predict call unless verbose=0; the notebook must stay clean."""
    from hw3.controls import accuracy_by_shift

    model, images, labels = trained_models["gru_1x32"], mnist.x_test[:20], mnist.y_test[:20]
    padded_step_logits(model, images, extra=1)
    row_occlusion_accuracy(model, images, labels, rows_per_call=14)
    accuracy_by_shift(model, images, labels, shifts=(0, 1))
    assert capsys.readouterr().out == ""


def test_extra_row_summary_across_models():
    rows = {"a": {"0": {"0": 0.97, "3": 0.95, "4": 0.90}, "4": {"0": 0.50, "3": 0.96}},
            "b": {"0": {"0": 0.98, "3": 0.97, "4": 0.96}, "4": {"0": 0.90, "3": 0.95}}}
    summary = extra_row_summary(rows)
    assert summary["smallest_regain"] == pytest.approx(0.05) and summary["largest_regain"] == pytest.approx(0.46)
    assert summary["largest_remaining_gap"] == pytest.approx(0.03)  # b: 0.98 - 0.95
    assert summary["smallest_loss_unshifted"] == pytest.approx(0.02)
    assert summary["largest_loss_unshifted"] == pytest.approx(0.07)


# --- Horizontal shifts, the bottom-up reader, the fixed-subset curve -----------------------------

def test_shift_columns_moves_ink_right_for_positive_shifts_and_left_for_negative():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 4, 10] = 1.0
    image[0, 9, 0] = 1.0  # the first column: pushed out by any left shift
    assert np.argwhere(shift_columns(image, 3)[0]).tolist() == [[4, 13], [9, 3]]
    assert np.argwhere(shift_columns(image, -1)[0]).tolist() == [[4, 9]]
    assert np.array_equal(shift_columns(image, 0), image)
    assert ink_pushed_out(image, -1, "columns") == {"ink_share": 0.5, "image_share": 1.0}
    assert ink_pushed_out(image, -1, "rows") == {"ink_share": 0.0, "image_share": 0.0}  # rows 4 and 9 stay
    with pytest.raises(ValueError, match="28 columns|whole image"):
        shift_columns(image, 28)


def test_the_bottom_up_end_of_ink_is_step_29_minus_the_first_ink_row():
    images = np.stack([image_with_ink([5, 20]), np.zeros((28, 28), np.float32), image_with_ink([1]), image_with_ink([28])])
    assert bottom_up_ink_end_steps(images).tolist() == [24, 0, 28, 1]  # row 28 is read at step 1


def test_readout_by_steps_after_counts_only_existing_steps():
    labels = np.array([1, 2])
    classes = np.zeros((2, 28), int)
    classes[0, 27], classes[1, 0] = 1, 2  # right only at step 28 (image 0) and at step 1 (image 1)
    curve = readout_by_steps_after(logits_choosing(classes), np.array([26, 3]), labels, offsets=(-2, 2))
    # -2: image 0 at step 24 (wrong), image 1 at step 1, the first step (right); +2: image 0 at step 28,
    # the last step (right), image 1 at step 5 (wrong). Dropping either end step would give 0.0.
    assert curve == {"-2": 0.5, "2": 0.5}
    assert readout_by_steps_after(logits_choosing(classes), np.array([26, 3]), labels, offsets=(3,)) == {"3": 0.0}
    assert np.isnan(readout_by_steps_after(logits_choosing(classes), np.array([0, 0]), labels, offsets=(0,))["0"])


def test_fixed_subset_keeps_the_same_images_at_every_offset():
    images = np.stack([image_with_ink([22]), image_with_ink([23]), image_with_ink([7]), image_with_ink([6])])
    labels = np.array([4, 4, 4, 4])
    classes = np.full((4, 28), 4)
    classes[0, 21 + 6] = 0  # image 0 (L = 22) is wrong at step 28 = L + 6 only
    result = readout_after_ink_fixed_subset(logits_choosing(classes), images, labels, largest_last_row=22)
    assert result["images"] == 2  # L = 22 and L = 7 kept; L = 23 (too late) and L = 6 (too early) left out
    assert result["curve"]["6"] == 0.5 and result["curve"]["-6"] == 1.0 and result["curve"]["0"] == 1.0


class ColumnReader:
    """A stand-in model: predicts the column (mod 10) of an image's first ink pixel in row 1."""

    def predict(self, images, batch_size=None, verbose=0):
        columns = np.argmax(images[:, 0] > 0, axis=1) % 10
        return np.eye(10)[columns]

    def get_weights(self):
        return [np.zeros(1)]


def test_accuracy_by_shift_keeps_each_shift_with_its_own_block_of_images():
    """First ink rows 3, 5 and 7, read as that row mod 10: moved one row down the first and last are
    right (2 of 3), unmoved the second (1 of 3); mixing up blocks or images, or moving the wrong way,
    changes the answer. All 4 x 3 moved copies go through the model in one call."""
    import hw3.controls as controls

    calls = []
    images = np.stack([image_with_ink([3]), image_with_ink([5]), image_with_ink([7])])
    result = controls.accuracy_by_shift(CountingFirstInkRowReader(calls), images, [4, 5, 8], shifts=(-1, 0, 1, 2))
    assert result == {"-1": 0.0, "0": 1 / 3, "1": 2 / 3, "2": 0.0}
    assert calls == [12]


def test_accuracy_by_shift_moves_columns_when_asked_and_names_a_wrong_direction():
    images = np.zeros((2, 28, 28), np.float32)
    images[:, 0, 3] = 1.0  # read as column index 3; moved 2 columns right it reads 5
    from hw3.controls import accuracy_by_shift

    assert accuracy_by_shift(ColumnReader(), images, np.array([5, 5]), "columns", shifts=(-2, 2)) == {"-2": 0.0, "2": 1.0}
    # rows by default: one row down leaves row 1 blank, read as column 0 (moved one column it reads 4)
    assert accuracy_by_shift(ColumnReader(), images, np.array([0, 0]), shifts=(1,)) == {"1": 1.0}
    with pytest.raises(ValueError, match="direction must be 'rows' or 'columns'; got 'diagonal'"):
        accuracy_by_shift(ColumnReader(), images, np.array([5, 5]), "diagonal")


def test_horizontal_shift_experiment_moves_columns_in_the_named_direction(tmp_path):
    images = np.zeros((2, 28, 28), np.float32)
    images[:, 0, 3] = 1.0
    labels = np.array([5, 5])  # right only when the ink sits in column 5 (index 5): a shift of +2
    result = horizontal_shift_experiment({"reader": ColumnReader()}, images, labels,
                                         RunSettings(smoke=True, output_dir=tmp_path))
    assert result["accuracy"]["reader"]["2"] == 1.0 and result["accuracy"]["reader"]["-2"] == 0.0
    assert result["ink_pushed_out"]["-4"]["ink_share"] == 1.0 and result["ink_pushed_out"]["-3"]["ink_share"] == 0.0


def test_extra_blank_rows_are_read_after_exactly_28_plus_k_steps(monkeypatch):
    """A stand-in read-out that is right only at step 28 + k for shift s = k: reading one step early
    or late would give 0 instead of 1. The stand-ins check that the one reader, built for any input
    length from this model, is what reads every shift."""
    import hw3.controls as controls

    labels = np.array([3, 3])
    model, reader = object(), object()

    def build_reader(given, steps=SEQUENCE_LENGTH):
        assert given is model and steps is None
        return reader

    def padded(given, images, extra, given_reader):
        assert given is model and given_reader is reader
        shift = int(np.argmax(images[0].any(axis=1))) - 10  # the ink row moved from row 11 tells the shift
        classes = np.zeros((2, 28 + extra), int)
        classes[:, 27 + max(shift, 0)] = 3
        return logits_choosing(classes)

    monkeypatch.setattr(controls, "padded_step_logits", padded)
    monkeypatch.setattr(controls, "every_step_model", build_reader)
    images = np.stack([image_with_ink([11]), image_with_ink([11])])
    result = controls.shift_and_blank_row_accuracy(model, images, labels, shifts=(0, 2), extra=3)
    assert result == {"0": [1.0, 0.0, 0.0, 0.0], "2": [0.0, 0.0, 1.0, 0.0]}


def test_blank_row_readout_scores_each_image_against_its_own_label(monkeypatch):
    """Image 0 is read as 0 (label 3) and image 1 as 4 (label 4) at every step: accuracy 0.5, which a
    flattened argmax (image 0's class for both) would make 0."""
    import hw3.controls as controls

    classes = np.zeros((2, 28 + 1), int)
    classes[1] = 4
    monkeypatch.setattr(controls, "every_step_model", lambda model, steps=None: object())
    monkeypatch.setattr(controls, "padded_step_logits", lambda model, images, extra, reader: logits_choosing(classes))
    result = controls.shift_and_blank_row_accuracy(object(), np.zeros((2, 28, 28), np.float32), np.array([3, 4]),
                                                   shifts=(0,), extra=1)
    assert result == {"0": [0.5, 0.5]}


def test_readout_after_the_ink_leaves_out_blank_images_and_keeps_ink_ending_at_step_1():
    """A blank image (end 0) must not count at k = +1 (step 1 exists); an image whose ink ends at
    step 1 must count at k = 0."""
    labels = np.array([5, 6])
    classes = np.zeros((2, 28), int)
    classes[0, 0] = 5  # image 0 (ink ends at step 1) is right at step 1; the blank image 1 is wrong everywhere
    curve = readout_by_steps_after(logits_choosing(classes), np.array([1, 0]), labels, offsets=(0, 1))
    assert curve["0"] == 1.0  # image 0 counted at step 1, the blank image left out
    assert curve["1"] == 0.0  # only image 0, at step 2 (wrong); counting the blank image at step 1 changes nothing ...
    classes[1, 0] = 6  # ... unless the blank image is right there: still left out
    assert readout_by_steps_after(logits_choosing(classes), np.array([1, 0]), labels, offsets=(1,))["1"] == 0.0


class FirstInkRowReader:
    """A stand-in model for images (N, 28, 28): predicts class F mod 10, F the first ink row (1..28)."""

    def predict(self, images, batch_size=None, verbose=0):
        return np.eye(10)[first_ink_rows(images) % 10]

    def get_weights(self):
        return [np.ones(1)]


class CountingFirstInkRowReader(FirstInkRowReader):
    """The same stand-in, appending the number of images of each predict call to `calls`."""

    def __init__(self, calls: list):
        self.calls = calls

    def predict(self, images, batch_size=None, verbose=0):
        self.calls.append(len(images))
        return super().predict(images)


class StepwiseStandIn:
    """A stand-in every-step reader for sequences (N, T, 28): at step t it predicts class (F + t) mod
    10, F the first ink row of the sequence, so the step a read-out uses and the shift both show."""

    def predict(self, sequences, batch_size=None, verbose=0):
        first = np.argmax(sequences.any(axis=2), axis=1) + 1  # (N,)
        steps = np.arange(1, sequences.shape[1] + 1)
        return np.zeros(sequences.shape[:2] + (1,)), logits_choosing((first[:, None] + steps[None]) % 10)


def test_shift_experiment_reads_shifted_digits_at_step_28_plus_k_and_moves_them_down_for_positive_shifts(
        tmp_path, monkeypatch):
    """One digit with ink in rows 11 and 27, label 3. The recurrent stand-in at step 28 + k reads
    (11 + s + 28 + k) mod 10, right exactly when s + k = 4; the baseline reads 11 + s, right at s = 2.
    Moving down by 2 or more pushes row 27 (half the ink) out of the frame."""
    import hw3.controls as controls

    recurrent = FirstInkRowReader()

    def build_reader(model, steps=SEQUENCE_LENGTH):
        assert model is recurrent and steps is None
        return StepwiseStandIn()

    monkeypatch.setattr(controls, "every_step_model", build_reader)
    images = image_with_ink([11, 27])[None]
    result = controls.shift_experiment({"recurrent": recurrent}, {"baseline": FirstInkRowReader()},
                                       images, np.array([3]), RunSettings(smoke=True, output_dir=tmp_path))
    shifts = [str(s) for s in controls.SHIFTS]
    assert set(result) == {"ink_pushed_out", "shift", "extra_blank_rows"}
    assert result["shift"]["recurrent"] == {s: float(s == "4") for s in shifts}
    assert result["shift"]["baseline"] == {s: float(s == "2") for s in shifts}
    assert result["extra_blank_rows"]["recurrent"] == {
        s: {str(k): float(int(s) + k == 4) for k in range(controls.EXTRA_BLANK_ROWS + 1)} for s in shifts}
    assert [result["ink_pushed_out"][s]["ink_share"] for s in shifts] == [0.0] * 6 + [0.5] * 3
    assert set(result["extra_blank_rows"]) == {"recurrent"}  # the baseline reads no extra rows


def test_occlusion_experiment_blanks_each_row_once_per_model(tmp_path):
    """The stand-in reads the first ink row: blanking row 5 of a digit in rows 5 and 9 makes it read 9."""
    from hw3.controls import occlusion_experiment

    images = np.stack([image_with_ink([5, 9]), image_with_ink([5, 9])])
    result = occlusion_experiment({"reader": FirstInkRowReader()}, images, np.array([5, 5]),
                                  RunSettings(smoke=True, output_dir=tmp_path))
    assert result == {"reader": [1.0] * 4 + [0.0] + [1.0] * 23}


@pytest.mark.parametrize("experiment", ["shift", "horizontal_shift", "occlusion"])
def test_cached_experiments_recompute_when_the_images_change(experiment, tmp_path, monkeypatch):
    """Same models, same output folder: other ink (same count) or one more image (same ink) must
    not be answered from the cache; the same images must."""
    import hw3.controls as controls

    calls = []

    class CountingStepwise(StepwiseStandIn):
        def predict(self, sequences, batch_size=None, verbose=0):
            calls.append(len(sequences))
            return super().predict(sequences)

    monkeypatch.setattr(controls, "every_step_model", lambda model, steps=None: CountingStepwise())
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    models = {"reader": CountingFirstInkRowReader(calls)}

    def computed(images) -> bool:
        before = len(calls)
        labels = np.full(len(images), 3)
        if experiment == "shift":
            controls.shift_experiment(models, {}, images, labels, settings)
        elif experiment == "horizontal_shift":
            controls.horizontal_shift_experiment(models, images, labels, settings)
        else:
            controls.occlusion_experiment(models, images, labels, settings)
        return len(calls) > before

    assert computed(image_with_ink([11])[None])
    assert not computed(image_with_ink([11])[None])  # the same images: from the cache
    assert computed(image_with_ink([3, 11])[None])  # more ink
    assert not computed(image_with_ink([3, 11])[None])
    one_more = np.stack([image_with_ink([3, 11]), np.zeros((28, 28), np.float32)])  # same ink, one more image
    assert computed(one_more)
    assert computed(one_more[:, :, ::-1])  # the same ink, mirrored: other images
    assert list(json.loads(settings.analysis_cache_path.read_text())) == [f"{experiment}_experiment"]


def test_readout_at_last_ink_leaves_out_a_blank_image_and_keeps_ink_in_row_1():
    """A blank image (L = 0) right at step 28 must not count; an image whose only ink is row 1 is
    read at step 1."""
    images = np.stack([image_with_ink([1]), np.zeros((28, 28), np.float32)])
    classes = np.zeros((2, 28), int)
    classes[0, 0] = 6  # image 0 right at step 1 only
    classes[1, 27] = 2  # the blank image right at step 28
    assert readout_at_last_ink(logits_choosing(classes), images, np.array([6, 2])) == 1.0
    classes[1, 27] = 0
    assert readout_at_last_ink(logits_choosing(classes), images, np.array([6, 2])) == 1.0


def test_fixed_subset_defaults_to_last_rows_up_to_22_and_rejects_offsets_past_the_last_step():
    images = np.stack([image_with_ink([22]), image_with_ink([23])])
    classes = np.full((2, 28), 4)
    result = readout_after_ink_fixed_subset(logits_choosing(classes), images, np.array([4, 4]))
    assert result["images"] == 1 and set(result["curve"]) == {str(k) for k in range(-6, 7)}
    small = readout_after_ink_fixed_subset(logits_choosing(classes), images, np.array([4, 4]), offsets=(-1, 0, 1))
    assert set(small["curve"]) == {"-1", "0", "1"}
    with pytest.raises(ValueError, match="L <= 23 with k up to 6 reaches past step 28"):
        readout_after_ink_fixed_subset(logits_choosing(classes), images, np.array([4, 4]), largest_last_row=23)
    assert readout_after_ink_fixed_subset(logits_choosing(classes), images, np.array([4, 4]), largest_last_row=23,
                                          offsets=(-6, 5))["images"] == 2  # 23 + 5 = 28 is the last step: allowed


def test_readout_class_shares_list_all_ten_classes_even_when_high_classes_are_absent():
    classes = np.zeros((4, 28), int)
    classes[:1, 3] = 3  # step 4: one image read as 3, three as 0; classes 4..9 never read
    shares = readout_class_shares(logits_choosing(classes), steps=[4])
    assert shares == {"4": [0.75, 0.0, 0.0, 0.25] + [0.0] * 6}
    assert list(readout_class_shares(logits_choosing(classes))) == ["4", "8", "12", "16", "20", "24", "28"]


def test_shift_errors_name_the_axis_and_the_direction_names_its_choices():
    image = image_with_ink([5])[None]
    with pytest.raises(ValueError, match="a shift of -28 rows moves the whole image out of the frame; use .shift. < 28"):
        shift_rows(image, -28)
    with pytest.raises(ValueError, match="a shift of 30 columns moves"):
        shift_columns(image, 30)
    with pytest.raises(ValueError, match="direction must be 'rows' or 'columns'; got 'diagonal'"):
        ink_pushed_out(image, 1, "diagonal")


def test_a_decision_at_the_last_ink_row_is_not_before_the_ink_ends():
    """Three sevens with L = 20, decided at steps 19 (before), 20 (at L: not before) and 21."""
    images = np.stack([image_with_ink([20])] * 3)
    classes = np.zeros((3, 28), int)
    for index, step in enumerate([19, 20, 21]):
        classes[index, step - 1:] = 7
    per_class = decision_after_ink(logits_choosing(classes), images, np.array([7, 7, 7]))
    assert per_class["7"]["share_decided_before_ink_ends"] == 0.3333  # one of three, four decimals
    assert list(per_class) == ["7"]  # classes absent from the labels are left out


def test_decision_against_ink_counts_a_tie_as_not_before_and_adds_an_entry_over_every_image():
    images = np.stack([image_with_ink([12]), image_with_ink([12]), image_with_ink([5, 20])])  # L = 12, 12, 20
    labels = np.array([1, 1, 2])
    classes = np.zeros((3, 28), int)
    classes[0, 11:] = 1  # decided at step 12 = L: a tie
    classes[1, 10:] = 1  # decided at step 11 < L
    classes[2, 24:] = 2  # decided at step 25, five steps after L = 20
    result = decision_after_ink(logits_choosing(classes), images, labels, include_all=True)
    assert result["1"] == {"median_decision_step": 11.5, "median_last_ink_row": 12.0, "median_steps_after_ink": -0.5,
                           "share_decided_before_ink_ends": 0.5}
    assert result["2"]["median_steps_after_ink"] == 5.0 and result["2"]["share_decided_before_ink_ends"] == 0.0
    assert result["all"] == {"median_decision_step": 12.0, "median_last_ink_row": 12.0, "median_steps_after_ink": 0.0,
                             "share_decided_before_ink_ends": 0.3333}
    assert "all" not in decision_after_ink(logits_choosing(classes), images, labels)


def test_appended_blank_row_accuracy_reads_step_28_plus_k_of_one_padded_pass(monkeypatch):
    import hw3.controls as controls

    calls = []

    def step_logits_naming_the_step(model, images, extra, reader=None):  # class at step t (1..36) is t % 10
        calls.append(extra)
        return logits_choosing(np.tile(np.arange(1, 29 + extra) % 10, (len(images), 1)))

    monkeypatch.setattr(controls, "padded_step_logits", step_logits_naming_the_step)
    images = np.zeros((2, 28, 28), np.float32)
    result = controls.appended_blank_row_accuracy(None, images, np.array([0, 0]), extra=8)
    assert calls == [8] and list(result) == [str(k) for k in range(9)]
    assert [k for k, value in result.items() if value == 1.0] == ["2"]  # step 30 names class 0: k = 2, not 1 or 3
    assert result["0"] == 0.0


def test_appended_blank_rows_follow_the_image_and_leave_its_rows_alone():
    image = image_with_ink([1, 28])[None]
    padded = with_blank_rows(image, 3)
    assert padded.shape == (1, 31, 28)
    assert np.array_equal(padded[0, :28], image[0]) and padded[0, 28:].sum() == 0  # appended, not prepended
