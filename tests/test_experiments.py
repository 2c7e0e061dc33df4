"""The experiment functions own the results: the schema table in results/README.md agrees with a full
run's results.json and names each entry's writer, no notebook cell writes a result, and an experiment
stores exactly what it returns."""
import ast
import importlib
import inspect
import json

import numpy as np
import pytest

from hw3.results import PROVENANCE, SCHEMA, load_results
from hw3.settings import PROJECT_DIR, RunSettings, write_json_atomically


def schema_rows() -> dict[str, str]:
    """{entry path: 'module.function'} from the declarations in hw3/results.py."""
    return {entry.path: entry.writer.removeprefix("hw3.").replace(":", ".") for entry in SCHEMA}


def uncovered_paths(section: dict, prefix: str, listed: set[str]) -> list[str]:
    """Paths of `section` that no listed entry covers: a key is covered when it is listed, or when it is a
    section that holds listed entries and all of whose keys are covered."""
    missing = []
    for key, value in section.items():
        path = f"{prefix}{key}"
        if path in listed:
            continue
        if isinstance(value, dict) and any(entry.startswith(path + ".") for entry in listed):
            missing += uncovered_paths(value, path + ".", listed)
        else:
            missing.append(path)
    return missing


def test_the_schema_lists_exactly_the_entries_of_the_committed_full_run():
    results = json.loads((PROJECT_DIR / "results" / "results.json").read_text(encoding="utf-8"))
    results.pop(PROVENANCE, None)
    listed = set(schema_rows())
    assert len(listed) > 50
    assert uncovered_paths(results, "", listed) == [], "results.json holds entries the schema lacks"
    absent = []
    for path in listed:
        node = results
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                absent.append(path)
                break
            node = node[key]
    assert absent == [], "the schema lists entries that a full run does not write"


def test_each_writer_exists_and_writes_its_entries_and_each_storing_experiment_is_listed():
    rows = schema_rows()
    for path, writer in rows.items():
        module_name, function_name = writer.split(".")
        function = getattr(importlib.import_module(f"hw3.{module_name}"), function_name)
        source = inspect.getsource(function)
        assert f"store_results(settings, {function_name}," in source, (path, writer)
        if module_name.endswith("experiments"):  # the entry's own key is spelled in the function that stores it
            assert f'{path.split(".")[-1]}' in source, (path, writer)
    for module_name in ("experiments",):
        module = importlib.import_module(f"hw3.{module_name}")
        storing = {name for name, function in inspect.getmembers(module, inspect.isfunction)
                   if function.__module__ == module.__name__ and "store_results(" in inspect.getsource(function)}
        assert storing == {writer.split(".")[1] for writer in rows.values() if writer.startswith(module_name + ".")}


def notebook_code_cells():
    notebook = json.loads((PROJECT_DIR / "hw3.ipynb").read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            yield index, "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def root_name(node):
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def writes_into_results(tree) -> list[str]:
    """Assignments into `results[...]`, in-place changes of anything reached from `results`, and calls
    that write results.json, found in a cell's syntax tree."""
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign)) else []
        found += [ast.unparse(target) for target in targets
                  if isinstance(target, ast.Subscript) and root_name(target) == "results"]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in {"update", "setdefault", "pop", "clear"} and root_name(node.func.value) == "results":
                found.append(ast.unparse(node))
            if node.func.attr in {"store_results", "save_results", "write_json_atomically"}:
                found.append(ast.unparse(node))
    return found


def test_no_notebook_cell_writes_into_the_results():
    offenders = {index: found for index, source in notebook_code_cells()
                 if (found := writes_into_results(ast.parse(source)))}
    assert offenders == {}


@pytest.mark.parametrize("source", ['results["analysis"]["x"] = 1', 'results["analysis"].update(x=1)',
                                    'results.setdefault("analysis", {})', 'helpers.store_results(settings, {})',
                                    'results["statistics"] += 1'])
def test_the_notebook_check_finds_each_kind_of_write(source):
    assert writes_into_results(ast.parse(source)) != []


def test_reading_the_results_is_not_a_write():
    assert writes_into_results(ast.parse('x = results["configs"]["gru_1x32"]["test_accuracy"]\n'
                                         'figure = helpers.plot(results, names)')) == []


def test_an_experiment_stores_what_it_returns_under_its_own_keys_and_keeps_the_rest(tmp_path):
    from hw3.data import MnistSplits
    from hw3.experiments import q3_3_decision_after_ink
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    write_json_atomically({"analysis": {"gru_1x32": {"decision_steps": {"median": 20.0}}}, "configs": {}},
                          settings.results_path)
    images = np.zeros((3, 28, 28), np.float32)
    images[0, 9, 3] = images[1, 19, 3] = images[2, 4, 3] = 1.0  # last ink rows L = 10, 20 and 5
    labels = np.array([3, 3, 5])
    classes = np.zeros((3, 28), int)  # the read-out names the label from step 8, 25 and 1 on
    classes[0, 7:], classes[1, 24:], classes[2, :] = 3, 3, 5
    data = MnistSplits(images, labels, images, labels, images, labels)
    returned = q3_3_decision_after_ink(np.eye(10)[classes], data, settings)
    stored = load_results(settings)["analysis"]["gru_1x32"]
    assert returned["per_class"] == stored["decision_after_ink"]
    assert stored["decision_after_ink"]["3"] == {"median_decision_step": 16.5, "median_last_ink_row": 15.0,
                                                 "median_steps_after_ink": 1.5, "share_decided_before_ink_ends": 0.5}
    assert stored["decision_after_ink"]["5"]["share_decided_before_ink_ends"] == 1.0  # step 1 < L = 5
    assert returned["early"] == ["5"] and stored["classes_decided_before_ink_ends"] == "5"  # 0.5 is not most
    assert stored["decision_steps"] == {"median": 20.0}


def test_decision_vs_ink_adds_the_blank_default_shares_for_the_gru_from_its_stored_blank_path(tmp_path):
    """Two readers over three images with L = 10, 20 and 5; the GRU's blank path names 1 at steps 1-4, 7 after.
    The GRU's read-out settles on 7 at step 8 (early, the blank class), 3 at step 25 (late) and 5 at step 1
    (early; the blank class at step 1 is 1). Not the blank class: one of two early; early: one of two in it."""
    from hw3.data import MnistSplits
    from hw3.experiments import q3_2_gru_inside, q3_3_decision_vs_ink
    from hw3.results import store_results
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    images = np.zeros((3, 28, 28), np.float32)
    images[0, 9, 3] = images[1, 19, 3] = images[2, 4, 3] = 1.0
    labels = np.array([7, 3, 5])
    data = MnistSplits(images, labels, images, labels, images, labels)
    classes = np.zeros((3, 28), int)
    classes[0, 7:], classes[1, 24:], classes[2, :] = 7, 3, 5
    readers = {"gru_1x32": np.eye(10)[classes], "lstm_1x32": np.eye(10)[classes]}
    write_json_atomically({"configs": {}}, settings.results_path)
    with pytest.raises(ValueError, match="run q3_2_gru_inside"):
        q3_3_decision_vs_ink(readers, data, settings)
    store_results(settings, q3_2_gru_inside, {"analysis.gru_1x32.blank_path": {"class": [1] * 4 + [7] * 24}})
    returned = q3_3_decision_vs_ink(readers, data, settings)
    stored = load_results(settings)["analysis"]["decision_vs_ink"]
    assert returned == stored
    assert stored["gru_1x32"]["all"]["share_decided_before_ink_ends_not_blank_class"] == 0.5
    assert stored["gru_1x32"]["all"]["share_of_early_decisions_in_blank_class"] == 0.5
    assert stored["gru_1x32"]["all"]["share_decided_before_ink_ends"] == 0.6667
    assert "share_of_early_decisions_in_blank_class" not in stored["lstm_1x32"]["all"]
    assert "share_of_early_decisions_in_blank_class" not in stored["gru_1x32"]["7"]
    figure_images = load_results(settings)["analysis"]["gru_1x32"]["figure_images"]
    assert list(figure_images) == ["0", "1"]  # the images of the report's figure of the state over time
    assert figure_images["1"] == {"first_ink_row": 20, "last_ink_row": 20, "decision_step": 25,
                                  "class_named": [0] * 24 + [3] * 4}


def test_appended_blank_rows_store_seed_0_and_the_mean_over_seeds_for_each_k(tmp_path, monkeypatch):
    import hw3.experiments as experiments
    from hw3.data import MnistSplits

    by_seed = {"gru_1x32": {"0": {"0": 1.0, "1": 0.5}, "1": {"0": 0.8, "1": 0.3}, "2": {"0": 0.6, "1": 0.1}}}
    monkeypatch.setattr(experiments, "load_seed_models",
                        lambda names, settings: {name: {seed: (name, seed) for seed in settings.seeds} for name in names})
    monkeypatch.setattr(experiments, "appended_blank_rows_experiment", lambda models, images, labels, settings: by_seed)
    settings = RunSettings(smoke=True, output_dir=tmp_path, seeds=(0, 1, 2))
    images = np.zeros((2, 28, 28), np.float32)
    returned = experiments.q3_3_appended_blank_rows(MnistSplits(images, [0, 1], images, [0, 1], images, [0, 1]), settings,
                                                    names=("gru_1x32",))
    stored = load_results(settings)["analysis"]
    assert stored["appended_blank_rows"] == {"gru_1x32": {"0": 1.0, "1": 0.5}}  # seed 0, not seed 1
    assert stored["appended_blank_rows_over_seeds"]["gru_1x32"] == pytest.approx({"0": 0.8, "1": 0.3})
    assert returned["over_seeds"] == stored["appended_blank_rows_over_seeds"]


def test_objective_readout_stores_the_head_at_step_16_over_seeds(tmp_path):
    from hw3.experiments import OBJECTIVE_READERS, q3_3_objective_readout
    from hw3.models import model_spec

    def curve(seed):  # step t reads (100 * seed + t) / 1000: each step and seed tells itself apart
        return [(100 * seed + t) / 1000 for t in range(1, 29)]

    settings = RunSettings(smoke=True, output_dir=tmp_path, seeds=(0, 1, 2))
    names = OBJECTIVE_READERS + ("gru_1x32_trailing_blanks", "lstm_1x32_trailing_blanks")
    from hw3.results import store_results
    from hw3.seed_pool import train_seeds
    from hw3.training import train_or_load

    store_results(settings, train_or_load, {f"{model_spec(name).section}.{name}": {"stepwise_test_accuracy": curve(0)}
                                            for name in names})  # as training stores them
    store_results(settings, train_seeds, {f"seeds.{name}.{seed}": {"stepwise_test_accuracy": curve(seed)}
                                          for name in OBJECTIVE_READERS for seed in (0, 1, 2)})
    returned = q3_3_objective_readout({"gru_1x32": {"h": curve(0)}, "lstm_1x32": {"h": curve(1)}}, settings)
    assert returned["probes"] == {"gru": curve(0), "lstm": curve(1)}
    stored = load_results(settings)["analysis"]["objective_readout_at_step_16"]
    assert stored == returned["at_step_16"] and set(stored) == set(OBJECTIVE_READERS)
    entry = stored["gru_1x32_every_step_loss"]
    assert entry["seeds"] == [0, 1, 2] and {key: entry[key] for key in ("mean", "min", "max")} == pytest.approx(
        {"mean": 0.116, "min": 0.016, "max": 0.216})
