"""What a full smoke run of both notebooks (make homework's order, one output folder) wrote into its
results.json: every declared entry, current for the code that ran, and nothing else. Runs after the
notebooks on their pytest worker (conftest.py); skipped when this session does not run both notebooks."""
import pytest

from hw3.results import PROVENANCE, SCHEMA, declared_entry, load_results, results_report
from hw3.settings import run_settings


@pytest.fixture
def smoke_results(request):
    if not getattr(request.config, "hw3_notebooks_run", False):
        pytest.skip("needs both notebooks' smoke run in this session: run `make test` (or pytest with both notebooks)")
    settings = run_settings()
    assert settings.smoke and settings.results_path.exists(), "the notebooks' smoke run wrote no results.json"
    return settings


def test_a_smoke_run_writes_every_declared_entry_current(smoke_results):
    bad = {row["path"]: "missing" if row["missing"] else row["stale"] for row in results_report(smoke_results)
           if row["missing"] or row["stale"]}
    assert bad == {}


def test_a_smoke_run_writes_nothing_undeclared(smoke_results):
    results = load_results(smoke_results)
    written = results.pop(PROVENANCE)["entries"]
    for path in written:
        declared_entry(path)  # raises for an undeclared path
    leaves, waiting = [], [("", results)]
    while waiting:
        prefix, section = waiting.pop()
        for key, value in section.items():
            path = f"{prefix}{key}"
            if any(path == stored or path.startswith(stored + ".") for stored in written):
                continue
            if isinstance(value, dict) and value and any(stored.startswith(path + ".") for stored in written):
                waiting.append((path + ".", value))
            else:
                leaves.append(path)
    assert leaves == [], "values in results.json that no store_results call wrote"
    assert {entry.path for entry in SCHEMA} <= {declared_entry(path).path for path in written}
