"""Run settings, atomic writes and results.json."""
import json

import pytest

from hw3.data import load_binarized_mnist
from hw3.settings import PROJECT_DIR, RunSettings, load_results, run_settings, write_json_atomically


def tiny_settings(tmp_path):
    return RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128)


def test_smoke_settings_cut_the_splits_and_write_outside_the_project():
    settings = run_settings()
    assert settings.smoke and settings.epochs == 1
    assert PROJECT_DIR not in settings.output_dir.resolve().parents
    splits = load_binarized_mnist(settings)
    assert splits.sizes() == {"train": 2000, "validation": 500, "test": 1000}


def test_description_names_no_machine_path(tmp_path):
    assert "outputs: the project folder" in RunSettings(smoke=False, output_dir=PROJECT_DIR).describe()
    description = tiny_settings(tmp_path).describe()
    assert str(tmp_path.parent) not in description and f"a temporary folder ({tmp_path.name})" in description


def test_smoke_mode_refuses_the_project_folder(monkeypatch):
    monkeypatch.setenv("HW3_OUTPUT_DIR", str(PROJECT_DIR))
    with pytest.raises(ValueError, match="must not be the project folder in smoke mode"):
        run_settings()


def test_results_round_trip_and_missing_file_gives_a_skeleton(tmp_path):
    settings = tiny_settings(tmp_path)
    assert load_results(settings) == {"configs": {}}
    write_json_atomically({"configs": {"gru_1x32": {"test_accuracy": 0.5}}}, settings.results_path)
    assert load_results(settings)["configs"]["gru_1x32"]["test_accuracy"] == 0.5
    assert json.loads(settings.results_path.read_text())["configs"]["gru_1x32"] == {"test_accuracy": 0.5}
    assert not list(settings.results_path.parent.glob(".*partial")), "no temporary file is left behind"


def test_corrupt_results_file_raises(tmp_path):
    settings = tiny_settings(tmp_path)
    settings.results_path.parent.mkdir(parents=True)
    settings.results_path.write_text("{not json")
    with pytest.raises(ValueError, match=r"not valid JSON.*git checkout -- results/results.json.*about an hour") as raised:
        load_results(settings)
    message = str(raised.value)
    assert message.index("git checkout") < message.index("delete it"), "the quick way comes first"
