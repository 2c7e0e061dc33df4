"""Seeded training, saved models that load with plain Keras, results.json and resume."""
import dataclasses
import json

import keras
import numpy as np
import pytest

from hw3.settings import RunSettings
from hw3.data import MnistSplits
from hw3.training import readable_saved_model, save_model_atomically, train_model, train_or_load


@pytest.fixture(scope="module")
def tiny_data(mnist):
    splits = mnist
    return MnistSplits(splits.x_train[:512], splits.y_train[:512], splits.x_validation[:128],
                               splits.y_validation[:128], splits.x_test[:256], splits.y_test[:256])


def tiny_settings(tmp_path, **changes):
    settings = RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128)
    return dataclasses.replace(settings, **changes)


def test_resume_trains_only_what_is_missing_or_stale(tmp_path, tiny_data):
    settings = tiny_settings(tmp_path)
    names = ["gru_1x32", "lstm_1x32"]
    lines = []
    models, results = train_or_load(names, tiny_data, settings, log=lines.append)
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
    train_or_load(names, tiny_data, settings, log=lines.append)
    assert sum("reused" in line for line in lines) == 2 and not any("epoch" in line for line in lines)

    (settings.models_dir / "lstm_1x32.keras").unlink()
    lines.clear()
    train_or_load(names, tiny_data, settings, log=lines.append)
    assert [line.split()[0] for line in lines if "epoch" in line] == ["lstm_1x32"]

    lines.clear()
    train_or_load(["gru_1x32"], tiny_data, dataclasses.replace(settings, learning_rate=0.002),
                          log=lines.append)
    assert any("epoch" in line for line in lines), "changed hyper-parameters must retrain"

    lines.clear()
    train_or_load(names, tiny_data, dataclasses.replace(settings, retrain=True), log=lines.append)
    assert sum("epoch" in line for line in lines) == 2
    assert not list(settings.models_dir.glob(".*partial*")), "no temporary files are left behind"


def test_training_is_reproducible_and_saved_model_loads_with_plain_keras(tmp_path, tiny_data):
    first_model, first = train_model("gru_1x32", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
    _, second = train_model("gru_1x32", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
    assert first["history"] == second["history"]
    assert first["test_loss"] == second["test_loss"]
    path = tmp_path / "saved.keras"
    save_model_atomically(first_model, path)
    loaded = keras.models.load_model(path)
    logits = loaded.predict(tiny_data.x_test[:5], verbose=0)
    assert logits.shape == (5, 10)
    np.testing.assert_allclose(logits, first_model.predict(tiny_data.x_test[:5], verbose=0), atol=1e-6)


def test_test_loss_is_mean_cross_entropy_in_nats(tmp_path, tiny_data):
    model, entry = train_model("linear", tiny_data, tiny_settings(tmp_path), log=lambda line: None)
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
    train_or_load(["gru_1x32"], tiny_data, settings, log=lambda line: None)
    path = settings.models_dir / "gru_1x32.keras"
    path.write_bytes(path.read_bytes()[:5_000])  # truncated, as by an interrupted copy
    with pytest.raises(ValueError, match=r"models/gru_1x32.keras exists but is not a readable Keras model.*"
                                         r"git checkout -- models/gru_1x32.keras.*HW3_RETRAIN=1"):
        train_or_load(["gru_1x32"], tiny_data, settings, log=lambda line: None)
    lines = []
    train_or_load(["gru_1x32"], tiny_data, dataclasses.replace(settings, retrain=True), log=lines.append)
    assert any("epoch" in line for line in lines)
    assert readable_saved_model(path).output_shape == (None, 10), "the retrained file loads again"
