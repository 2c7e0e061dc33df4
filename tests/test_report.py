"""answers.md: generated from its template and results.json, never edited by hand; word limits."""
import json
import re

import pytest

from hw3.settings import PROJECT_DIR
from hw3.models import CONFIG_NAMES
from hw3.report import word_count, REFERENCE_ACCURACY, p_value_text, render_report, replication_rows, report_section
from hw3.statistics import replication_summary

ANSWERS = PROJECT_DIR / "answers.md"


@pytest.fixture(scope="module")
def results():
    return json.loads((PROJECT_DIR / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def answers():
    return ANSWERS.read_text(encoding="utf-8")


def test_answers_equal_the_template_rendered_from_the_committed_results(results, answers):
    assert answers == render_report(results), \
        "answers.md is stale or was edited by hand: rerun the notebook (make homework)"


def test_no_placeholder_is_left_and_every_figure_exists(answers):
    assert "<<" not in answers and ">>" not in answers
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", answers)
    assert len(figures) >= 5
    for figure in figures:
        assert (PROJECT_DIR / figure).is_file(), figure


def test_results_table_quotes_every_configuration(results, answers):
    for name in CONFIG_NAMES:
        entry = results["configs"][name]
        assert f"{entry['test_accuracy']:.4f}" in answers
        assert f"{entry['test_loss']:.4f}" in answers


def test_every_configuration_beats_the_earlier_solution(results):
    for name, reference in REFERENCE_ACCURACY.items():
        assert results["configs"][name]["test_accuracy"] > reference, name


def test_last_five_steps_quoted_match_results(results, answers):
    accuracy = results["configs"]["gru_1x32"]["stepwise_test_accuracy"]
    row = next(line for line in answers.splitlines() if line.startswith("| GRU (1 layer, 32 units), this project"))
    assert row.split("|")[2:7] == [f" {accuracy[t - 1]:.4f} " for t in (28, 27, 26, 25, 24)]
    assert "last_five_steps" not in results["analysis"]["gru_1x32"], \
        "the per-step list in configs/gru_1x32 is the one source; no copy is stored"


def test_a_changed_result_changes_the_report(results):
    changed = json.loads(json.dumps(results))
    changed["configs"]["gru_1x32"]["test_accuracy"] = 0.1234
    assert "0.1234" in render_report(changed)
    assert "0.1234" not in render_report(results)


def test_missing_result_is_reported_clearly(results):
    broken = {key: value for key, value in results.items() if key != "analysis"}
    with pytest.raises(ValueError, match=r"which results.json does not have \('analysis'\)"):
        render_report(broken)


@pytest.mark.parametrize("section, limit", [("Q1", 1000), ("Q3", 500), ("Bonus", 300)])
def test_word_limits(answers, section, limit):
    words = word_count(report_section(answers, section))
    assert 0.3 * limit < words <= limit, f"{section}: {words} words"


def test_word_count_counts_inline_math_and_headings_but_not_tables_or_display_equations():
    text = "Two words $x_t = y$ here.\n\n$$a + b = c$$\n\n| a | b |\n|---|---|\n![figure](f.png)\n# Heading"
    assert word_count(text) == 8  # Two, words, $x_t, =, y$, here., #, Heading


def test_p_values_below_one_in_a_thousand_read_as_such():
    assert p_value_text(0.000999) == "< 0.001"
    assert p_value_text(0.001) == "0.001"
    assert p_value_text(0.0456) == "0.046"


def test_replication_rows_give_mean_range_and_seed_zero():
    def entry(accuracy, row, drop):
        return {"readout_by_steps_after_ink": {str(k): accuracy for k in range(-3, 4)}, "probe_at_16": accuracy,
                "head_at_16": accuracy, "share_read_as_7_at_16": 0.1, "worst_row_occlusion": {"row": row, "drop_points": drop}}
    summary = replication_summary({"gru_1x32": {"1": entry(0.8, 11, 10.0), "0": entry(0.9, 12, 20.0)}})
    header, rows = replication_rows(summary)
    assert header[1:] == ["gru_1x32: mean (min-max)", "gru_1x32: seed 0 (rank)"]
    assert rows[0][1:] == ["0.8500 (0.8000-0.9000)", "0.9000 (1)"]
    points = next(row for row in rows if row[0].endswith("points lost"))
    assert points[1:] == ["15.0 (10.0-20.0)", "20.0 (1)"]
    assert rows[-1][1] == "12, 11"  # seed order, whatever the order of the keys


def test_the_q31_table_leaves_out_the_tf1_comparison_and_the_tf1_table_lists_each_convention():
    from hw3.report import explanation_rows, tf1_convention_rows

    comparison = {"first": "a", "second": "b", "difference": 0.01, "low": 0.0, "high": 0.02, "p_value": 0.04,
                  "mcnemar_seed0": {"p_value": 0.5}}
    statistics = {"per_model": {"a": {"test_accuracy": {"mean": 0.97}}, "b": {"test_accuracy": {"mean": 0.96}}},
                  "comparisons": {"gru_1x32 - mlp_small": comparison, "gru_1x32_tf1_cell - gru_1x32": comparison}}
    assert [row[0] for row in explanation_rows(statistics)[1]] == ["gru_1x32 - mlp_small", "gru_1x32_tf1_cell - gru_1x32"]
    assert [row[0] for row in explanation_rows(statistics, leave_out=("tf1",))[1]] == ["gru_1x32 - mlp_small"]
    by_step = {str(t): {"mean": 0.5 + t / 100, "min": 0.4, "max": 0.9} for t in range(24, 29)}
    header, rows = tf1_convention_rows({"gru_1x32": by_step, "gru_1x32_tf1_glorot": by_step})
    assert header == ["GRU (1x32), seeds 0-4", "t = 24", "t = 25", "t = 26", "t = 27", "t = 28"]
    assert rows[0][0] == "GRU (1 layer, 32 units)" and rows[1][0] == "only a Glorot-uniform recurrent kernel"
    assert rows[0][1] == "0.7400 (0.400-0.900)" and rows[-1] == ["earlier solution (one run)", "0.7230", "0.8326",
                                                                  "0.9194", "0.9547", "0.9596"]
