"""Seeded training, saved models that load with plain Keras, results.json and resume."""
import dataclasses
import json

import keras
import numpy as np
import pytest

import helpers


@pytest.fixture(scope="module")
def tiny_data(mnist):
    splits = mnist
    return helpers.MnistSplits(splits.x_train[:512], splits.y_train[:512], splits.x_validation[:128],
                               splits.y_validation[:128], splits.x_test[:256], splits.y_test[:256])


def tiny_settings(tmp_path, **changes):
    settings = helpers.RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128)
    return dataclasses.replace(settings, **changes)


def test_resume_trains_only_what_is_missing_or_stale(tmp_path, tiny_data):
    settings = tiny_settings(tmp_path)
    names = ["gru_1x32", "lstm_1x32"]
    lines = []
    models, results = helpers.train_or_load(names, tiny_data, settings, log=lines.append)
    assert set(models) == set(names)
    assert sorted(p.name for p in settings.models_dir.iterdir()) == ["gru_1x32.keras", "lstm_1x32.keras"]
    stored = json.loads(settings.results_path.read_text())
    entry = stored["configs"]["gru_1x32"]
    assert {"cell": "gru", "layers": 1, "units": 32, "epochs": 1, "batch_size": 128, "learning_rate": 0.001,
            "seed": 0}.items() <= entry.items()
    assert len(entry["stepwise_test_accuracy"]) == 28 and len(entry["history"]["val_loss"]) == 1
    assert 0.0 <= entry["test_accuracy"] <= 1.0 and entry["test_loss"] > 0
    assert stored["environment"]["cpu_count"] >= 1

    lines.clear()
    helpers.train_or_load(names, tiny_data, settings, log=lines.append)
    assert sum("reused" in line for line in lines) == 2 and not any("epoch" in line for line in lines)

    (settings.models_dir / "lstm_1x32.keras").unlink()
    lines.clear()
    helpers.train_or_load(names, tiny_data, settings, log=lines.append)
    assert [line.split()[0] for line in lines if "epoch" in line] == ["lstm_1x32"]

    lines.clear()
    helpers.train_or_load(["gru_1x32"], tiny_data, dataclasses.replace(settings, learning_rate=0.002),
                          log=lines.append)
    assert any("epoch" in line for line in lines), "changed hyper-parameters must retrain"

    lines.clear()
    helpers.train_or_load(names, tiny_data, dataclasses.replace(settings, retrain=True), log=lines.append)
    assert sum("epoch" in line for line in lines) == 2
    assert not list(settings.models_dir.glob(".*partial*")), "no temporary files are left behind"


def test_training_is_reproducible_and_saved_model_loads_with_plain_keras(tmp_path, tiny_data):
    first_model, first = helpers.train_model("gru_1x32", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
    _, second = helpers.train_model("gru_1x32", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
    assert first["history"] == second["history"]
    assert first["test_loss"] == second["test_loss"]
    path = tmp_path / "saved.keras"
    helpers.save_model_atomically(first_model, path)
    loaded = keras.models.load_model(path)
    logits = loaded.predict(tiny_data.x_test[:5], verbose=0)
    assert logits.shape == (5, 10)
    np.testing.assert_allclose(logits, first_model.predict(tiny_data.x_test[:5], verbose=0), atol=1e-6)


def test_test_loss_is_mean_cross_entropy_in_nats(tmp_path, tiny_data):
    model, entry = helpers.train_model("linear", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
    logits = model.predict(tiny_data.x_test, verbose=0).astype(np.float64)
    log_probabilities = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
        - logits.max(1, keepdims=True)
    expected = -log_probabilities[np.arange(len(logits)), tiny_data.y_test].mean()
    assert entry["test_loss"] == pytest.approx(expected, abs=1e-4)
    assert "stepwise_test_accuracy" not in entry


def test_unknown_name_fails_before_any_training(tmp_path, tiny_data):
    with pytest.raises(ValueError, match="unknown model 'lstm_9x9'"):
        helpers.train_or_load(["gru_1x32", "lstm_9x9"], tiny_data, tiny_settings(tmp_path))
    assert not (tmp_path / "models").exists()


def test_corrupt_results_file_raises(tmp_path):
    settings = tiny_settings(tmp_path)
    settings.results_path.parent.mkdir(parents=True)
    settings.results_path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON.*delete it to retrain"):
        helpers.load_results(settings)
