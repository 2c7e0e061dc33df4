"""The analysis cache: keys cover the code (the function's module and the hw3 modules it imports),
the inputs and the run mode; `python -m hw3.cache` names the stale entries."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hw3 import cache
from hw3.cache import cached_call, code_digests, code_modules, entry_key, function_name, input_digests, staleness
from hw3.settings import PROJECT_DIR, RunSettings


def write_package(folder, modules):
    """A stand-in package folder: {stem: source}."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, source in modules.items():
        (folder / f"{stem}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def test_code_modules_follow_imports_through_modules_and_leave_out_the_rest(tmp_path):
    package = write_package(tmp_path / "hw3", {
        "settings": "X = 1\n",
        "cache": "from hw3.settings import X\n",
        "data": "from hw3.settings import X\nfrom hw3.cache import cached_call\n",
        "controls": "import numpy\nfrom hw3 import data\nimport hw3.readout\n",
        "readout": "from hw3.settings import X\n",
        "figures": "from hw3.controls import thing\n",
    })
    assert code_modules("hw3.controls", package) == ["hw3.controls", "hw3.data", "hw3.readout", "hw3.settings"]
    assert code_modules("hw3.settings", package) == ["hw3.settings"]  # nothing later, and no figure
    assert "hw3.cache" not in code_modules("hw3.data", package)  # the cache computes no result
    before = code_digests("hw3.controls", package)
    (package / "figures.py").write_text("from hw3.controls import other\n", encoding="utf-8")
    assert code_digests("hw3.controls", package) == before  # a module it does not import
    (package / "readout.py").write_text("from hw3.settings import X  # edited\n", encoding="utf-8")
    after = code_digests("hw3.controls", package)
    assert [name for name in before if before[name] != after[name]] == ["hw3.readout"]
    with pytest.raises(FileNotFoundError, match="hw3/missing.py"):
        code_modules("hw3.missing", package)


def test_only_named_module_level_functions_of_the_package_can_be_cached():
    from hw3.data import binarize

    assert function_name(binarize) == "hw3.data:binarize"
    for bad in (lambda: 1, np.mean, test_only_named_module_level_functions_of_the_package_can_be_cached):
        with pytest.raises(ValueError, match="module-level function of hw3"):
            function_name(bad)


class StandInModel:
    def __init__(self, weights, saved_as=None):
        self.weights = weights
        if saved_as:
            self.hw3_saved_as = saved_as

    def get_weights(self):
        return self.weights


def test_input_digests_tell_weights_arrays_values_and_nesting_apart():
    model = StandInModel([np.zeros((2, 2), np.float32)], saved_as="gru_1x32_seed3")
    digests = input_digests({"gru": {3: model}}, "models")
    assert list(digests) == ["models.gru.3"]
    assert digests["models.gru.3"]["saved_model"] == "gru_1x32_seed3"
    same = input_digests({"gru": {3: StandInModel([np.zeros((2, 2), np.float32)])}}, "models")
    assert same["models.gru.3"]["sha256"] == digests["models.gru.3"]["sha256"]
    for other in ([np.zeros((4,), np.float32)], [np.zeros((2, 2), np.float64)], [np.eye(2, dtype=np.float32)]):
        assert input_digests(StandInModel(other), "m")["m"]["sha256"] != digests["models.gru.3"]["sha256"]
    images = np.zeros((2, 28, 28), np.float32)
    assert input_digests(images, "x")["x"]["sha256"] != input_digests(images.reshape(1, 56, 28), "x")["x"]["sha256"]
    assert input_digests(3, "shift")["shift"]["sha256"] != input_digests(3.0, "shift")["shift"]["sha256"]


def test_entry_key_changes_with_each_part():
    code, inputs = {"hw3.data": "a"}, {"x": {"sha256": "b"}}
    key = entry_key("hw3.data:binarize", code, inputs, False)
    assert key == entry_key("hw3.data:binarize", dict(code), {"x": {"sha256": "b", "repr": "ignored"}}, False)
    assert key != entry_key("hw3.data:other", code, inputs, False)
    assert key != entry_key("hw3.data:binarize", {"hw3.data": "c"}, inputs, False)
    assert key != entry_key("hw3.data:binarize", code, {"x": {"sha256": "d"}}, False)
    assert key != entry_key("hw3.data:binarize", code, {"y": {"sha256": "b"}}, False)
    assert key != entry_key("hw3.data:binarize", code, inputs, True)


def test_cached_call_reuses_only_what_the_same_inputs_made(tmp_path, monkeypatch):
    import hw3.data as data

    calls = []
    real = data.binarize
    monkeypatch.setattr(data, "binarize", lambda **inputs: calls.append(1) or real(**inputs))
    monkeypatch.setattr(data.binarize, "__module__", "hw3.data", raising=False)
    monkeypatch.setattr(data.binarize, "__qualname__", "binarize", raising=False)
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    images = np.full((1, 28, 28), 0.5, np.float32)
    first = cached_call(settings, "b", data.binarize, images=images)
    assert first == np.ones((1, 28, 28)).tolist() and len(calls) == 1
    assert cached_call(settings, "b", data.binarize, images=images) == first and len(calls) == 1
    assert cached_call(settings, "b", data.binarize, images=images, threshold=0.6) == np.zeros((1, 28, 28)).tolist()
    assert len(calls) == 2  # another value of an input
    cached_call(settings, "b", data.binarize, images=images * 0.9, threshold=0.6)
    assert len(calls) == 3  # other images
    settings.analysis_cache_path.write_text("{not json", encoding="utf-8")
    cached_call(settings, "b", data.binarize, images=images * 0.9, threshold=0.6)
    assert len(calls) == 4  # a damaged file is recomputed, not an error
    cached_call(RunSettings(smoke=True, output_dir=tmp_path, retrain=True), "b", data.binarize,
                images=images * 0.9, threshold=0.6)
    assert len(calls) == 5  # HW3_RETRAIN recomputes
    entry = json.loads(settings.analysis_cache_path.read_text())["b"]
    assert entry["function"] == "hw3.data:binarize" and set(entry["code"]) == {"hw3.data", "hw3.settings"}
    assert set(entry["inputs"]) == {"images", "threshold"} and entry["smoke"] is True


def test_staleness_names_the_changed_code_the_retrained_model_and_the_run_mode(tmp_path):
    package = write_package(tmp_path / "hw3", {"settings": "X = 1\n", "data": "from hw3.settings import X\n"})
    entry = {"function": "hw3.data:f", "code": code_digests("hw3.data", package), "smoke": False, "key": "k",
             "inputs": {"model": {"kind": "model", "sha256": "w1", "saved_model": "gru_1x32"},
                        "untrained": {"kind": "model", "sha256": "w9", "saved_model": None},
                        "images": {"kind": "array", "sha256": "i"}}}
    assert staleness(entry, {"gru_1x32": "w1"}, False, package) == []
    assert staleness(entry, {"gru_1x32": "w2"}, False, package) == ["model gru_1x32 (model) is not the saved one"]
    assert staleness(entry, {}, False, package) == ["model gru_1x32 (model) has no saved recipe"]
    assert staleness(entry, {"gru_1x32": "w1"}, True, package) == ["computed in the other run mode"]
    (package / "settings.py").write_text("X = 2\n", encoding="utf-8")
    assert staleness(entry, {"gru_1x32": "w1"}, False, package) == ["code changed: hw3.settings"]
    assert staleness({**entry, "function": "hw3.gone:f"}, {}, False, package) == [
        "its function hw3.gone:f no longer exists"]
    older = {key: value for key, value in entry.items() if key != "key"}
    assert staleness(older, {"gru_1x32": "w1"}, False, package) == [
        "stored without the key of its code and inputs (an older cache)"]


RUN = """
import numpy as np
from hw3.cache import cached_call
from hw3.controls import ink_pushed_out
from hw3.data import binarize
from hw3.settings import run_settings

settings = run_settings()
images = np.zeros((2, 28, 28), np.float32)
images[:, 5:20, 10] = 1.0
cached_call(settings, "binarized", binarize, images=images)
cached_call(settings, "ink_pushed_out", ink_pushed_out, images=images, shift=3)
"""


def test_editing_one_line_of_a_function_makes_just_its_entries_stale_until_the_next_run(tmp_path):
    """The issue's check, in a copy of the package: `python -m hw3.cache` exits 0 on a fresh cache; after
    one line inside `controls.ink_pushed_out` changes it exits 1 naming that entry only (the binarized
    images do not depend on controls.py); a run recomputes it and the command exits 0 again."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT_DIR / "hw3", copy / "hw3", ignore=shutil.ignore_patterns("__pycache__"))
    environment = {key: value for key, value in os.environ.items() if key not in ("HW3_SMOKE", "HW3_OUTPUT_DIR")}

    def run(*arguments):
        return subprocess.run([sys.executable, *arguments], cwd=copy, env=environment, capture_output=True, text=True,
                              timeout=300)

    def check():
        return run("-m", "hw3.cache")

    assert run("-c", RUN).returncode == 0
    fresh = check()
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "2 entries" in fresh.stdout and fresh.stdout.count("current") == 2

    source = (copy / "hw3" / "controls.py").read_text(encoding="utf-8")
    body = source[source.index("def ink_pushed_out("):]
    line = next(text for text in body.splitlines()[1:] if text.strip().startswith("return"))
    (copy / "hw3" / "controls.py").write_text(source.replace(line, line + "  # the same value, one line edited"),
                                               encoding="utf-8")
    stale = check()
    assert stale.returncode == 1, stale.stdout + stale.stderr
    rows = {row.split()[0]: row for row in stale.stdout.splitlines()[1:-1]}
    assert "stale: code changed: hw3.controls" in rows["ink_pushed_out"] and "current" in rows["binarized"]
    assert stale.stdout.splitlines()[-1] == "1 stale: ink_pushed_out"

    assert run("-c", RUN).returncode == 0  # the next run recomputes it
    assert check().returncode == 0
    cleared = run("-m", "hw3.cache", "--clear", "binarized")
    assert cleared.returncode == 0 and "1 entries" in check().stdout
    assert run("-m", "hw3.cache", "--clear", "nothing").returncode == 2


def test_the_committed_cache_is_current_for_the_committed_code_and_models():
    """What `make homework` reuses was computed by today's code from today's saved models."""
    settings = RunSettings(smoke=False, output_dir=PROJECT_DIR)
    rows = cache.cache_report(settings)
    assert rows, "models/analysis_cache.json is part of the repository"
    assert {row["name"]: row["stale"] for row in rows if row["stale"]} == {}


def test_an_input_the_key_cannot_describe_is_refused():
    class Opaque:
        pass

    with pytest.raises(TypeError, match="cannot key the input options.1 of type Opaque"):
        input_digests([1, Opaque()], "options")
    assert list(input_digests([1, "a"], "options")) == ["options.0", "options.1"]


def test_a_module_edited_after_the_process_loaded_it_is_not_cached_under_the_new_key(tmp_path, monkeypatch):
    from hw3.data import binarize

    monkeypatch.setattr(cache, "_CODE_AT_FIRST_USE", {"hw3.data": "the digest this process saw first"})
    with pytest.raises(ValueError, match="hw3.data's source changed after this process loaded it"):
        cached_call(RunSettings(smoke=True, output_dir=tmp_path), "b", binarize, images=np.zeros((1, 28, 28)))
    assert not (tmp_path / "models" / "analysis_cache.json").exists()
