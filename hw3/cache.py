"""The analysis cache: slow results stored in `models/analysis_cache.json`, each under the key of the
code, inputs and run mode that made it (`hw3/keys.py`), and reused only while that key still holds.

A result is computed by one module-level function of the package, called through `cached_call`
with keyword inputs. Editing a module the result depends on (other than its docstrings, comments or
layout), retraining a model it read, or calling it on other images recomputes it on the next run;
editing any other module reuses it.

`python -m hw3.cache` lists every cache entry and every results.json entry with whether it is current
for today's code and saved models, and the declared results entries that are missing; exit status 1
names the stale and missing ones. `--clear NAME` drops one cache entry.

Imports from the package: settings, keys, results.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Callable, Mapping

import numpy as np

from hw3.keys import (code_this_process_runs, entry_key, function_name, input_digests, package_sources,
                      saved_weights_digests, staleness)
from hw3.results import results_report
from hw3.settings import RunSettings, run_settings, write_json_atomically


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


def cache_report(settings: RunSettings, sources: Mapping[str, str] | None = None) -> list[dict]:
    """One row per stored entry: name, function, what it was keyed on (modules, models, arrays,
    values) and its staleness reasons."""
    saved = saved_weights_digests(settings)
    rows = []
    for name, entry in sorted(load_cache(settings).items()):
        kinds = [item.get("kind") for item in entry.get("inputs", {}).values()]
        rows.append({"name": name, "function": entry.get("function", "?"), "modules": len(entry.get("code", {})),
                     "models": kinds.count("model"), "arrays": kinds.count("array"), "values": kinds.count("value"),
                     "stale": staleness(entry, saved, settings.smoke, sources)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw3.cache", description=(
        "List the analysis cache and results.json: every entry and whether today's code and saved models "
        "would reuse it, and the declared results entries that are missing. Exit status 1 when any is stale "
        "or missing (the notebooks' next run recomputes it)."))
    parser.add_argument("--clear", metavar="NAME", help="drop the cache entry NAME (it is recomputed on the next run)")
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
    sources = package_sources()
    rows = cache_report(settings, sources)
    print(f"{len(rows)} entries in {settings.analysis_cache_path.relative_to(settings.output_dir)}")
    for row in rows:
        status = "stale: " + "; ".join(row["stale"]) if row["stale"] else "current"
        print(f"  {row['name']:<34} {row['function']:<42} {row['modules']:>2} modules, {row['models']:>3} models, "
              f"{row['arrays']} arrays, {row['values']} values  {status}")
    entries = results_report(settings, sources)
    print(f"{len(entries)} declared entries in {settings.results_path.relative_to(settings.output_dir)}")
    for row in entries:
        status = "missing" if row["missing"] else "stale: " + "; ".join(row["stale"]) if row["stale"] else "current"
        print(f"  {row['path']:<58} {row['writer']:<42} {status}")
    stale = [row["name"] for row in rows if row["stale"]] + \
        [row["path"] for row in entries if row["missing"] or row["stale"]]
    if stale:
        print(f"{len(stale)} stale or missing: {', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
