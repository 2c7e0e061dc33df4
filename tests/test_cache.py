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
from hw3.cache import cached_call
from hw3.keys import (code_digests, code_modules, entry_key, function_name, input_digests, package_sources, staleness,
                      syntax_digest)
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
    sources = package_sources(package)
    assert code_modules("hw3.controls", sources) == ["hw3.controls", "hw3.data", "hw3.readout", "hw3.settings"]
    assert code_modules("hw3.settings", sources) == ["hw3.settings"]  # nothing later, and no figure
    assert "hw3.cache" not in code_modules("hw3.data", sources)  # the cache computes no result
    before = code_digests("hw3.controls", sources)
    (package / "figures.py").write_text("from hw3.controls import other\n", encoding="utf-8")
    assert code_digests("hw3.controls", package_sources(package)) == before  # a module it does not import
    (package / "readout.py").write_text("from hw3.settings import X, Y\n", encoding="utf-8")
    after = code_digests("hw3.controls", package_sources(package))
    assert [name for name in before if before[name] != after[name]] == ["hw3.readout"]
    with pytest.raises(FileNotFoundError, match="hw3/missing.py"):
        code_modules("hw3.missing", sources)


def test_the_code_digest_ignores_docstrings_comments_and_layout_but_not_code():
    source = textwrap.dedent('''
        """Module doc."""
        class Cell:
            """Class doc."""
            def step(self, x):
                """Step doc."""
                return x + 1  # one more
        def only_documented():
            """Nothing else."""
        ''')
    digest = syntax_digest(source)
    assert syntax_digest(source.replace("Step doc.", "Another sentence.\n    Two lines.")) == digest
    assert syntax_digest(source.replace("  # one more", "") + "\n\n# a comment\n") == digest
    assert syntax_digest(source.replace("return x + 1", "return (x\n                + 1)")) == digest
    assert syntax_digest(source.replace('"""Module doc."""', "")) == digest
    assert syntax_digest(source.replace("x + 1", "x + 2")) != digest
    assert syntax_digest(source.replace("return x + 1", "return 1 + x")) != digest
    assert syntax_digest(source.replace('"""Nothing else."""', "pass")) == digest  # an empty body is a pass
    assert syntax_digest(source.replace('"""Nothing else."""', "return None")) != digest


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
    entry = {"function": "hw3.data:f", "code": code_digests("hw3.data", package_sources(package)), "smoke": False,
             "key": "k",
             "inputs": {"model": {"kind": "model", "sha256": "w1", "saved_model": "gru_1x32"},
                        "untrained": {"kind": "model", "sha256": "w9", "saved_model": None},
                        "images": {"kind": "array", "sha256": "i"}}}
    sources = package_sources(package)
    assert staleness(entry, {"gru_1x32": "w1"}, False, sources) == []
    assert staleness(entry, {"gru_1x32": "w2"}, False, sources) == ["model gru_1x32 (model) is not the saved one"]
    assert staleness(entry, {}, False, sources) == ["model gru_1x32 (model) has no saved recipe"]
    assert staleness(entry, {"gru_1x32": "w1"}, True, sources) == ["computed in the other run mode"]
    (package / "settings.py").write_text("X = 2\n", encoding="utf-8")
    assert staleness(entry, {"gru_1x32": "w1"}, False, package_sources(package)) == ["code changed: hw3.settings"]
    assert staleness({**entry, "function": "hw3.gone:f"}, {}, False, sources) == [
        "its function hw3.gone:f no longer exists"]
    older = {key: value for key, value in entry.items() if key != "key"}
    assert staleness(older, {"gru_1x32": "w1"}, False, sources) == ["stored without the key of its code and inputs"]


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


def copy_of_the_project(folder):
    """The package and what `python -m hw3.cache` reads (results.json, the analysis cache, the saved models'
    recipes), as a clean clone has them; the models themselves are not needed to check the keys."""
    shutil.copytree(PROJECT_DIR / "hw3", folder / "hw3", ignore=shutil.ignore_patterns("__pycache__"))
    for path in [PROJECT_DIR / "results" / "results.json", PROJECT_DIR / "models" / "analysis_cache.json",
                 *(PROJECT_DIR / "models").rglob("*.recipe.json")]:
        target = folder / path.relative_to(PROJECT_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return folder


def test_a_docstring_edit_keeps_every_entry_and_a_one_line_change_names_just_what_it_made(tmp_path):
    """The issue's check, in a copy of the project: `python -m hw3.cache` exits 0; a docstring-only edit of
    hw3/data.py keeps it at 0; one line changed inside `controls.ink_pushed_out` makes it exit 1 naming the
    entries made through hw3/controls.py and no other (the binarized images do not depend on it); a run
    recomputes the cache entry."""
    copy = copy_of_the_project(tmp_path / "project")
    environment = {key: value for key, value in os.environ.items() if key not in ("HW3_SMOKE", "HW3_OUTPUT_DIR")}

    def run(*arguments):
        return subprocess.run([sys.executable, *arguments], cwd=copy, env=environment, capture_output=True, text=True,
                              timeout=300)

    def stale_names(done):
        return {line.split()[0] for line in done.stdout.splitlines() if " stale: " in line or line.endswith(" missing")}

    assert run("-c", RUN).returncode == 0
    fresh = run("-m", "hw3.cache")
    assert fresh.returncode == 0 and stale_names(fresh) == set(), fresh.stdout + fresh.stderr

    data_path = copy / "hw3" / "data.py"
    data_path.write_text(data_path.read_text(encoding="utf-8").replace('"""', '"""A docstring edited. ', 1)
                         .replace("\n\n\n", "\n\n\n# a comment\n", 1), encoding="utf-8")
    assert run("-m", "hw3.cache").returncode == 0  # docstrings, comments and layout are not in any key

    source = (copy / "hw3" / "controls.py").read_text(encoding="utf-8")
    body = source[source.index("def ink_pushed_out("):]
    line = next(text for text in body.splitlines()[1:] if text.strip().startswith("return"))
    (copy / "hw3" / "controls.py").write_text(source.replace(line, line + " if True else None"), encoding="utf-8")
    stale = run("-m", "hw3.cache")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    named = stale_names(stale)
    assert "ink_pushed_out" in named and "binarized" not in named
    assert "shift_experiment" in named and "analysis.shift" in named  # computed through hw3/controls.py
    assert "configs" not in named and "seeds" not in named  # training does not import it
    assert all("code changed: hw3.controls" in line for line in stale.stdout.splitlines() if " stale: " in line)

    assert run("-c", RUN).returncode == 0  # the next run recomputes the cache entry
    assert "ink_pushed_out" not in stale_names(run("-m", "hw3.cache"))
    assert run("-m", "hw3.cache", "--clear", "binarized").returncode == 0
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


EDIT_AFTER_IMPORT = """
import sys
from pathlib import Path
import numpy as np
import hw3.controls as controls                    # 1. the process loads the package (a kernel's first cell)
from hw3.cache import cached_call
from hw3.settings import RunSettings

path = Path(controls.__file__)                     # 2. the module is edited on disk: twice the value
source = path.read_text(encoding="utf-8")
body = source[source.index("def ink_pushed_out("):]
line = next(text for text in body.splitlines()[1:] if text.strip().startswith("return"))
path.write_text(source.replace(line, line.replace("return ", "return 2 * ") if "{" not in line else line + " * 2"),
                encoding="utf-8")
settings = RunSettings(smoke=True, output_dir=Path(sys.argv[1]))
images = np.zeros((2, 28, 28), np.float32)
images[:, 5:20, 10] = 1.0
try:                                               # 3. the first cached call
    cached_call(settings, "ink_pushed_out", controls.ink_pushed_out, images=images, shift=3)
except ValueError as error:
    print("REFUSED", error)
"""


def test_a_module_edited_after_the_process_loaded_the_package_is_refused_not_stored(tmp_path):
    """The issue's sequence, in a copy of the package: import, edit on disk, first cached call. The old
    code's value must not be stored under the new code's key."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECT_DIR / "hw3", copy / "hw3", ignore=shutil.ignore_patterns("__pycache__"))
    environment = {key: value for key, value in os.environ.items() if key not in ("HW3_SMOKE", "HW3_OUTPUT_DIR")}
    output = tmp_path / "output"
    done = subprocess.run([sys.executable, "-c", EDIT_AFTER_IMPORT, str(output)], cwd=copy, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "REFUSED hw3.controls changed on disk after this process loaded the hw3 package; restart" in done.stdout
    assert not (output / "models" / "analysis_cache.json").exists()
    assert "return 2 * " in (copy / "hw3" / "controls.py").read_text(encoding="utf-8") or \
        " * 2" in (copy / "hw3" / "controls.py").read_text(encoding="utf-8")
