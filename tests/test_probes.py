"""Linear probes and the state's geometry on hand-made states whose answers are known by construction."""
import json

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
    """Stand-ins for the model's read-out, each checking what it is given. Step 16 is right for
    images 0-2 and reads 7 for image 2 only; step 27 is wrong everywhere (step 28 right); blanking
    row 5 costs most (ties with row 9 go to the first). The probe sees h_16 of each split: the
    stand-in states hold 10 * step (training) and 1000 * step (test)."""
    import hw3.probes as probes

    model = object()
    labels, train_labels = np.array([1, 2, 7, 4]), np.array([9, 8, 7])
    images, train_images = np.zeros((4, 28, 28), np.float32), np.ones((3, 28, 28), np.float32)
    images[:, 23, 5] = 1.0  # last ink row L = 24 in every test image
    classes = np.tile(labels[:, None], (1, 28))
    classes[:, 15] = [1, 2, 7, 0]  # step 16: images 0-2 right, image 2 read as 7
    classes[:, 20] = 0  # step 21 = L - 3: every image wrong
    classes[:, 26] = 0  # step 27: every image wrong, step 28 right
    logits = np.eye(10)[classes] * 5.0
    steps = np.arange(1, 29, dtype=float)[None, :, None]

    def readout(given, batch):
        assert given is model and batch is images
        return np.repeat(1000.0 * steps, len(batch), axis=0), logits

    class TrainOutputs:
        def predict(self, batch, batch_size=None, verbose=0):
            assert batch.shape == train_images.shape and verbose == 0
            return np.repeat(10.0 * steps, len(batch), axis=0)

    def stepwise_copy(given, head):
        assert given is model and head is False
        return TrainOutputs()

    def occlusion(given, batch, y):
        assert given is model and batch is images and y is labels
        return [1.0] * 4 + [0.25] + [1.0] * 3 + [0.25] + [1.0] * 19

    monkeypatch.setattr(probes, "stepwise_readout", readout)
    monkeypatch.setattr(probes, "every_step_model", stepwise_copy)
    monkeypatch.setattr(probes, "row_occlusion_accuracy", occlusion)
    monkeypatch.setattr(probes, "fitted_probe_accuracy", lambda train, y_train, test, y_test, step: (
        float(train[0, 0]), y_train.tolist(), float(test[0, 0]), y_test.tolist(), step))
    found = probes.replication_numbers(model, train_images, train_labels, images, labels)
    assert found["head_at_16"] == 0.75 and found["share_read_as_7_at_16"] == 0.25
    assert found["probe_at_16"] == (160.0, [9, 8, 7], 16000.0, [1, 2, 7, 4], 16)
    assert found["readout_by_steps_after_ink"] == {"-3": 0.0, "-2": 1.0, "-1": 1.0, "0": 1.0, "1": 1.0, "2": 1.0,
                                                   "3": 0.0}  # k' = -3..+3 only; step 27 = L + 3 is wrong
    assert found["worst_row_occlusion"] == {"row": 5, "drop_points": pytest.approx(75.0)}  # from step 28, rows from 1


class NamedStandIn:
    """A stand-in model: a name and weights for the cache's fingerprint."""

    def __init__(self, name):
        self.name = name

    def get_weights(self):
        return [np.frombuffer(self.name.encode(), np.uint8)]


def split_tag(images):
    return "train" if len(images) == 3 else "test"  # the stand-in splits differ in size


def tagged_internals(*parts):
    """A stand-in for gru_internals / lstm_internals: each part is a string naming model, part and split."""
    return lambda model, images: {part: f"{model.name}:{part}:{split_tag(images)}" for part in parts}


def echo_probe(train, train_labels, test, test_labels):
    """A stand-in probe that returns what it was given (JSON-able, for the cache)."""
    return [train, train_labels.tolist(), test, test_labels.tolist()]


def test_probe_experiment_fits_each_part_of_each_cell_on_its_own_training_states(tmp_path, monkeypatch):
    """Stand-in internals tag every state array with cell, part and split; a stand-in probe returns
    what it was given, so a swapped split, part or cell shows in the result."""
    import hw3.probes as probes
    from hw3.settings import RunSettings

    monkeypatch.setattr(probes, "gru_internals", tagged_internals("h", "z", "r"))
    monkeypatch.setattr(probes, "lstm_internals", tagged_internals("h", "c", "f"))
    monkeypatch.setattr(probes, "probe_accuracy", echo_probe)
    train, test = np.zeros((3, 28, 28), np.float32), np.zeros((2, 28, 28), np.float32)
    result = probes.probe_experiment(NamedStandIn("G"), NamedStandIn("L"), train, np.array([1, 2, 3]), test,
                                     np.array([4, 5]), RunSettings(smoke=True, output_dir=tmp_path))
    assert result == {"gru_1x32": {"h": ["G:h:train", [1, 2, 3], "G:h:test", [4, 5]]},
                      "lstm_1x32": {"h": ["L:h:train", [1, 2, 3], "L:h:test", [4, 5]],
                                    "c": ["L:c:train", [1, 2, 3], "L:c:test", [4, 5]]}}


def test_probe_baselines_fit_pixels_and_the_untrained_state_on_the_training_split(tmp_path, monkeypatch):
    import hw3.probes as probes
    from hw3.settings import RunSettings

    monkeypatch.setattr(probes, "gru_internals", tagged_internals("h", "z"))
    monkeypatch.setattr(probes, "probe_accuracy", echo_probe)
    monkeypatch.setattr(probes, "pixel_probe_accuracy", lambda train, y_train, test, y_test: [
        split_tag(train), y_train.tolist(), split_tag(test), y_test.tolist()])
    train, test = np.zeros((3, 28, 28), np.float32), np.zeros((2, 28, 28), np.float32)
    result = probes.probe_baselines_experiment(NamedStandIn("U"), train, np.array([1, 2, 3]), test, np.array([4, 5]),
                                               RunSettings(smoke=True, output_dir=tmp_path))
    assert result == {"pixels_so_far": ["train", [1, 2, 3], "test", [4, 5]],
                      "untrained_gru_1x32": {"h": ["U:h:train", [1, 2, 3], "U:h:test", [4, 5]]}}


def test_replication_experiment_keys_each_model_by_name_and_seed(tmp_path, monkeypatch):
    import hw3.probes as probes
    from hw3.settings import RunSettings

    monkeypatch.setattr(probes, "replication_numbers", lambda model, train, y_train, test, y_test: {
        "model": model.name, "splits": [split_tag(train), y_train.tolist(), split_tag(test), y_test.tolist()]})
    train, test = np.zeros((3, 28, 28), np.float32), np.zeros((2, 28, 28), np.float32)
    models = {"gru_1x32": {0: NamedStandIn("g0"), 3: NamedStandIn("g3")}, "lstm_1x32": {1: NamedStandIn("l1")}}
    result = probes.replication_experiment(models, train, np.array([1, 2, 3]), test, np.array([4, 5]),
                                           RunSettings(smoke=True, output_dir=tmp_path))
    splits = ["train", [1, 2, 3], "test", [4, 5]]
    assert result == {"gru_1x32": {"0": {"model": "g0", "splits": splits}, "3": {"model": "g3", "splits": splits}},
                      "lstm_1x32": {"1": {"model": "l1", "splits": splits}}}


@pytest.mark.parametrize("experiment", ["probes", "baselines", "replication"])
def test_cached_probe_experiments_recompute_when_the_training_images_change(experiment, tmp_path, monkeypatch):
    """Other training ink (same count), one more training image, or one more test image must not be
    answered from the cache; the same images must."""
    import hw3.probes as probes
    from hw3.settings import RunSettings

    calls = []
    monkeypatch.setattr(probes, "gru_internals", lambda model, images: calls.append(1) or {"h": "states"})
    monkeypatch.setattr(probes, "lstm_internals", lambda model, images: calls.append(1) or {"h": "s", "c": "s"})
    monkeypatch.setattr(probes, "probe_accuracy", lambda *arguments: [0.5])
    monkeypatch.setattr(probes, "pixel_probe_accuracy", lambda *arguments: calls.append(1) or [0.5])
    monkeypatch.setattr(probes, "replication_numbers", lambda *arguments: calls.append(1) or {})
    settings = RunSettings(smoke=True, output_dir=tmp_path)

    def computed(train, test) -> bool:
        before = len(calls)
        train_labels, test_labels = np.zeros(len(train), int), np.zeros(len(test), int)
        if experiment == "probes":
            probes.probe_experiment(NamedStandIn("G"), NamedStandIn("L"), train, train_labels, test, test_labels, settings)
        elif experiment == "baselines":
            probes.probe_baselines_experiment(NamedStandIn("U"), train, train_labels, test, test_labels, settings)
        else:
            probes.replication_experiment({"gru_1x32": {0: NamedStandIn("G")}}, train, train_labels, test, test_labels,
                                          settings)
        return len(calls) > before

    train, test = np.zeros((3, 28, 28), np.float32), np.zeros((2, 28, 28), np.float32)
    assert computed(train, test)
    assert not computed(train, test)
    inked = train.copy()
    inked[0, 4, 4] = 1.0
    assert computed(inked, test)  # other training ink
    one_more = np.concatenate([inked, train[:1]])  # the same ink in one more training image
    assert computed(one_more, test)
    assert not computed(one_more, test)
    assert computed(one_more, np.zeros((3, 28, 28), np.float32))  # one more test image
    assert computed(one_more, np.ones((3, 28, 28), np.float32))  # other test images, same count
    stored_under = {"probes": "probe_experiment", "baselines": "probe_baselines_experiment",
                    "replication": "replication_experiment"}[experiment]
    assert list(json.loads(settings.analysis_cache_path.read_text())) == [stored_under]


def test_class_separation_skips_an_absent_class_and_divides_by_a_small_within_variance():
    """Classes 0 and 2 only (class 1 absent, so later classes must still count): between-class sum
    2 * 0.5^2 * 2 = 1 over a within-class sum of 4 * 0.2^2 = 0.16 (< 1) gives 6.25."""
    states = np.array([[[-0.7]], [[-0.3]], [[0.3]], [[0.7]]])  # (4, 1, 1)
    separation = class_separation(states, np.array([0, 0, 2, 2]))
    assert separation == pytest.approx([6.25])


def test_class_trajectories_average_each_class_alone():
    """Class c sits at c on unit 0 at every step: its mean trajectory is c (up to the PCA's sign
    and centre), so consecutive classes are one apart, not the mean of the other classes."""
    labels = np.arange(10)
    states = np.zeros((10, 3, 2))
    states[:, :, 0] = labels[:, None]
    states[:, :, 1] = 0.001 * np.arange(3)[None, :]
    first = class_trajectories(states, labels, components=1)["trajectories"][:, 0, 0]
    np.testing.assert_allclose(np.abs(np.diff(first)), 1.0, atol=1e-6)


@pytest.mark.filterwarnings("ignore:lbfgs failed to converge")
def test_a_probe_that_runs_out_of_iterations_names_its_step(monkeypatch):
    """One iteration allowed and one used is 'did not converge' (>=, not >); each error names the step."""
    import hw3.probes as probes

    rng = np.random.default_rng(0)
    states, labels = rng.normal(size=(60, 3, 4)), np.tile([0, 1, 2], 20)
    monkeypatch.setattr(probes, "PROBE_MAX_ITERATIONS", 1)
    with pytest.raises(ValueError, match=r"the probe at step 1 did not converge in 1 iterations"):
        probes.probe_accuracy(states, labels, states, labels)
    with pytest.raises(ValueError, match=r"the probe at step 1 did not converge"):
        probes.pixel_probe_accuracy((rng.random((60, 28, 28)) > 0.5).astype(np.float32), labels,
                                    np.zeros((3, 28, 28), np.float32), labels[:3])


@pytest.mark.filterwarnings("ignore:lbfgs failed to converge")
def test_a_probe_standardizes_its_features_before_the_regression():
    """Features on scales 1e-3 to 1e3: the stated protocol (StandardScaler, then LogisticRegression
    with C = 1) and the same regression without scaling give different accuracies here."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from hw3.probes import fitted_probe_accuracy

    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 300)
    features = rng.normal(size=(300, 3)) + 0.8 * np.eye(3)[labels]
    features *= np.array([1e-3, 1.0, 1e3])
    found = fitted_probe_accuracy(features[:200], labels[:200], features[200:], labels[200:])
    reference = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(
        features[:200], labels[:200]).score(features[200:], labels[200:])
    unscaled = LogisticRegression(max_iter=2000).fit(features[:200], labels[:200]).score(features[200:], labels[200:])
    assert found == reference != unscaled


def test_state_checks_name_the_array_that_is_wrong():
    good, labels = np.zeros((4, 2, 3)), np.zeros(4)
    with pytest.raises(ValueError, match=r"^train_states must be shaped"):
        probe_accuracy(np.zeros((4, 3)), labels, good, labels)
    with pytest.raises(ValueError, match=r"^test_states must be shaped"):
        probe_accuracy(good, labels, np.zeros((4, 3)), labels)
    with pytest.raises(ValueError, match=r"^states must be shaped"):
        class_separation(np.zeros((4, 3)), labels)


def test_probe_gains_from_step_5_by_default_leave_out_every_earlier_step():
    from hw3.probes import probe_gains

    trained = [0.9, 0.1, 0.1, 0.1, 0.5, 0.6]  # the largest and smallest gains sit before step 5
    gains = probe_gains(trained, [0.0, 0.5, 0.0, 0.0, 0.4, 0.4], [0.0] * 6)
    assert gains["over_pixels_from_step_5"] == pytest.approx({"min": 0.1, "max": 0.2})
    assert probe_gains(trained, [0.0] * 6, [0.0] * 6, from_step=2)["over_pixels_from_step_2"] == pytest.approx(
        {"min": 0.1, "max": 0.6})  # step 1 (0.9) left out


def test_tuned_probe_takes_the_smallest_c_on_a_validation_tie_and_reports_that_fits_test_accuracy():
    from hw3.probes import tuned_probe

    x = np.array([[-2.0], [-1.5], [-1.0], [1.0], [1.5], [2.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    result = tuned_probe(x, y, x, y, x, 1 - y, c_values=(10.0, 1.0, 0.01))  # every C separates the classes
    assert result == {"C": 0.01, "validation_accuracy": 1.0, "test_accuracy": 0.0}  # test labels flipped


def test_tuned_probe_chooses_on_the_validation_images_not_on_the_training_images():
    from hw3.probes import tuned_probe

    rng = np.random.default_rng(0)
    signal = np.repeat([0, 1], 20)
    train = np.column_stack([signal * 0.2 + rng.normal(0, 1, 40), rng.normal(0, 1, (40, 30))])  # a weak signal in noise
    validation = np.column_stack([np.repeat([0, 1], 200) * 0.2 + rng.normal(0, 1, 400), rng.normal(0, 1, (400, 30))])
    labels = np.repeat([0, 1], 200)
    result = tuned_probe(train, signal, validation, labels, validation, labels)
    scores = {}
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    scaler = StandardScaler().fit(train)
    for c in (0.01, 0.1, 1.0, 10.0):
        fit = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(train), signal)
        scores[c] = fit.score(scaler.transform(validation), labels)
    best = max(scores.values())
    assert result["C"] == min(c for c, score in scores.items() if score == best)
    assert result["validation_accuracy"] == pytest.approx(best, abs=1e-9)
