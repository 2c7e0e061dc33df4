"""Linear probes and the state's geometry on hand-made states whose answers are known by construction."""
import numpy as np
import pytest

from hw3.probes import class_separation, class_trajectories, pixel_probe_accuracy, pixels_so_far, probe_accuracy


def test_class_separation_is_between_over_within_variance_per_step():
    # step 1: class 0 at 0 and 2 (mean 1), class 1 at 4 and 6 (mean 5): between 4, within 1 -> 4
    # step 2: every state 0 except one per class -> between 0 -> 0
    states = np.zeros((4, 2, 1))
    states[:, 0, 0] = [0, 2, 4, 6]
    states[:, 1, 0] = [1, 0, 1, 0]
    separation = class_separation(states, np.array([0, 0, 1, 1]))
    assert separation == pytest.approx([4.0, 0.0])


def test_probe_finds_the_step_where_the_label_is_written():
    """Step 1 holds noise, step 2 the label (plus noise): the probe is at chance, then perfect."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 600)
    states = rng.normal(0, 1, (600, 2, 4))
    states[:, 1, :3] += 4 * np.eye(3)[labels]
    accuracy = probe_accuracy(states[:400], labels[:400], states[400:], labels[400:])
    assert accuracy[0] < 0.5 and accuracy[1] > 0.97


def test_probes_reject_states_without_a_step_axis():
    with pytest.raises(ValueError, match=r"\(N, T, units\)"):
        probe_accuracy(np.zeros((10, 4)), np.zeros(10), np.zeros((10, 1, 4)), np.zeros(10))


def test_class_trajectories_start_together_and_spread_along_the_first_component():
    labels = np.repeat(np.arange(10), 5)
    states = np.zeros((50, 2, 3))
    states[:, 1, 0] = labels  # step 2: class c at c along unit 0
    states[:, 1, 1] = 0.01 * np.tile(np.arange(5), 10)  # a little spread within each class
    geometry = class_trajectories(states, labels)
    assert geometry["trajectories"].shape == (10, 2, 2)
    assert np.ptp(geometry["trajectories"][:, 0], axis=0).max() < 1e-9
    first = geometry["trajectories"][:, 1, 0]
    assert abs(np.corrcoef(first, np.arange(10))[0, 1]) > 0.999
    assert geometry["explained"][0] > 0.99


def test_pixels_so_far_holds_rows_1_to_t_and_not_row_t_plus_1():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 5, 2] = 1.0  # row 6
    assert pixels_so_far(image, 5).shape == (1, 140) and pixels_so_far(image, 5).sum() == 0.0
    assert pixels_so_far(image, 6).shape == (1, 168) and pixels_so_far(image, 6)[0, 5 * 28 + 2] == 1.0
    with pytest.raises(ValueError, match="1..28"):
        pixels_so_far(image, 0)


def test_pixel_probe_learns_the_class_once_its_row_has_been_read_and_not_before():
    rng = np.random.default_rng(0)
    labels = np.tile([0, 1], 40)
    images = np.zeros((80, 28, 28), np.float32)
    images[:, 9, 4] = labels  # only row 10 tells the class
    images[:, 20, :] = rng.random((80, 28)) > 0.5  # noise in row 21
    test_labels = 1 - labels[:20]  # the test images' classes are the other way round ...
    test_images = images[:20].copy()
    test_images[:, 9, 4] = test_labels  # ... and so is their row 10: a probe fitted on the test split would still score 1
    accuracy = pixel_probe_accuracy(images, labels, test_images, test_labels)
    assert len(accuracy) == 28
    assert accuracy[8] == 0.5  # rows 1..9 are blank: chance
    assert accuracy[9] == 1.0 and accuracy[27] == 1.0  # row 10 read at step 10


def test_probe_gains_subtract_each_baseline_from_the_trained_probe():
    from hw3.probes import probe_gains

    gains = probe_gains([0.1, 0.5, 0.9], [0.1, 0.3, 0.95], [0.1, 0.2, 0.4], from_step=2)
    assert gains["over_pixels"] == pytest.approx([0.0, 0.2, -0.05])  # trained minus pixels, not the reverse
    assert gains["over_untrained"] == pytest.approx([0.0, 0.3, 0.5])
    assert gains["over_pixels_from_step_2"] == pytest.approx({"min": -0.05, "max": 0.2})  # step 1 left out


def test_a_probe_is_fitted_on_the_training_split_and_scored_on_the_test_split():
    """Training and test labels disagree on purpose: fitted on the training states the probe gets every
    test image wrong (0.0); fitted on the test states by mistake it would get them all right (1.0)."""
    from hw3.probes import fitted_probe_accuracy

    features = np.array([[-1.0], [1.0]] * 20)
    train_labels = np.array([0, 1] * 20)
    test_labels = 1 - train_labels
    assert fitted_probe_accuracy(features, train_labels, features, test_labels) == 0.0
    states = features[:, None, :].repeat(3, axis=1)  # (N, T = 3, 1)
    assert probe_accuracy(states, train_labels, states, test_labels) == [0.0, 0.0, 0.0]


def test_check_states_names_the_shape_it_needs():
    from hw3.probes import check_states

    with pytest.raises(ValueError, match=r"\(N, T, units\)"):
        check_states(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="one label per row"):
        check_states(np.zeros((4, 3, 2)), np.zeros(5))


def test_replication_numbers_read_step_16_and_the_costliest_row(monkeypatch):
    """Stand-ins for the model's read-out: step 16 is right for images 0 and 1 only, and reads 7 for
    images 2 and 3; blanking row 5 costs most (ties with row 9 go to the first)."""
    import hw3.probes as probes

    labels = np.array([1, 2, 3, 4])
    images = np.zeros((4, 28, 28), np.float32)
    images[:, 23, 5] = 1.0  # last ink row L = 24 in every image
    classes = np.tile(labels[:, None], (1, 28))
    classes[2:, 15] = 7  # step 16: images 2 and 3 read as 7, 0 and 1 right
    classes[:, 20] = 0  # step 21 = L - 3: every image wrong
    logits = np.eye(10)[classes] * 5.0

    class Outputs:
        def predict(self, batch, batch_size=None, verbose=0):
            return np.repeat(np.arange(len(batch), dtype=float)[:, None, None], 28, axis=1)

    monkeypatch.setattr(probes, "stepwise_readout", lambda model, batch: (np.zeros((len(batch), 28, 2)), logits))
    monkeypatch.setattr(probes, "every_step_model", lambda model, head=False: Outputs())
    monkeypatch.setattr(probes, "row_occlusion_accuracy", lambda model, batch, y: [1.0] * 4 + [0.25] + [1.0] * 3
                        + [0.25] + [1.0] * 19)
    monkeypatch.setattr(probes, "fitted_probe_accuracy", lambda train, y_train, test, y_test, step: float(step))
    found = probes.replication_numbers(None, images, labels, images, labels)
    assert found["head_at_16"] == 0.5 and found["share_read_as_7_at_16"] == 0.5
    assert found["probe_at_16"] == 16.0  # the probe is asked for step 16
    assert found["readout_by_steps_after_ink"]["-3"] == 0.0 and found["readout_by_steps_after_ink"]["0"] == 1.0
    assert found["worst_row_occlusion"] == {"row": 5, "drop_points": pytest.approx(75.0)}  # rows counted from 1
