"""The deciding experiment of Q3.3 (hw3/appended_rows.py): the head against a probe fitted after the
last row and a probe fitted again after each appended blank row, on toy states whose answer is known."""
import numpy as np
import pytest

from hw3.appended_rows import state_after_blank_rows_accuracies, states_and_logits_with_blank_rows
from hw3.readout import stepwise_readout

LAST_ROW = 2  # a two-step toy: steps 1-2 are the "image", steps 3-5 the appended rows k = 1..3
CLASSES = 10


def one_hot(classes):
    return np.eye(CLASSES, dtype=np.float32)[classes]


def toy_states(labels, rng):
    """(N, 5, 10) states: step 1 noise; step 2 (the last row) the label one-hot; step 3 (k = 1) the
    label + 1 one-hot; step 4 (k = 2) noise; step 5 (k = 3) the label + 3 one-hot."""
    noise = lambda: rng.normal(0, 1, (len(labels), CLASSES)).astype(np.float32)  # noqa: E731
    small = lambda: rng.normal(0, 0.05, (len(labels), CLASSES)).astype(np.float32)  # noqa: E731
    steps = [noise(), 3 * one_hot(labels) + small(), 3 * one_hot((labels + 1) % CLASSES) + small(), noise(),
             3 * one_hot((labels + 3) % CLASSES) + small()]
    return np.stack(steps, axis=1)


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(0)
    labels = {split: np.arange(size) % CLASSES for split, size in (("train", 300), ("validation", 100), ("test", 200))}
    states = {split: toy_states(y, rng) for split, y in labels.items()}
    # The head names the label at step 3 (k = 1) only, and the label + 5 at every other step.
    test_logits = np.stack([one_hot((labels["test"] + 5) % CLASSES)] * 5, axis=1)
    test_logits[:, LAST_ROW] = one_hot(labels["test"])
    return state_after_blank_rows_accuracies(states, labels, test_logits, last_row=LAST_ROW)


def test_one_entry_per_appended_row_count_with_the_three_read_outs(toy):
    assert list(toy) == ["0", "1", "2", "3"]
    assert all(set(entry) == {"head", "probe_fit_at_28", "probe_refit"} for entry in toy.values())


def test_the_head_is_read_after_the_last_row_plus_k(toy):
    assert [toy[k]["head"] for k in toy] == [0.0, 1.0, 0.0, 0.0]


def test_the_refit_probe_reads_the_state_after_the_last_row_plus_k(toy):
    refit = [toy[k]["probe_refit"] for k in toy]
    assert refit[0] == refit[1] == refit[3] == 1.0  # the class is there, in a different code each time
    assert refit[2] < 0.4  # step 4 holds only noise; reading step 3 or 5 instead would give 1.0


def test_the_fixed_probe_was_fitted_after_the_last_row_and_reads_each_later_state(toy):
    fixed = [toy[k]["probe_fit_at_28"] for k in toy]
    # Fitted on step 2, it reads the label + 1 at step 3 as the label + 1: wrong on every image.
    # Fitted on step 3 instead, k = 1 would give 1.0; fitted on step 1 (noise), k = 0 would not.
    assert fixed[0] == 1.0 and fixed[1] == 0.0 and fixed[3] == 0.0
    assert fixed[2] < 0.4


def test_mismatched_step_counts_are_refused_with_the_shapes():
    labels = {split: np.arange(20) % CLASSES for split in ("train", "validation", "test")}
    states = {split: np.zeros((20, 5, 3), np.float32) for split in labels}
    with pytest.raises(ValueError, match="same number of steps"):
        state_after_blank_rows_accuracies(states, labels, np.zeros((20, 4, CLASSES)), last_row=LAST_ROW)
    with pytest.raises(ValueError, match="at least 6"):
        state_after_blank_rows_accuracies(states, labels, np.zeros((20, 5, CLASSES)), last_row=6)


def test_appending_rows_leaves_the_first_28_steps_as_the_ordinary_pass(trained_models, mnist):
    model, images = trained_models["lstm_1x32"], mnist.x_test[:30]
    states, logits = states_and_logits_with_blank_rows(model, images, extra=3)
    assert states.shape == (30, 31, 32) and logits.shape == (30, 31, CLASSES)
    outputs, step_logits = stepwise_readout(model, images)
    np.testing.assert_allclose(states[:, :28], outputs, atol=1e-5)
    np.testing.assert_allclose(logits[:, :28], step_logits, atol=1e-4)
