"""save_figure in and out of a notebook: where a figure is shown, and that the report's versions are not."""
import matplotlib.pyplot as plt
import pytest

import hw3.figures as figures
from hw3.settings import RunSettings


def test_in_a_notebook_a_saved_figure_is_shown_at_once_unless_it_is_for_the_report_only(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(figures, "in_an_inline_notebook", lambda: True)
    monkeypatch.setattr(figures, "display_figure", shown.append)
    settings = RunSettings(smoke=True, output_dir=tmp_path)
    notebook, report = plt.figure(), plt.figure()
    assert figures.save_figure(notebook, "a", settings) == "figures/a.png"
    figures.save_figure(report, "b", settings, show=False)
    assert shown == [notebook], "shown where it is saved; the report's version not at all"
    assert not plt.fignum_exists(notebook.number) and not plt.fignum_exists(report.number), \
        "both closed, so the inline backend does not draw them again at the cell's end"
    assert (tmp_path / "figures" / "a.png").exists() and (tmp_path / "figures" / "b.png").exists()


def test_outside_a_notebook_a_saved_figure_is_neither_shown_nor_closed(tmp_path):
    assert not figures.in_an_inline_notebook()
    figure = plt.figure()
    figures.save_figure(figure, "c", RunSettings(smoke=True, output_dir=tmp_path))
    assert plt.fignum_exists(figure.number)
    plt.close(figure)


def test_the_appended_rows_figure_ticks_each_panels_own_k_and_refuses_a_missing_cell():
    over_seeds = {"gru_1x32": {"0": 0.9, "2": 0.5}, "gru_1x32_every_step_loss": {"0": 0.9, "4": 0.8},
                  "lstm_1x32": {"0": 0.9, "1": 0.7}}
    figure = figures.plot_appended_blank_rows(over_seeds)
    gru, lstm = figure.axes[:2]
    assert list(gru.get_xticks()) == [0, 2, 4] and list(lstm.get_xticks()) == [0, 1]
    drawn = {tuple(line.get_xdata()) for line in gru.lines}
    assert {(0, 2), (0, 4)} <= drawn and (0, 1) not in drawn, "each line on its own cell's panel"
    plt.close(figure)
    with pytest.raises(ValueError, match="no LSTM model"):
        figures.plot_appended_blank_rows({"gru_1x32": {"0": 0.9}})
