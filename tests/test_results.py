"""results.json through one spine (hw3/results.py): only declared entries, each written by its declared
function with the key of the code and inputs that made it; stale or missing entries named, and the
report refused from them; results/README.md generated from the declarations."""
import json

import numpy as np
import pytest

from hw3 import results as spine
from hw3.experiments import q3_3_decision_steps, q3_3_errors
from hw3.keys import LOADED_SOURCES
from hw3.results import (PROVENANCE, SCHEMA, current_results, declared_entry, load_results, notebooks_calling,
                         results_report, schema_markdown, store_results)
from hw3.settings import PROJECT_DIR, RunSettings
from test_cache import StandInModel


def test_a_path_is_declared_by_its_entry_or_the_longest_section_above_it():
    assert declared_entry("analysis.probes.gru_1x32").writer == "hw3.experiments:q3_3_probes"
    assert declared_entry("analysis.probes.pixels_so_far").writer == "hw3.experiments:q3_3_probe_baselines"
    assert declared_entry("configs.gru_1x32").path == "configs"
    assert declared_entry("configs").path == "configs"
    for undeclared in ("analysis.probes", "analysis.not_declared", "configsx.gru_1x32", "analysis"):
        with pytest.raises(ValueError, match="no declared entry"):
            declared_entry(undeclared)


def test_writing_an_undeclared_key_or_another_writers_key_is_an_error(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    with pytest.raises(ValueError, match="no declared entry for 'analysis.made_up'"):
        store_results(settings, q3_3_decision_steps, {"analysis.made_up": 1})
    with pytest.raises(ValueError, match="declared in hw3/results.py for hw3.experiments:q3_3_errors"):
        store_results(settings, q3_3_decision_steps, {"analysis.errors": 1})
    with pytest.raises(ValueError, match="dot-separated"):
        store_results(settings, q3_3_decision_steps, {"analysis..decision_steps": 1})
    assert not settings.results_path.exists()  # nothing written by a refused call


def test_a_stored_entry_carries_the_key_of_its_writer_code_inputs_and_mode(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model = StandInModel([np.ones((2, 2), np.float32)], saved_as="gru_1x32")
    images = np.zeros((3, 28, 28), np.float32)
    stored = store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}},
                           model=model, images=images)
    assert stored["analysis"]["gru_1x32"]["decision_steps"] == {"median": 20.0}
    key = stored[PROVENANCE]["entries"]["analysis.gru_1x32.decision_steps"]
    call = stored[PROVENANCE]["calls"][key]
    assert call["function"] == "hw3.experiments:q3_3_decision_steps" and call["smoke"] is True
    assert "hw3.experiments" in call["code"] and "hw3.readout" in call["code"]  # the writer's module and its imports
    assert call["inputs"]["model"]["saved_model"] == "gru_1x32" and call["inputs"]["images"]["kind"] == "data"
    again = store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}},
                          model=model, images=images)
    assert again[PROVENANCE]["entries"]["analysis.gru_1x32.decision_steps"] == key  # same code, inputs, mode
    other = store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}},
                          model=model, images=images + 1)
    assert other[PROVENANCE]["entries"]["analysis.gru_1x32.decision_steps"] != key  # other inputs, other key
    assert list(other[PROVENANCE]["calls"]) == [other[PROVENANCE]["entries"]["analysis.gru_1x32.decision_steps"]]


def test_writing_a_section_replaces_the_keys_of_the_paths_inside_it_and_keeps_the_rest(tmp_path):
    from hw3.experiments import q3_3_probe_baselines, q3_3_probes

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    store_results(settings, q3_3_probes, {"analysis.probes.gru_1x32": {"h": [0.5]}})
    store_results(settings, q3_3_probe_baselines, {"analysis.probes.pixels_so_far": [0.25]})
    stored = store_results(settings, q3_3_probes, {"analysis.probes.gru_1x32": {"h": [0.75]}})
    assert stored["analysis"]["probes"] == {"gru_1x32": {"h": [0.75]}, "pixels_so_far": [0.25]}
    assert set(stored[PROVENANCE]["entries"]) == {"analysis.probes.gru_1x32", "analysis.probes.pixels_so_far"}
    assert len(stored[PROVENANCE]["calls"]) == 2


def rows_by_path(settings, sources=None):
    return {row["path"]: row for row in results_report(settings, sources)}


def test_an_entry_is_stale_when_its_code_changes_and_current_when_only_a_docstring_does(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}})
    assert rows_by_path(settings)["analysis.gru_1x32.decision_steps"]["stale"] == []
    readout = LOADED_SOURCES["hw3.readout"]
    documented = {**LOADED_SOURCES, "hw3.readout": readout.replace('"""', '"""Edited. ', 1) + "\n# a comment\n"}
    assert rows_by_path(settings, documented)["analysis.gru_1x32.decision_steps"]["stale"] == []
    changed = {**LOADED_SOURCES, "hw3.readout": readout + "\nEXTRA = 1\n"}
    assert rows_by_path(settings, changed)["analysis.gru_1x32.decision_steps"]["stale"] == [
        "analysis.gru_1x32.decision_steps: code changed: hw3.readout"]
    unrelated = {**LOADED_SOURCES, "hw3.figures": LOADED_SOURCES["hw3.figures"] + "\nEXTRA = 1\n"}
    assert rows_by_path(settings, unrelated)["analysis.gru_1x32.decision_steps"]["stale"] == []


def test_an_entry_is_stale_when_the_saved_model_it_read_is_not_the_one_saved(tmp_path):
    from hw3.keys import weights_digest

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model = StandInModel([np.ones((2, 2), np.float32)], saved_as="gru_1x32")
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}}, model=model)
    recipe = settings.models_dir / "gru_1x32.recipe.json"
    recipe.parent.mkdir(parents=True)
    recipe.write_text(json.dumps({"weights_sha256": weights_digest(model)}), encoding="utf-8")
    assert rows_by_path(settings)["analysis.gru_1x32.decision_steps"]["stale"] == []
    recipe.write_text(json.dumps({"weights_sha256": "retrained"}), encoding="utf-8")
    assert rows_by_path(settings)["analysis.gru_1x32.decision_steps"]["stale"] == [
        "analysis.gru_1x32.decision_steps: model gru_1x32 (model) is not the saved one"]


def test_missing_and_unkeyed_entries_are_reported(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    settings.results_path.parent.mkdir(parents=True)
    settings.results_path.write_text(json.dumps({"statistics": {"n": 5}}), encoding="utf-8")  # written around the spine
    rows = rows_by_path(settings)
    assert rows["statistics"]["stale"] == ["statistics: stored without the key of its code and inputs"]
    assert rows["analysis.errors"]["missing"] is True and rows["statistics"]["missing"] is False
    assert len(rows) == len(SCHEMA)


def test_current_results_refuses_a_stale_or_missing_entry_naming_its_writer_and_notebook(tmp_path):
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    store_results(settings, q3_3_decision_steps, {"analysis.gru_1x32.decision_steps": {"median": 20.0}})
    assert current_results(settings, ["analysis/gru_1x32/decision_steps/median"])["analysis"]["gru_1x32"] == {
        "decision_steps": {"median": 20.0}}
    with pytest.raises(ValueError) as refused:
        current_results(settings, ["analysis/gru_1x32/decision_steps/median", "analysis/errors/gallery"])
    message = str(refused.value)
    assert "- analysis.errors.gallery: missing: written by hw3.experiments:q3_3_errors (run lab_book.ipynb)" in message
    assert "decision_steps" not in message  # the current one is not named
    assert q3_3_errors  # the named writer exists


def test_notebooks_calling_reads_the_code_cells(tmp_path):
    cells = [{"cell_type": "markdown", "source": ["q3_3_errors(data)"]},
             {"cell_type": "code", "source": ["x = helpers.q3_3_probes(a,\n", " b)"]}]
    (tmp_path / "hw3.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert notebooks_calling("hw3.experiments:q3_3_probes", tmp_path) == ["hw3.ipynb"]
    assert notebooks_calling("hw3.experiments:q3_3_errors", tmp_path) == []  # markdown does not run
    assert notebooks_calling("hw3.experiments:q3_3_probe", tmp_path) == []  # a whole name, not a prefix


def test_every_writer_is_called_by_a_notebook():
    assert [entry.path for entry in SCHEMA if not notebooks_calling(entry.writer)] == []


def test_the_results_readme_is_generated_from_the_schema():
    assert (PROJECT_DIR / "results" / "README.md").read_text(encoding="utf-8") == schema_markdown(), \
        "results/README.md is out of step: run `python -c 'from hw3.results import write_schema_readme as w; w()'`"


def test_the_committed_results_are_current_for_the_committed_code_and_models():
    settings = RunSettings(smoke=False, output_dir=PROJECT_DIR)
    bad = {row["path"]: row["stale"] or "missing" for row in results_report(settings)
           if row["missing"] or row["stale"]}
    assert bad == {}, "rerun the notebooks (make homework) and commit results/results.json"
    assert load_results(settings)[PROVENANCE]["entries"]
    assert spine.NOTEBOOKS == ("lab_book.ipynb", "hw3.ipynb")


def saved_recipe_of(settings, model, name="gru_1x32"):
    from hw3.keys import weights_digest

    recipe = settings.models_dir / f"{name}.recipe.json"
    recipe.parent.mkdir(parents=True, exist_ok=True)
    recipe.write_text(json.dumps({"weights_sha256": weights_digest(model)}), encoding="utf-8")
    return recipe


def test_an_entry_goes_stale_when_an_entry_it_read_is_written_again_or_goes_stale(tmp_path):
    from hw3.experiments import q2_seed_statistics
    from hw3.seed_pool import train_seeds
    from hw3.training import train_or_load

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model = StandInModel([np.ones((2, 2), np.float32)], saved_as="gru_1x32")
    recipe = saved_recipe_of(settings, model)
    with pytest.raises(ValueError, match="reads configs, seeds, which results.json does not hold with a key"):
        store_results(settings, q2_seed_statistics, {"statistics": {"n": 1}}, reads=("configs", "seeds"))
    store_results(settings, train_or_load, {"configs.gru_1x32": {"test_accuracy": 0.9}}, model=model)
    store_results(settings, train_seeds, {"seeds.gru_1x32.0": {"test_accuracy": 0.9}}, model=model)
    store_results(settings, q2_seed_statistics, {"statistics": {"n": 1}}, reads=("configs", "seeds"))
    assert rows_by_path(settings)["statistics"]["stale"] == []
    store_results(settings, train_or_load, {"configs.gru_1x32": {"test_accuracy": 0.9}}, model=model)
    assert rows_by_path(settings)["statistics"]["stale"] == []  # stored again with the same key: nothing changed
    other = StandInModel([np.zeros((2, 2), np.float32)], saved_as="gru_1x32_seed1")
    saved_recipe_of(settings, other, "gru_1x32_seed1")
    store_results(settings, train_seeds, {"seeds.gru_1x32.0": {"test_accuracy": 0.8}}, model=other)
    assert rows_by_path(settings)["statistics"]["stale"] == ["statistics: it read seeds.gru_1x32.0, written again since"]
    with pytest.raises(ValueError, match="statistics: it read seeds.gru_1x32.0, written again since"):
        current_results(settings, ["statistics/n"])
    store_results(settings, q2_seed_statistics, {"statistics": {"n": 1}}, reads=("configs", "seeds"))
    assert rows_by_path(settings)["statistics"]["stale"] == []
    store_results(settings, train_seeds, {"seeds.gru_1x32.0": {"test_accuracy": 0.9}}, model=model)
    store_results(settings, q2_seed_statistics, {"statistics": {"n": 1}}, reads=("configs", "seeds"))
    recipe.write_text(json.dumps({"weights_sha256": "another"}), encoding="utf-8")  # gru_1x32 saved anew
    assert rows_by_path(settings)["statistics"]["stale"] == [
        "statistics: it read configs.gru_1x32, which is stale", "statistics: it read seeds.gru_1x32.0, which is stale"]


def test_a_section_is_current_only_when_every_entry_inside_it_is_keyed(tmp_path):
    from hw3.training import train_or_load

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    store_results(settings, train_or_load, {"configs.gru_1x32": {"test_accuracy": 0.9}})
    results = load_results(settings)
    results["configs"]["lstm_1x32"] = {"test_accuracy": 0.8}  # written around the spine
    settings.results_path.write_text(json.dumps(results), encoding="utf-8")
    assert current_results(settings, ["configs/gru_1x32/test_accuracy"])
    with pytest.raises(ValueError, match="configs.lstm_1x32: stored without the key"):
        current_results(settings, ["configs/lstm_1x32"])
    with pytest.raises(ValueError, match="configs.lstm_1x32: stored without the key"):
        current_results(settings, ["configs"])
    assert rows_by_path(settings)["configs"]["stale"] == ["configs.lstm_1x32: stored without the key of its code and inputs"]


def test_a_trained_models_entries_are_keyed_on_the_model_not_the_code(tmp_path):
    from hw3.training import train_or_load

    settings = RunSettings(smoke=True, output_dir=tmp_path)
    model = StandInModel([np.ones((2, 2), np.float32)], saved_as="gru_1x32")
    saved_recipe_of(settings, model)
    stored = store_results(settings, train_or_load, {"configs.gru_1x32": {"test_accuracy": 0.9}}, model=model)
    call = stored[PROVENANCE]["calls"][stored[PROVENANCE]["entries"]["configs.gru_1x32"]]
    assert call["code"] == {} and call["inputs"]["model"]["saved_model"] == "gru_1x32"
    changed = {**LOADED_SOURCES, "hw3.training": LOADED_SOURCES["hw3.training"] + "\nEXTRA = 1\n"}
    assert rows_by_path(settings, changed)["configs"]["stale"] == []  # the recipe decides; retraining renews
