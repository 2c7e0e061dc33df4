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
    for t in (28, 27, 26, 25, 24):  # one row per step, seed 0 in the second column
        row = next(line for line in answers.splitlines() if line.startswith(f"| t = {t} |"))
        assert row.split("|")[2] == f" {accuracy[t - 1]:.4f} ", t
    assert "last_five_steps" not in results["analysis"]["gru_1x32"], \
        "the per-step list in configs/gru_1x32 is the one source; no copy is stored"


def test_every_table_the_report_builds_is_placed_by_the_template(results):
    from hw3.report import ANSWERS_TEMPLATE, report_tables

    template = ANSWERS_TEMPLATE.read_text(encoding="utf-8")
    assert all(f"<<{name}>>" in template for name in report_tables(results))


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
    """Tables' words count (numbers aside), except the Q3.3 table of the last five steps (the homework's
    own evidence; the required Q2 table sits in Q2, which has no limit)."""
    words = word_count(report_section(answers, section), excepted_tables=(LAST_STEPS_HEADER,))
    assert 0.3 * limit < words <= limit, f"{section}: {words} words"


LAST_STEPS_HEADER = "step t read out as the last"


def test_word_count_counts_prose_math_headings_and_table_words_but_not_numbers_or_display_equations():
    text = ("Two words $x_t = y$ here.\n\n$$a + b = c$$\n\n| model a | 0.5 |\n|---|---|\n| b 12 | < 0.001 |\n"
            "![figure](f.png)\n# Heading\n\n| skipped | 1 |\n|---|---|\n| gone | 2 |")
    assert word_count(text, excepted_tables=("skipped",)) == 11  # 8 outside tables; model, a, b
    assert word_count(text) == 13  # and the second table's skipped, gone


def test_p_values_below_one_in_a_thousand_read_as_such():
    assert p_value_text(0.000999) == "< 0.001"
    assert p_value_text(0.001) == "0.001"
    assert p_value_text(0.0456) == "0.046"


def test_a_p_value_placeholder_reads_after_p():
    from hw3.report import filled

    results = {"a": 0.0714, "b": 0.000163}
    assert filled("p <<a:p>>, p <<b:p>>", results) == "p = 0.071, p < 0.001"


def test_replication_rows_give_mean_range_and_seed_zero():
    def entry(accuracy, row, drop):
        return {"readout_by_steps_after_ink": {str(k): accuracy for k in range(-3, 4)}, "probe_at_16": accuracy,
                "head_at_16": accuracy, "share_read_as_7_at_16": 0.1, "worst_row_occlusion": {"row": row, "drop_points": drop}}
    summary = replication_summary({"gru_1x32": {"1": entry(0.8, 11, 10.0), "0": entry(0.9, 12, 20.0)}}, seeds=(0, 1))
    header, rows = replication_rows(summary)
    assert header[1:] == ["gru_1x32: mean (min-max)", "gru_1x32: seed 0 (rank)"]
    assert rows[0][1:] == ["0.8500 (0.8000-0.9000)", "0.9000 (1)"]
    points = next(row for row in rows if row[0].endswith("points lost"))
    assert points[1:] == ["15.0 (10.0-20.0)", "20.0 (1)"]
    assert rows[-1][1] == "12, 11"  # seed order, whatever the order of the keys


def test_the_q31_table_leaves_out_the_tf1_comparison_and_the_tf1_table_lists_each_convention():
    from hw3.report import explanation_rows, tf1_convention_rows

    def comparison(first, second):
        return {"first": first, "second": second, "difference": 0.01, "low": 0.0, "high": 0.02, "p_value": 0.04,
                "mcnemar_seed0": {"p_value": 0.5}}
    statistics = {"per_model": {name: {"test_accuracy": {"mean": mean}} for name, mean in
                                (("gru_1x32", 0.97), ("mlp_small", 0.93), ("gru_1x32_tf1_cell", 0.96))},
                  "comparisons": {"gru_1x32 - mlp_small": comparison("gru_1x32", "mlp_small"),
                                  "gru_1x32_tf1_cell - gru_1x32": comparison("gru_1x32_tf1_cell", "gru_1x32")}}
    rows = explanation_rows(statistics)[1]
    assert [row[0] for row in rows] == ["GRU 1x32 - small perceptron", "GRU 1x32, TF1 cell - GRU 1x32"]
    assert rows[0][1:3] == ["0.9700", "0.9300"] and rows[1][1:3] == ["0.9600", "0.9700"]  # first's mean, then second's
    assert [row[0] for row in explanation_rows(statistics, leave_out=("tf1",))[1]] == ["GRU 1x32 - small perceptron"]
    by_step = {str(t): {"mean": 0.5 + t / 100, "min": 0.4, "max": 0.9, "seeds": [0, 1, 2, 3, 4]} for t in range(24, 29)}
    header, rows = tf1_convention_rows({"gru_1x32": by_step, "gru_1x32_tf1_glorot": by_step})
    assert header == ["GRU (1x32), seeds 0-4", "t = 24", "t = 25", "t = 26", "t = 27", "t = 28"]
    assert rows[0][0] == "GRU (1 layer, 32 units)" and rows[1][0] == "only a Glorot-uniform recurrent kernel"
    assert rows[0][1] == "0.7400 (0.400-0.900)" and rows[-1] == ["earlier solution (one run)", "0.7230", "0.8326",
                                                                  "0.9194", "0.9547", "0.9596"]


# --- The report read as a paper: numbered captions, citations, definitions, typed numbers -------------

CAPTION = re.compile(r"^\*\*(Figure|Table) (\d+)\.\*\* ", flags=re.MULTILINE)


def _captions(answers):
    found = [(kind, int(number)) for kind, number in CAPTION.findall(answers)]
    return {kind: [number for k, number in found if k == kind] for kind in ("Figure", "Table")}


def test_figures_and_tables_are_numbered_in_order_and_each_is_cited_outside_its_caption(answers):
    captions = _captions(answers)
    assert captions["Figure"] == list(range(1, len(captions["Figure"]) + 1)) and len(captions["Figure"]) >= 6
    assert captions["Table"] == list(range(1, len(captions["Table"]) + 1)) and len(captions["Table"]) >= 5
    prose = "\n".join(line for line in answers.splitlines() if not CAPTION.match(line) and not line.startswith("!["))
    cited = {(kind, int(number)) for kind, number in re.findall(r"\b(Figure|Table) (\d+)\b", prose)}
    defined = {(kind, number) for kind, numbers in captions.items() for number in numbers}
    assert cited <= defined, f"cited but not captioned: {sorted(cited - defined)}"
    assert defined <= cited, f"captioned but never cited: {sorted(defined - cited)}"


def test_every_image_sits_above_its_caption_and_every_table_below_one(answers):
    lines = answers.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("!["):
            number = re.match(r"!\[Figure (\d+)\]\(figures/[\w-]+\.svg\)$", line)
            assert number, line
            assert lines[index + 2].startswith(f"**Figure {number.group(1)}.** "), line
        if line.startswith("|") and not lines[index - 1].startswith("|"):  # a table's header row
            paragraph = "\n".join(lines[:index]).rstrip().split("\n\n")[-1]  # the paragraph above it
            assert paragraph.startswith("**Table"), f"table without a caption: {line[:60]}"


def test_citations_and_captions_are_numbered_by_the_renderer(results):
    from hw3.report import numbered_captions

    template = "[[figure a]] A.\n\nSee [[b]] and [[a]].\n\n[[table b]] B.\n\n[[figure c]] C."
    assert numbered_captions(template) == {"a": "Figure 1", "b": "Table 1", "c": "Figure 2"}
    with pytest.raises(ValueError, match="twice"):
        numbered_captions("[[figure a]] A.\n\n[[table a]] B.")


def test_a_citation_of_an_unknown_name_fails_clearly(results, tmp_path):
    template = tmp_path / "template.md"
    template.write_text("# T\n\n[[figure x]] A figure.\n\nAs [[y]] shows.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cites \[\[y\]\]"):
        render_report(results, template=template)


# Each symbol or model name the report uses, and a pattern of the sentence that defines it: the first
# use may not come before that sentence.
DEFINED_BEFORE_USE = {
    r"\$L\$": r"last row with ink", r"\$F\$": r"its first row with ink",
    r"\b\dx\d+\b": r"\(layers x units\)", r"\bsmall perceptron\b": r"small perceptron\s+\(784-12-12-10\)",
    r"\bsmall CNN\b": r"small CNN of the GRU's size", r"(?<!small )\bCNN\b": r"convolutional network \(CNN\)",
    r"(?<!small )\bperceptron\b": r"perceptron \(784-256-256-10\)", r"\bTF1\b": r"GRU cell \(TF1\)",
    r"\bevery-step loss\b": r"every-step loss \(averaged", r"\btrailing blanks\b": r"trailing blanks \(0-8",
    r"\b[Rr]ead(ing)? out\b": r"Reading out at step", r"\bprobe\b": r"a probe is a logistic\s+regression",
}


def _sentence_start(text, position):
    cut = max(text.rfind(". ", 0, position), text.rfind("\n\n", 0, position), text.rfind("**", 0, position))
    return cut + 1 if cut >= 0 else 0


@pytest.mark.parametrize("symbol", DEFINED_BEFORE_USE)
def test_each_symbol_is_defined_before_its_first_use(answers, symbol):
    if not re.search(symbol, answers):
        return  # a term the report no longer uses needs no definition
    found = re.search(DEFINED_BEFORE_USE[symbol], answers)
    assert found, f"no sentence defines {symbol}: expected {DEFINED_BEFORE_USE[symbol]!r}"
    definition = found.start()
    first_use = re.search(symbol, answers).start()
    assert first_use >= _sentence_start(answers, definition), \
        f"{symbol} is used before it is defined: {answers[max(0, first_use - 60):first_use + 20]!r}"


def test_the_symbol_check_catches_a_use_before_the_definition():
    text = "The head reads $L$ late. Here $L$ is its last row with ink, for each image."
    definition = text.find("its last row with ink")
    assert re.search(r"\$L\$", text).start() < _sentence_start(text, definition)


def test_no_code_identifier_is_left_in_the_report(answers):
    prose = re.sub(r"\([^)]*\.(py|ipynb|json|md|svg|png)\)|`[^`]*`", "", answers)
    for identifier in ("mlp_small", "cnn_small", "gru_1x", "lstm_1x", "_every_step", "tf1_", "reset_after"):
        assert identifier not in prose, identifier


# The numbers typed into the template (placeholders aside) and why each may be typed: a result typed
# by hand (an accuracy, a range, a count) is not among them and fails the test below.
TYPED_NUMBERS = {
    "settings of the homework and of the run": {"28", "10", "0.001", "256", "64", "32", "128", "3", "1", "55,000",
                                                "5,000", "10,000", "0.1", "0", "4", "8", "95", "2", "16"},
    "definitions (hand-set weights of Q1, ranges, thresholds, significance level)": {
        "20", "-20", "-4", "-2", "-1", "0.5", "0.9", "0.05", "30", "40", "-40"},
    "names (steps and rows that placeholders then describe; cited years)": {"5", "24", "2014"},
}


def template_typed_numbers(template: str) -> set[str]:
    """Every number typed into `template`: placeholders, captions' and citations' names, comments,
    model shapes (1x32), question numbers (Q3.1) and 'float32' removed first."""
    text = re.sub(r"<!--.*?-->", " ", template, flags=re.DOTALL)
    text = re.sub(r"<<[^<>]*>>|\[\[[^\]]*\]\]|\b\d+x\d+\b|\bQ\d(\.\d)?\b|float32|784-256-256-10|784-12-12-10", " ", text)
    text = re.sub(r"[_^]\{[^}]*\}|[_^][\w']", " ", text)  # subscripts and superscripts: h_{t-1}, x_t, b'_h
    return set(re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])", text)) - {""}


def test_only_settings_definitions_and_names_are_typed_into_the_template():
    from hw3.report import ANSWERS_TEMPLATE

    allowed = set().union(*TYPED_NUMBERS.values())
    typed = {number.rstrip(",") for number in template_typed_numbers(ANSWERS_TEMPLATE.read_text(encoding="utf-8"))}
    assert typed <= allowed, f"numbers typed by hand: {sorted(typed - allowed)}; use a placeholder"


def test_a_typed_result_is_caught():
    assert template_typed_numbers("accuracy 0.9688, from 12 to 17.9 points; <<a/b:.2f>> [[figure x]] 1x32") == \
        {"0.9688", "12", "17.9"}


def test_the_report_tables_can_leave_out_the_mcnemar_columns_and_the_gru_gates():
    from hw3.report import comparison_rows, gates_by_row_rows

    comparison = {"difference": 0.001, "low": -0.002, "high": 0.004, "p_value": 0.3,
                  "mcnemar_seed0": {"first_only": 5, "second_only": 3, "p_value": 0.7}}
    statistics = {"gru_minus_lstm": {"1x32": comparison}, "width_minus_depth": {}}
    header, rows = comparison_rows(statistics, baselines=False, mcnemar=False)
    assert header == ["first minus second", "difference, points [95% interval]", "Welch p"]
    assert rows == [["GRU - LSTM, 1x32", "+0.10 [-0.20, +0.40]", "0.300"]]
    assert len(comparison_rows(statistics, baselines=False)[0]) == 5
    entry = {state: {kind: {"mean": 0.5} for kind in ("blank", "ink")} for state in ("untrained", "trained")}
    gates = {"LSTM i": entry, "GRU z": entry}
    assert [row[0] for row in gates_by_row_rows(gates, cell="LSTM")[1]] == ["LSTM i"]
    assert [row[0] for row in gates_by_row_rows(gates)[1]] == ["LSTM i", "GRU z"]


def test_a_bar_inside_a_markdown_table_cell_is_escaped_and_the_rows_keep_their_cells():
    from hw3.report import markdown_table

    table = markdown_table(["claim", "error"], [["max |x - y|", "0.1"]])
    assert table.splitlines() == ["| claim | error |", "|---|---|", "| max \\|x - y\\| | 0.1 |"]
