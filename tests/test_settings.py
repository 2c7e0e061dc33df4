"""Run settings, atomic writes and results.json."""
import json

import pytest

from hw3.data import load_binarized_mnist
from hw3.results import load_results
from hw3.settings import PROJECT_DIR, RunSettings, run_settings, write_json_atomically


def tiny_settings(tmp_path):
    return RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128)


def test_smoke_settings_cut_the_splits_and_write_outside_the_project():
    settings = run_settings()
    assert settings.smoke and settings.epochs == 1 and settings.eager
    assert not RunSettings(smoke=False, output_dir=PROJECT_DIR).eager, "the full run traces its graphs"
    assert PROJECT_DIR not in settings.output_dir.resolve().parents
    splits = load_binarized_mnist(settings)
    assert splits.sizes() == {"train": 512, "validation": 256, "test": 1000}


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
    with pytest.raises(ValueError, match=r"not valid JSON.*git checkout -- results/results.json.*hours on 2 cores") as raised:
        load_results(settings)
    message = str(raised.value)
    assert message.index("git checkout") < message.index("delete it"), "the quick way comes first"


def test_partial_path_keeps_every_suffix_so_keras_and_numpy_accept_it(tmp_path):
    from hw3.settings import partial_path

    assert partial_path(tmp_path / "gru_1x32.keras").name == ".gru_1x32.partial.keras"
    assert partial_path(tmp_path / "lstm_seed3.weights.h5").name == ".lstm_seed3.partial.weights.h5"
    assert partial_path(tmp_path / "README").name == ".README.partial"


def test_write_atomically_leaves_the_old_file_when_the_writer_fails(tmp_path):
    from hw3.settings import write_atomically

    path = tmp_path / "out" / "results.json"
    write_atomically(path, lambda temporary: temporary.write_text("old"))
    assert path.read_text() == "old" and sorted(p.name for p in path.parent.iterdir()) == ["results.json"]

    def failing(temporary):
        temporary.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(path, failing)
    assert path.read_text() == "old"


def test_store_results_fills_dotted_paths_and_keeps_every_other_entry(tmp_path):
    from hw3.experiments import q3_1_translation, q3_3_decision_steps
    from hw3.results import PROVENANCE, store_results

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 1}})
    stored = store_results(settings, q3_1_translation, {"analysis.shift": {"0": 0.5}})
    expected = {"configs": {}, "analysis": {"gru_1x32": {"decision_steps": {"median": 1}}, "shift": {"0": 0.5}}}
    assert {key: value for key, value in stored.items() if key != PROVENANCE} == expected
    assert json.loads(settings.results_path.read_text()) == stored == load_results(settings)
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 3}})  # replaced
    assert load_results(settings)["analysis"] == {"gru_1x32": {"decision_steps": {"median": 3}}, "shift": {"0": 0.5}}
    with pytest.raises(ValueError, match="holds a value"):
        store_results(settings, q3_1_translation, {"analysis.shift.0.deeper": 1})
