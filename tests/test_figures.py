"""The drawings: what a figure shows and what it refuses."""
import matplotlib.pyplot as plt
import pytest

import hw3.figures as figures


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
