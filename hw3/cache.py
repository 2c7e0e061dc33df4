"""The analysis cache: slow results stored in `models/analysis_cache.json`, each under a key that
covers everything that made it, and reused only while that key still holds.

A result is computed by one module-level function of the package, called through `cached_call`
with keyword inputs. Its key digests
  - the code: the source of the function's module and of every hw3 module it imports, through their
    own imports (the one-way import rule keeps this set small: a figure or the report is never in it);
  - the inputs: a Keras model by its weights, an array by its dtype, shape and bytes, a number or
    string by its `repr`, mappings and sequences entry by entry (anything else is refused); which
    saved model a model came from is recorded beside the key, so that the command below can compare
    it with the model's recipe;
  - the run mode (full or smoke).
Editing a module the result depends on, retraining a model it read, or calling it on other images
recomputes it on the next run; editing any other module reuses it.

`python -m hw3.cache` lists every entry with what it was keyed on and whether it is current for
today's code and saved models (exit status 1 naming the stale ones); `--clear NAME` drops one.

Imports from the package: settings.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from hw3.settings import PROJECT_DIR, RunSettings, run_settings, write_json_atomically

PACKAGE_DIR = PROJECT_DIR / "hw3"
NOT_CODE_OF_A_RESULT = {"hw3", "hw3.cache"}  # the package's import set-up and this module compute no result


# --- code: a function's module and the package modules it imports ---------------------------------

def imported_package_modules(module: str, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """The hw3 modules that `module` (e.g. 'hw3.controls') imports directly, read from its source."""
    tree = ast.parse(_module_path(module, package_dir).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "hw3":
            if node.module == "hw3":
                found |= {f"hw3.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "hw3"}
    return found - NOT_CODE_OF_A_RESULT


def code_modules(module: str, package_dir: Path = PACKAGE_DIR) -> list[str]:
    """`module` and every hw3 module it reaches through imports, sorted."""
    seen, waiting = set(), [module]
    while waiting:
        current = waiting.pop()
        if current not in seen:
            seen.add(current)
            waiting.extend(imported_package_modules(current, package_dir) - seen)
    return sorted(seen)


def _module_path(module: str, package_dir: Path) -> Path:
    path = package_dir / f"{module.split('.', 1)[-1]}.py"
    if not module.startswith("hw3.") or not path.exists():
        raise FileNotFoundError(f"{module} has no source file at hw3/{path.name}: is the name right?")
    return path


def code_digests(module: str, package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """{module: sha256 of its source} for `module` and the hw3 modules it reaches."""
    return {name: hashlib.sha256(_module_path(name, package_dir).read_bytes()).hexdigest()
            for name in code_modules(module, package_dir)}


def function_name(function: Callable) -> str:
    """'hw3.controls:shift_values' for a module-level function of the package; ValueError for a lambda,
    a nested function or a function outside hw3 (its code could not be found again to check the key)."""
    module, qualname = getattr(function, "__module__", ""), getattr(function, "__qualname__", "")
    if module.split(".")[0] != "hw3" or "<" in qualname or "." in qualname:
        raise ValueError(f"cached_call needs a module-level function of hw3, got {module}:{qualname}; "
                         "move the computation into a named function of its module.")
    return f"{module}:{qualname}"


# --- inputs ---------------------------------------------------------------------------------------

def weights_digest(model) -> str:
    """sha256 of a model's weights (any object with `get_weights()`), in their order, with shapes."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        weight = np.ascontiguousarray(weight)
        digest.update(repr((weight.dtype.str, weight.shape)).encode())
        digest.update(weight.tobytes())
    return digest.hexdigest()


def input_digests(value: Any, label: str) -> dict[str, dict]:
    """{label path: {'sha256', and 'kind', 'saved_model' or 'repr'}} for one input, flattened:
    mappings and lists/tuples entry by entry ('models.gru_1x32.3'), a model by its weights (with the
    saved model it was loaded from, `model.hw3_saved_as`, when it has one), an array by its bytes."""
    if isinstance(value, Mapping):
        found = {}
        for key in value:
            found.update(input_digests(value[key], f"{label}.{key}"))
        return found or {label: {"kind": "empty", "sha256": hashlib.sha256(b"{}").hexdigest()}}
    if isinstance(value, (list, tuple)):
        found = {}
        for index, item in enumerate(value):
            found.update(input_digests(item, f"{label}.{index}"))
        return found
    if hasattr(value, "get_weights"):
        return {label: {"kind": "model", "sha256": weights_digest(value),
                        "saved_model": getattr(value, "hw3_saved_as", None)}}
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest = hashlib.sha256(repr((array.dtype.str, array.shape)).encode() + array.tobytes())
        return {label: {"kind": "array", "sha256": digest.hexdigest(), "shape": list(array.shape)}}
    if not isinstance(value, (bool, int, float, str, type(None), np.generic)):
        raise TypeError(f"cached_call cannot key the input {label} of type {type(value).__name__}: pass models, "
                        "arrays, numbers, strings, or mappings and lists of them.")
    text = repr(value)
    return {label: {"kind": "value", "sha256": hashlib.sha256(text.encode()).hexdigest(), "repr": text[:80]}}


def entry_key(function: str, code: Mapping[str, str], inputs: Mapping[str, Mapping], smoke: bool) -> str:
    """The one digest a stored entry must match: function, code, inputs and run mode."""
    parts = [function, sorted(code.items()), sorted((label, item["sha256"]) for label, item in inputs.items()), smoke]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


# --- the store --------------------------------------------------------------------------------------

def load_cache(settings: RunSettings) -> dict:
    """The stored entries, {} when there are none (a damaged file is only a slower run: it is recomputed)."""
    path = settings.analysis_cache_path
    if not path.exists():
        return {}
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}
    return cache if isinstance(cache, dict) else {}


_CODE_AT_FIRST_USE: dict[str, str] = {}  # module -> digest of its source when this process first keyed on it


def code_this_process_runs(module: str) -> dict[str, str]:
    """`code_digests(module)`, checked against the digests this process saw first: ValueError when a
    module's file changed after this process loaded it (a kernel would compute with the old code and
    store the result under the new code's key)."""
    code = code_digests(module)
    for name, digest in code.items():
        if _CODE_AT_FIRST_USE.setdefault(name, digest) != digest:
            raise ValueError(f"{name}'s source changed after this process loaded it; restart the kernel (or the "
                             "process) so that the cache stores what the new code computes.")
    return code


def cached_call(settings: RunSettings, name: str, function: Callable[..., Any], **inputs) -> Any:
    """`function(**inputs)`, a JSON-able value, stored in the analysis cache under `name` with its key
    (`entry_key`) and reused while the key holds (and `settings.retrain` is not set)."""
    qualified = function_name(function)
    code = code_this_process_runs(function.__module__)
    digests = {}
    for argument, value in inputs.items():
        digests.update(input_digests(value, argument))
    key = entry_key(qualified, code, digests, settings.smoke)
    entry = load_cache(settings).get(name)
    if entry is not None and entry.get("key") == key and not settings.retrain:
        return entry["value"]
    value = json.loads(json.dumps(function(**inputs), default=_plain))  # returned as a later run reads it back
    cache = load_cache(settings)  # read again: another experiment may have stored an entry meanwhile
    cache[name] = {"function": qualified, "code": code, "inputs": digests, "smoke": settings.smoke, "key": key,
                   "value": value}
    write_json_atomically(cache, settings.analysis_cache_path)
    return value


def _plain(value: Any) -> Any:
    """NumPy arrays and scalars as the lists and numbers JSON stores."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    raise TypeError(f"a cached value must be JSON-able; got {type(value).__name__}")


# --- recipes of saved models, as the cache reads them ----------------------------------------------

def recipe_path(model_path: Path) -> Path:
    """models/gru_1x32.keras -> models/gru_1x32.recipe.json (also for seeds' .weights.h5 files)."""
    return model_path.with_name(model_path.name.split(".")[0] + ".recipe.json")


def saved_weights_digests(settings: RunSettings) -> dict[str, str]:
    """{saved model name ('gru_1x32', 'gru_1x32_seed3'): the weights digest its recipe records}."""
    found = {}
    for path in sorted(settings.models_dir.rglob("*.recipe.json")):
        try:
            recipe = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        found[path.name.split(".")[0]] = recipe.get("weights_sha256")
    return found


def staleness(entry: Mapping, saved: Mapping[str, str], smoke: bool, package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Why a stored entry would not be reused by today's code and saved models ([] when it is current).
    Arrays and values are checked when a run calls the function (they come from the data and the code)."""
    reasons = []
    if "key" not in entry or ":" not in entry.get("function", ""):
        return ["stored without the key of its code and inputs (an older cache)"]
    module = entry["function"].split(":")[0]
    try:
        today = code_digests(module, package_dir)
    except FileNotFoundError:
        return [f"its function {entry.get('function')} no longer exists"]
    stored = entry.get("code", {})
    changed = sorted(name for name in today.keys() | stored.keys() if today.get(name) != stored.get(name))
    if changed:
        reasons.append("code changed: " + ", ".join(changed))
    for label, item in entry.get("inputs", {}).items():
        source = item.get("saved_model")
        if item.get("kind") == "model" and source is not None and saved.get(source) != item["sha256"]:
            reasons.append(f"model {source} ({label}) is not the saved one" if source in saved
                           else f"model {source} ({label}) has no saved recipe")
    if entry.get("smoke") != smoke:
        reasons.append("computed in the other run mode")
    return reasons


def cache_report(settings: RunSettings, package_dir: Path = PACKAGE_DIR) -> list[dict]:
    """One row per stored entry: name, function, what it was keyed on (modules, models, arrays,
    values) and its staleness reasons."""
    saved = saved_weights_digests(settings)
    rows = []
    for name, entry in sorted(load_cache(settings).items()):
        kinds = [item.get("kind") for item in entry.get("inputs", {}).values()]
        rows.append({"name": name, "function": entry.get("function", "?"), "modules": len(entry.get("code", {})),
                     "models": kinds.count("model"), "arrays": kinds.count("array"), "values": kinds.count("value"),
                     "stale": staleness(entry, saved, settings.smoke, package_dir)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw3.cache", description=(
        "List the analysis cache: every entry, what it was keyed on, and whether today's code and saved "
        "models would reuse it. Exit status 1 when any entry is stale (the notebook's next run recomputes it)."))
    parser.add_argument("--clear", metavar="NAME", help="drop the entry NAME (it is recomputed on the next run)")
    arguments = parser.parse_args(argv)
    settings = run_settings()
    if settings.smoke and not os.environ.get("HW3_OUTPUT_DIR"):
        print("in smoke mode, set HW3_OUTPUT_DIR to the smoke run's output folder (each smoke run has its own)")
        return 2
    if arguments.clear:
        cache = load_cache(settings)
        if arguments.clear not in cache:
            print(f"no entry {arguments.clear!r}; the entries are: {', '.join(sorted(cache)) or 'none'}")
            return 2
        del cache[arguments.clear]
        write_json_atomically(cache, settings.analysis_cache_path)
        print(f"dropped {arguments.clear}")
        return 0
    rows = cache_report(settings)
    print(f"{len(rows)} entries in {settings.analysis_cache_path.relative_to(settings.output_dir)}")
    for row in rows:
        status = "stale: " + "; ".join(row["stale"]) if row["stale"] else "current"
        print(f"  {row['name']:<34} {row['function']:<42} {row['modules']:>2} modules, {row['models']:>3} models, "
              f"{row['arrays']} arrays, {row['values']} values  {status}")
    stale = [row["name"] for row in rows if row["stale"]]
    if stale:
        print(f"{len(stale)} stale: {', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
