"""The notebooks' small tables on hand-made inputs: every cell where its value should be."""
from hw3.tables import (appended_rows_table, decision_share_rows, fair_probe_rows, gate_at_first_ink_rows,
                        head_by_step_rows, occlusion_summary_rows, training_reproduced_rows, translation_rows)


def test_translation_rows_put_left_right_up_down_in_their_columns():
    shifted = {"-4": 0.1, "4": 0.2, "-3": 0.9}
    translation = {"horizontal": {"a": shifted}, "vertical": {"a": {"-4": 0.3, "4": 0.4}}}
    header, rows = translation_rows(translation, ["a"])
    assert header[1:] == ["4 columns left", "4 columns right", "4 rows up", "4 rows down"]
    assert rows == [["a", "0.100", "0.200", "0.300", "0.400"]]


def test_occlusion_summary_rows_give_the_cost_in_points():
    header, rows = occlusion_summary_rows({"gru": {"worst_row": 12, "largest_cost": 0.2171}}, {"gru": 0.9688})
    assert rows == [["gru", "0.9688", "12", "21.7"]]


def test_decision_share_rows_sort_steps_as_numbers():
    header, rows = decision_share_rows({"share_decided_by_step": {"26": 0.9, "8": 0.05, "14": 0.111}})
    assert header == ["step t", "8", "14", "26"]
    assert rows[0][1:] == ["5.0%", "11.1%", "90.0%"]


def test_fair_probe_rows_read_step_t_at_index_t_minus_1():
    def curve(offset):
        return [offset + t / 100 for t in range(1, 29)]

    fair = {"gru_1x32": {"test_accuracy": curve(0.5), "C": [0.1] * 28},
            "pixels_so_far": {"test_accuracy": curve(0.2), "C": [10] * 28},
            "untrained_gru_1x32": {"test_accuracy": curve(0.1), "C": [1] * 28}}
    header, rows = fair_probe_rows(fair, (1, 28))
    assert rows[0] == ["1", "0.5100 (C = 0.1)", "0.2100 (C = 10)", "0.1100", "+30.0"]
    assert rows[1][0:2] == ["28", "0.7800 (C = 0.1)"]


def test_head_by_step_rows_read_step_t_at_index_t_minus_1_and_leave_missing_spreads_empty():
    heads = {"a": [t / 100 for t in range(1, 29)], "b": [0.5] * 28}
    header, rows = head_by_step_rows(heads, {"a": {"min": 0.1, "max": 0.3, "mean": 0.2}}, steps=(1, 28))
    assert header[1:3] == ["step 1", "step 28"]
    assert rows[0] == ["a", "0.010", "0.280", "0.100-0.300 (0.200)"]
    assert rows[1][-1] == ""


def test_appended_rows_table_takes_the_last_k_for_seed_0_and_shifts_both_ways():
    over_seeds = {"a": {"0": 0.9, "2": 0.8, "4": 0.7, "8": 0.5}}
    header, rows = appended_rows_table(over_seeds, {"a": {"8": 0.45, "0": 0.95}}, {"a": {"-4": 0.6, "4": 0.4}})
    assert header[5:] == ["k = 8 (seed 0)", "4 rows up (seed 0)", "4 rows down (seed 0)"]
    assert rows == [["a", "0.900", "0.800", "0.700", "0.500", "0.450", "0.600", "0.400"]]


def test_gate_at_first_ink_rows_join_the_two_summaries_by_gate():
    around = {"LSTM o": {"before": 0.5, "at": 0.6, "after": 0.8, "images": 10}}
    flat = {"LSTM o": {"sd_above_ink": 0.01, "sd_on_ink": 0.12, "largest_step_change_above_ink": 0.02}}
    header, rows = gate_at_first_ink_rows(around, flat)
    assert rows == [["LSTM o", "0.500", "0.600", "0.800", "0.010", "0.120", "0.020"]]


def test_training_reproduced_rows_put_the_new_run_first_with_the_weight_difference_beside_it():
    reproduced = {"now": {"test_loss": 0.1, "test_accuracy": 0.96875, "train_seconds": 27.6},
                  "saved": {"test_loss": 0.2, "test_accuracy": 0.5, "train_seconds": 30.4},
                  "largest_weight_difference": 0.00012}
    header, rows = training_reproduced_rows(reproduced)
    assert header == ["run", "test loss", "test accuracy", "seconds", "largest weight difference"]
    assert rows == [["trained now", "0.1000", "0.9688", "28", "1.2e-04"],
                    ["saved model", "0.2000", "0.5000", "30", ""]]
