"""Seeded training, saved models that load with plain Keras, results.json and resume."""
import dataclasses
import json
import random
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from hw3.keys import weights_digest
from hw3.settings import RunSettings
from hw3 import saved_models, training
from hw3.models import build_model
from hw3.saved_models import readable_saved_model, save_model_atomically, seed_weights_path
from hw3.seed_pool import load_test_predictions, train_seeds
from hw3.training import compile_for_training, train_model, train_or_load


@pytest.fixture(scope="module")
def tiny_data(mnist):
    return dataclasses.replace(mnist, x_train=mnist.x_train[:512], y_train=mnist.y_train[:512],
                               x_validation=mnist.x_validation[:128], y_validation=mnist.y_validation[:128],
                               x_test=mnist.x_test[:256], y_test=mnist.y_test[:256])


def tiny_settings(tmp_path, **changes):
    """Smoke settings (run eagerly, as the smoke run does); the tests of the full run's properties pass
    eager=False and trace graphs as the full run does."""
    settings = RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128, eager=True)
    return dataclasses.replace(settings, **changes)


def test_resume_trains_only_what_is_missing_or_stale(tmp_path, tiny_data, monkeypatch):
    settings = tiny_settings(tmp_path)
    names = ["gru_1x32", "lstm_1x32"]
    lines, compiled = [], []
    monkeypatch.setattr(training, "compile_for_training",
                        lambda model, rate, eager=False: compiled.append(eager) or compile_for_training(model, rate, eager))
    models, results = train_or_load(names, tiny_data, settings, log=lines.append)
    assert set(models) == set(names)
    assert compiled == [True, True], "smoke settings fit eagerly"
    assert not any(model.run_eagerly for model in models.values()), "and hand back models that predict through a graph"
    assert sorted(p.name for p in settings.models_dir.iterdir()) == ["gru_1x32.keras", "gru_1x32.recipe.json",
                                                                      "lstm_1x32.keras", "lstm_1x32.recipe.json"]
    stored = json.loads(settings.results_path.read_text())
    entry = stored["configs"]["gru_1x32"]
    assert {"cell": "gru", "layers": 1, "units": 32, "epochs": 1, "batch_size": 128, "learning_rate": 0.001,
            "seed": 0}.items() <= entry.items()
    assert len(entry["stepwise_test_accuracy"]) == 28 and len(entry["history"]["val_loss"]) == 1
    assert 0.0 <= entry["test_accuracy"] <= 1.0 and entry["test_loss"] > 0
    assert stored["environment"]["cpu_count"] >= 1

    lines.clear()
    train_or_load(names, tiny_data, settings, log=lines.append)
    assert sum("reused" in line for line in lines) == 2 and not any("epoch" in line for line in lines)

    (settings.models_dir / "lstm_1x32.keras").unlink()
    lines.clear()
    train_or_load(names, tiny_data, settings, log=lines.append)
    assert [line.split()[0].rstrip(":") for line in lines if "epoch" in line] == ["lstm_1x32"]  # one progress line

    changed = dataclasses.replace(settings, learning_rate=0.002)
    with pytest.raises(ValueError, match=r"learning_rate: saved 0\.001, asked for 0\.002.*HW3_RETRAIN=gru_1x32"):
        train_or_load(["gru_1x32"], tiny_data, changed, log=lines.append)  # never reused silently
    lines.clear()
    train_or_load(["gru_1x32"], tiny_data, dataclasses.replace(changed, retrain_names=("gru_1x32",)), log=lines.append)
    assert [line.split()[0].rstrip(":") for line in lines if "epoch" in line] == ["gru_1x32"], "just that model"
    with pytest.raises(ValueError, match="lstm_1x32.keras was trained with another recipe"):
        train_or_load(["lstm_1x32"], tiny_data, dataclasses.replace(changed, retrain_names=("gru_1x32",)))
    recipe_file = settings.models_dir / "gru_1x32.recipe.json"
    recipe = json.loads(recipe_file.read_text())
    assert recipe["training"]["learning_rate"] == 0.002
    recipe_file.write_text(json.dumps({**recipe, "weights_sha256": "0" * 64}))  # weights not the recorded ones
    with pytest.raises(ValueError, match="does not hold the weights its recipe recorded"):
        train_or_load(["gru_1x32"], tiny_data, changed, log=lines.append)
    recipe_file.write_text(json.dumps(recipe))
    settings = changed
    assert recipe["weights_sha256"] == weights_digest(readable_saved_model(settings.models_dir / "gru_1x32.keras"))

    lines.clear()
    train_or_load(names, tiny_data, dataclasses.replace(settings, retrain=True), log=lines.append)
    assert sum("epoch" in line for line in lines) == 2
    assert not list(settings.models_dir.glob(".*partial*")), "no temporary files are left behind"


@pytest.mark.parametrize("change, difference", [
    ({"training": {"epochs": 2}}, "training.epochs: saved 2, asked for 1"),
    ({"model": {"head_units": 32}}, "model.head_units: saved 32, asked for 64"),
    ({"data": {"binarize_threshold": 0.5}}, "data.binarize_threshold: saved 0.5, asked for 0.1"),
    ({"data": {"mnist_sha256": "0" * 64}}, "data.mnist_sha256: saved"),
])
def test_a_saved_model_whose_recipe_differs_in_one_setting_is_caught(tmp_path, tiny_data, change, difference):
    """Each part of the recipe (training settings, the model's spec, the data) is compared: a saved model
    whose recipe differs in one setting stops the run with that setting named."""
    settings = tiny_settings(tmp_path)
    path = settings.models_dir / "gru_1x32.keras"
    path.parent.mkdir(parents=True)
    requested = saved_models.model_recipe("gru_1x32", settings, tiny_data)
    model = build_model("gru_1x32")
    save_model_atomically(model, path)
    saved = {part: {**values, **change.get(part, {})} for part, values in requested.items()}
    saved_models.write_recipe(path, saved, model)
    with pytest.raises(ValueError, match=re.escape(difference)):
        saved_models.check_recipe("gru_1x32", path, requested)
    saved_models.write_recipe(path, requested, model)
    assert saved_models.check_recipe("gru_1x32", path, requested)


def test_a_model_saved_before_recipes_gets_one_when_its_results_entry_matches(tmp_path, tiny_data):
    settings = tiny_settings(tmp_path)
    train_or_load(["gru_1x32"], tiny_data, settings, log=lambda line: None)
    recipe_file = settings.models_dir / "gru_1x32.recipe.json"
    written = json.loads(recipe_file.read_text())
    recipe_file.unlink()
    lines = []
    models, _ = train_or_load(["gru_1x32"], tiny_data, settings, log=lines.append)
    assert "reused" in lines[0] and json.loads(recipe_file.read_text()) == written
    assert models["gru_1x32"].hw3_saved_as == "gru_1x32"


def test_an_unknown_model_in_hw3_retrain_is_refused(tmp_path, tiny_data):
    with pytest.raises(ValueError, match="unknown models.*gru_1x33"):
        train_or_load(["gru_1x32"], tiny_data, tiny_settings(tmp_path, retrain_names=("gru_1x33",)))


def test_training_is_reproducible_and_saved_model_loads_with_plain_keras(tmp_path, tiny_data):
    first_model, first = train_model("gru_1x32", tiny_data, tiny_settings(tmp_path, eager=False))
    _, second = train_model("gru_1x32", tiny_data, tiny_settings(tmp_path, eager=False))
    assert not first_model.run_eagerly, "the full run's settings trace a graph"
    assert first["history"] == second["history"]
    assert first["test_loss"] == second["test_loss"]
    path = tmp_path / "saved.keras"
    save_model_atomically(first_model, path)
    loaded = keras.models.load_model(path)
    logits = loaded.predict(tiny_data.x_test[:5], verbose=0)
    assert logits.shape == (5, 10)
    np.testing.assert_allclose(logits, first_model.predict(tiny_data.x_test[:5], verbose=0), atol=1e-6)


@pytest.mark.parametrize("name", ["lstm_1x32", "gru_1x32", "gru_1x32_tf1_cell", "lstm_3x32", "cnn", "mlp_small"])
def test_the_untrained_model_starts_from_the_weights_that_training_with_its_seed_starts_from(name):
    training.seed_everything(3)
    started = build_model(name)
    random.seed(11)  # the global generators elsewhere, as in the middle of the analyses
    np.random.seed(11)
    tf.random.set_seed(11)
    rebuilt = training.initial_model(name, 3)
    assert all(np.array_equal(a, b) for a, b in zip(started.get_weights(), rebuilt.get_weights()))
    assert len(started.get_weights()) == len(rebuilt.get_weights())


def test_the_untrained_model_leaves_every_global_random_generator_as_it_was():
    def draws():
        return (random.random(), float(np.random.random()), keras.random.normal((3,)).numpy().tolist(),
                tf.random.uniform((3,)).numpy().tolist())

    keras.utils.set_random_seed(123)
    expected = [draws(), draws()]
    keras.utils.set_random_seed(123)
    first = draws()
    training.initial_model("gru_1x32", 0)
    assert [first, draws()] == expected, "each sequence continues as if the model had not been built"


def test_test_loss_is_mean_cross_entropy_in_nats(tmp_path, tiny_data):
    model, entry = train_model("linear", tiny_data, tiny_settings(tmp_path))
    logits = model.predict(tiny_data.x_test, verbose=0).astype(np.float64)
    log_probabilities = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    expected = -log_probabilities[np.arange(len(logits)), tiny_data.y_test].mean()
    assert entry["test_loss"] == pytest.approx(expected, abs=1e-4)
    assert "stepwise_test_accuracy" not in entry


def test_unknown_name_fails_before_any_training(tmp_path, tiny_data):
    with pytest.raises(ValueError, match="unknown model 'lstm_9x9'"):
        train_or_load(["gru_1x32", "lstm_9x9"], tiny_data, tiny_settings(tmp_path))
    assert not (tmp_path / "models").exists()


def test_corrupt_saved_model_names_the_file_and_the_ways_out(tmp_path, tiny_data):
    settings = tiny_settings(tmp_path)
    train_or_load(["gru_1x32"], tiny_data, settings)
    path = settings.models_dir / "gru_1x32.keras"
    path.write_bytes(path.read_bytes()[:5_000])  # truncated, as by an interrupted copy
    with pytest.raises(ValueError, match=r"models/gru_1x32.keras exists but is not a readable Keras model.*"
                                         r"git checkout -- models/gru_1x32.keras.*HW3_RETRAIN=gru_1x32\)"):
        train_or_load(["gru_1x32"], tiny_data, settings)
    lines = []
    train_or_load(["gru_1x32"], tiny_data, dataclasses.replace(settings, retrain_names=("gru_1x32",)), log=lines.append)
    assert any("epoch" in line for line in lines)
    assert readable_saved_model(path).output_shape == (None, 10), "the retrained file loads again"


def test_extra_seeds_do_not_depend_on_the_number_of_workers(tmp_path, tiny_data):
    """The same runs trained by one and by two worker processes give identical weights and
    predictions; a rerun trains nothing; seed 0 is the model train_or_load made."""
    stored = {}
    for workers in (1, 2):
        settings = dataclasses.replace(tiny_settings(tmp_path / f"workers{workers}", eager=False), train_limit=512,
                                       validation_limit=128, test_limit=256, seeds=(0, 1, 2), workers=workers)
        models, _ = train_or_load(["gru_1x32"], tiny_data, settings)
        lines = []
        results = train_seeds(["gru_1x32"], tiny_data, settings, models, log=lines.append)
        assert any(f"in {workers} worker process" in line for line in lines)
        assert results["seeds"]["gru_1x32"]["0"] == results["configs"]["gru_1x32"]
        model = build_model("gru_1x32")
        model.load_weights(seed_weights_path(settings, "gru_1x32", 2))
        stored[workers] = (model.get_weights(), load_test_predictions(settings), results["seeds"]["gru_1x32"]["2"])
        lines.clear()
        train_seeds(["gru_1x32"], tiny_data, settings, models, log=lines.append)
        assert lines == ["all 3 runs (1 models x 3 seeds) reused"]
    (one_weights, one_predictions, one_entry), (two_weights, two_predictions, two_entry) = stored[1], stored[2]
    assert all(np.array_equal(a, b) for a, b in zip(one_weights, two_weights))
    assert one_predictions.keys() == two_predictions.keys() == {"gru_1x32_seed0", "gru_1x32_seed1", "gru_1x32_seed2"}
    assert all(np.array_equal(one_predictions[key], two_predictions[key]) for key in one_predictions)
    assert one_entry["history"] == two_entry["history"]
    seed_one = build_model("gru_1x32")
    seed_one.load_weights(seed_weights_path(dataclasses.replace(tiny_settings(tmp_path / "workers1")), "gru_1x32", 1))
    assert not np.array_equal(seed_one.get_weights()[0], one_weights[0]), "different seeds start differently"


# --- Models trained differently: the loss after every row, blank rows after the image ----------

def test_the_every_step_twin_is_trained_on_the_mean_over_all_28_steps_of_the_cross_entropy():
    from hw3.models import build_model
    from hw3.readout import stepwise_logits
    from hw3.training import _every_step_twin, compile_for_training

    rng = np.random.default_rng(0)
    images = (rng.random((6, 28, 28)) > 0.8).astype(np.float32)
    labels = np.array([0, 1, 2, 3, 4, 5])
    model = build_model("gru_1x32_every_step_loss")
    twin = compile_for_training(_every_step_twin(model), 0.001)
    loss = twin.evaluate(images, np.repeat(labels[:, None], 28, axis=1), verbose=0)[0]
    logits = stepwise_logits(model, images).astype(np.float64)  # (6, 28, 10), the head after every row
    log_probabilities = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    cross_entropy = -log_probabilities[np.arange(6), :, labels]  # (6, 28)
    assert loss == pytest.approx(cross_entropy.mean(), rel=1e-5)
    assert loss != pytest.approx(cross_entropy[:, 1:].mean(), rel=1e-5)  # not the last 27 steps
    assert loss != pytest.approx(cross_entropy[:, -1].mean(), rel=1e-5)  # nor the last step alone


@pytest.mark.parametrize("name", ["lstm_1x32_every_step_loss", "gru_1x32_trailing_blanks"])
def test_a_model_trained_differently_is_a_plain_model_with_its_trained_weights(tmp_path, tiny_data, name):
    from hw3.training import train_model

    data = tiny_data
    settings = tiny_settings(tmp_path, batch_size=64)
    model, entry = train_model(name, data, settings)
    assert model.output_shape == (None, 10)
    assert entry.get("objective", "last_step") == ("every_step" if "every_step" in name else "last_step")
    assert entry.get("trailing_blanks", 0) == (8 if "trailing" in name else 0)
    predictions = model.predict(data.x_test, verbose=0).argmax(-1)
    assert entry["test_accuracy"] == pytest.approx(float((predictions == data.y_test).mean()), abs=1e-6)
    assert entry["stepwise_test_accuracy"][-1] == pytest.approx(entry["test_accuracy"], abs=1e-6)
    untrained = build_model(name)
    assert not np.allclose(model.get_layer("recurrent_1").get_weights()[0], untrained.get_layer("recurrent_1").get_weights()[0])


def test_trailing_blank_batches_append_0_to_most_blank_rows_per_batch_and_show_every_image_once_an_epoch():
    from hw3.training import TrailingBlankBatches

    images = np.arange(10 * 28 * 28, dtype=np.float32).reshape(10, 28, 28) + 1.0  # no blank pixel anywhere
    labels = np.arange(10)
    batches = TrailingBlankBatches(images, labels, batch_size=4, most=8, seed=3)
    assert len(batches) == 3
    seen, extras = [], []
    for index in range(len(batches)):
        x, y = batches[index]
        extra = x.shape[1] - 28
        extras.append(extra)
        assert 0 <= extra <= 8 and np.all(x[:, 28:] == 0)  # appended after row 28, never before
        assert np.array_equal(x[:, :28], images[y])  # each image's own rows, in order
        seen += y.tolist()
    assert sorted(seen) == list(range(10))
    again = TrailingBlankBatches(images, labels, batch_size=4, most=8, seed=3)
    assert [again[i][0].shape[1] - 28 for i in range(3)] == extras  # seeded
    batches.on_epoch_end()
    assert batches.plan()[0].tolist() != again.plan()[0].tolist()  # a new order the next epoch
    many = TrailingBlankBatches(np.zeros((4000, 28, 28), np.float32), np.zeros(4000, int), 1, 8, 0).plan()[1]
    assert set(many.tolist()) == set(range(9))  # 0 and 8 both drawn


def test_trailing_blank_batches_pass_through_tf_data_with_a_new_length_per_batch_and_epoch():
    from hw3.training import TrailingBlankBatches

    images = np.ones((40, 28, 28), np.float32)
    batches = TrailingBlankBatches(images, np.arange(40), batch_size=4, most=8, seed=1)
    dataset = batches.dataset()
    first = [x.shape[1] for x, _ in dataset]
    second = [x.shape[1] for x, _ in dataset]  # a second pass is the next epoch
    assert len(first) == 10 and len(set(first)) > 2 and first != second
    assert batches.epoch == 2
