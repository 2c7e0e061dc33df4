"""save_figure in and out of a notebook: where a figure is shown, and that the report's versions are not."""
import matplotlib.pyplot as plt

import hw3.figure_files as figure_files
from hw3.settings import RunSettings


def test_in_a_notebook_a_saved_figure_is_shown_at_once_unless_it_is_for_the_report_only(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(figure_files, "in_an_inline_notebook", lambda: True)
    monkeypatch.setattr(figure_files, "display_figure", lambda figure, page_width=False: shown.append(figure))
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    notebook, report = plt.figure(), plt.figure()
    assert figure_files.save_figure(notebook, "a", settings) == "figures/a.png"
    figure_files.save_figure(report, "b", settings, show=False)
    assert shown == [notebook], "shown where it is saved; the report's version not at all"
    assert not plt.fignum_exists(notebook.number) and not plt.fignum_exists(report.number), \
        "both closed, so the inline backend does not draw them again at the cell's end"
    assert (tmp_path / "figures" / "a.png").exists() and (tmp_path / "figures" / "b.png").exists()


def test_outside_a_notebook_a_saved_figure_is_neither_shown_nor_closed(tmp_path):
    assert not figure_files.in_an_inline_notebook()
    figure = plt.figure()
    figure_files.save_figure(figure, "c", RunSettings(smoke=True, output_dir=tmp_path))
    assert plt.fignum_exists(figure.number)
    plt.close(figure)


def test_a_shown_figure_carries_alt_text_from_its_titles_and_its_width(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    figure, axes = plt.subplots(1, 2, figsize=(4, 2))
    figure.suptitle("Test image 0")
    axes[0].set_title("forget gate")
    figure_files.display_figure(figure)
    figure_files.display_figure(figure, page_width=True)
    plt.close(figure)
    first, second = (output.data for output in shown)
    assert 'alt="Figure: Test image 0; forget gate."' in first and "width: 400px" in first
    assert "width: 100%" in second
