"""How `make test` orders and groups the notebooks (conftest.py): as `make homework` runs them, the lab
book first, with the walkthrough and the JupyterLab browser test on the lab book's worker."""
import types

import conftest


class Item:
    def __init__(self, nodeid: str):
        self.nodeid = nodeid


def test_the_lab_book_runs_first_then_the_walkthrough_then_everything_else_in_collected_order():
    collected = ["hw3.ipynb::Cell 0", "tests/test_smoke_run_results.py::test_z", "hw3.ipynb::Cell 1",
                 "lab_book.ipynb::Cell 0", "tests/test_b.py::test_x", "lab_book.ipynb::Cell 1",
                 "tests/test_a.py::test_y[lstm]"]
    items, config = [Item(nodeid) for nodeid in collected], types.SimpleNamespace()
    conftest.pytest_collection_modifyitems(config, items)
    assert [item.nodeid for item in items] == [
        "lab_book.ipynb::Cell 0", "lab_book.ipynb::Cell 1", "hw3.ipynb::Cell 0", "hw3.ipynb::Cell 1",
        "tests/test_smoke_run_results.py::test_z", "tests/test_b.py::test_x", "tests/test_a.py::test_y[lstm]"]
    assert config.hw3_notebooks_run is True
    conftest.pytest_collection_modifyitems(config, [Item("hw3.ipynb::Cell 0"), Item("tests/test_b.py::test_x")])
    assert config.hw3_notebooks_run is False  # the walkthrough alone: the smoke run's results are not checked


def test_the_walkthrough_and_the_browser_test_share_the_lab_books_unit_of_work_and_nothing_else_does():
    assert conftest.file_of("tests/test_widgets_in_browser.py::test_sliders[a::b]") == conftest.BROWSER_TEST
    assert conftest.shared_scope("hw3.ipynb") == conftest.shared_scope(conftest.BROWSER_TEST) == "lab_book.ipynb"
    assert conftest.shared_scope(conftest.SMOKE_RUN_RESULTS_TEST) == "lab_book.ipynb"
    assert conftest.shared_scope("lab_book.ipynb") == "lab_book.ipynb"
    assert conftest.shared_scope("tests/test_data.py") == "tests/test_data.py"
