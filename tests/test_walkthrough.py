"""The walkthrough (hw3.ipynb) opens each question with the report's own answer, and the helpers that
put the report's words and the training history into it."""
import json
import re
from pathlib import Path

import pytest

from hw3.report import answer_paragraph, cited_names
from hw3.tables import (decision_before_ink_rows, epoch_rows, half_life_rows, heatmap_rows, state_after_blank_rows_rows,
                        training_log_rows)

PROJECT_DIR = Path(__file__).resolve().parents[1]
ANSWER_CALL = re.compile(r'helpers\.report_answer\("([^"]+)"')
CAPTION_CALL = re.compile(r'helpers\.report_caption\("([^"]+)"')
QUESTIONS = ["Q1", "Q2", "Q3.1", "Q3.2", "Q3.3", "Bonus"]


def walkthrough_cells():
    return json.loads((PROJECT_DIR / "hw3.ipynb").read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_every_question_section_opens_with_its_answer():
    cells = walkthrough_cells()
    headings = [i for i, cell in enumerate(cells) if cell["cell_type"] == "markdown" and source(cell).startswith("## ")]
    opened = {}
    for i in headings:
        match = ANSWER_CALL.search(source(cells[i + 1])) if i + 1 < len(cells) else None
        if match:
            opened[match.group(1)] = source(cells[i])
    assert list(opened) == QUESTIONS, "each question's section must open with helpers.report_answer(...)"
    assert all(heading.startswith(f"## {question}") for question, heading in opened.items())


def test_the_answers_shown_in_the_committed_walkthrough_are_the_reports_answers():
    report = (PROJECT_DIR / "answers.md").read_text(encoding="utf-8")
    shown = {}
    for cell in walkthrough_cells():
        match = ANSWER_CALL.search(source(cell)) if cell["cell_type"] == "code" else None
        if match:
            outputs = [output for output in cell["outputs"] if "text/markdown" in output.get("data", {})]
            assert len(outputs) == 1, f"the {match.group(1)} answer cell has no Markdown output: run the notebook"
            shown[match.group(1)] = "".join(outputs[0]["data"]["text/markdown"])
    assert list(shown) == QUESTIONS
    for question, text in shown.items():
        assert text == answer_paragraph(report, question), f"the notebook's {question} answer differs from answers.md"


REPORT = """# Title

## Q1: one
**Answer.** First line
second line.

More text.

### Q1.1 sub
**Answer.** Not this one.

## Q3: three
Intro.

### Q3.1 part
Lead-in.

**Answer.** Three point one.

### Q3.10 another
**Answer.** Ten.
"""


def test_answer_paragraph_takes_the_first_answer_under_the_heading_up_to_the_blank_line():
    assert answer_paragraph(REPORT, "Q1") == "**Answer.** First line\nsecond line."
    assert answer_paragraph(REPORT, "Q3.1") == "**Answer.** Three point one."
    assert answer_paragraph(REPORT, "Q3.10") == "**Answer.** Ten."


def test_answer_paragraph_refuses_a_missing_heading_or_answer():
    with pytest.raises(ValueError, match="no heading"):
        answer_paragraph(REPORT, "Q2")
    with pytest.raises(ValueError, match="no paragraph"):
        answer_paragraph(REPORT, "Q3")  # its own lines hold no answer before Q3.1's heading


def test_epoch_rows_number_epochs_from_one_and_keep_the_columns_apart():
    entry = {"history": {"loss": [0.9, 0.5], "val_loss": [0.8, 0.6], "val_accuracy": [0.7, 0.75], "accuracy": [0.1, 0.2]}}
    header, rows = epoch_rows(entry)
    assert header == ["epoch", "train loss", "val loss", "val acc"]
    assert rows == [["1", "0.9000", "0.8000", "0.7000"], ["2", "0.5000", "0.6000", "0.7500"]]


def test_heatmap_rows_read_step_t_at_index_t_minus_1():
    heatmap = {key: [float(step) / 100 for step in range(1, 29)]
               for key in ("mean_abs", "share_saturated", "mean_abs_change", "spread_across_images")}
    _, rows = heatmap_rows(heatmap, (1, 28))
    assert rows[0] == ["1", "0.010", "1.0%", "0.010", "0.010"]
    assert rows[1][0] == "28" and rows[1][1] == "0.280"


def test_state_after_blank_rows_rows_give_mean_and_seed_range_per_read_out():
    entry = lambda v: {"head": v, "probe_fit_at_28": v / 2, "probe_refit": 1 - v}  # noqa: E731
    by_seed = {"gru_1x32": {"0": {"0": entry(0.9), "4": entry(0.5)}, "1": {"0": entry(0.7), "4": entry(0.3)}}}
    over_seeds = {"gru_1x32": {"0": entry(0.8), "4": entry(0.4)}}
    header, rows = state_after_blank_rows_rows(over_seeds, by_seed, ks=(0, 4))
    assert header == ["model", "read-out", "k = 0", "k = 4"]
    assert rows[0] == ["gru_1x32", "head", "0.800 (0.700-0.900)", "0.400 (0.300-0.500)"]
    assert rows[1] == ["gru_1x32", "probe fitted after row 28", "0.400 (0.350-0.450)", "0.200 (0.150-0.250)"]
    assert rows[2][2] == "0.200 (0.100-0.300)"


def test_every_figure_and_table_an_answer_cites_is_shown_in_its_section_with_the_reports_caption():
    sections, question = {}, None
    for cell in walkthrough_cells():
        text = source(cell)
        match = ANSWER_CALL.search(text) if cell["cell_type"] == "code" else None
        if match:
            question = match.group(1)
        elif cell["cell_type"] == "markdown" and text.startswith("## "):
            question = None
        if question and cell["cell_type"] == "code":
            sections.setdefault(question, set()).update(CAPTION_CALL.findall(text))
    for question in QUESTIONS:
        assert set(cited_names(question)) <= sections.get(question, set()), (
            f"the {question} answer cites {cited_names(question)}; show each with helpers.report_caption in its section")


def test_the_report_section_of_the_walkthrough_names_the_cited_figures_and_tables():
    from hw3.report import ANSWERS_TEMPLATE, numbered_captions, template_text
    numbers = numbered_captions(template_text(ANSWERS_TEMPLATE))
    cited = [numbers[name] for question in QUESTIONS for name in cited_names(question)]
    report_cell = next(source(cell) for cell in walkthrough_cells() if source(cell).startswith("## The report"))
    for label in cited:
        kind, number = label.split()
        assert re.search(rf"{kind}s? [\d, and]*\b{number}\b", report_cell), f"the report section does not name {label}"


def test_the_shown_answers_cite_no_figure_or_table_the_notebook_does_not_show():
    from hw3.report import ANSWERS_TEMPLATE, numbered_captions, template_text
    numbers = numbered_captions(template_text(ANSWERS_TEMPLATE))
    shown = {numbers[name] for question in QUESTIONS for name in cited_names(question)}
    for cell in walkthrough_cells():
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/markdown", ""))
            if text.startswith("**Answer.**"):
                assert set(re.findall(r"\b(?:Figure|Table) \d+", text)) <= shown


def test_training_log_rows_say_which_models_were_reused():
    results = {"configs": {"gru_1x32": {"test_accuracy": 0.96884, "train_seconds": 27.4},
                           "lstm_1x32": {"test_accuracy": 0.9672, "train_seconds": 28.0}}}
    log = ["             gru_1x32 reused gru_1x32.keras (test accuracy 0.9688, trained in 27 s)", "lstm_1x32, 10/10 epochs"]
    header, rows = training_log_rows(results, ["lstm_1x32", "gru_1x32"], log)
    assert header == ["", "LSTM (1x32)", "GRU (1x32)"]
    assert rows == [["this run", "trained now", "reused"], ["training s", "28", "27"]]


def test_decision_before_ink_rows_give_both_medians_and_both_shares():
    entry = {"median_decision_step": 24.0, "median_last_ink_row": 25.0, "median_steps_after_ink": 1.0,
             "share_decided_before_ink_ends": 0.4409, "share_decided_before_ink_ends_not_blank_class": 0.3789}
    header, rows = decision_before_ink_rows(entry)
    assert [row[1] for row in rows] == ["24", "25", "+1", "44.1%", "37.9%"]


def test_half_life_rows_give_the_stored_median_and_the_spread():
    header, rows = half_life_rows([4, 5, None, 18, 3], 5.0)
    assert rows == [["median over the 32 units", "5"], ["shortest, longest (units under 28 steps)", "3, 18"],
                    ["units over 27 steps", "1"]]


def test_heatmap_rows_can_open_with_the_share_of_blank_rows():
    heatmap = {key: [0.1 * step for step in range(1, 29)] for key in
               ("mean_abs", "share_saturated", "mean_abs_change", "spread_across_images")}
    header, rows = heatmap_rows(heatmap, (3, 5), blank_share=[1.0, 0.99, 0.9414] + [0.5671] * 25)
    assert header[1] == "images with row t blank"
    assert [row[1] for row in rows] == ["94%", "57%"]


# --- the homework's code on the page is the code the experiments run ------------------------------------

def homework_code():
    """The walkthrough's cells tagged `homework-code`, run in one namespace (their own imports given)."""
    import keras
    import numpy as np
    import tensorflow as tf
    cells = [source(cell) for cell in walkthrough_cells()
             if cell["cell_type"] == "code" and "homework-code" in cell["metadata"].get("tags", [])]
    assert len(cells) == 5, "binarize, build_model, train, the step-t read-out and lstm_step are on the page"
    namespace = {"np": np, "keras": keras, "tf": tf}
    for text in cells[:3] + cells[4:]:  # the read-out cell uses the notebook's data and models: tested below
        exec(compile(text, "hw3.ipynb", "exec"), namespace)
    namespace["read_out_cell"] = cells[3]
    return namespace


@pytest.fixture(scope="module")
def page():
    return homework_code()


def test_the_pages_binarize_is_the_packages(page):
    import numpy as np
    from hw3.data import binarize
    images = np.random.default_rng(0).integers(0, 256, size=(50, 28, 28), dtype=np.uint8)
    np.testing.assert_array_equal(page["binarize"](images), binarize(images))


@pytest.mark.parametrize("name", ["lstm_1x32", "gru_1x64", "lstm_3x32", "gru_3x32"])
def test_the_pages_model_is_the_packages_layer_for_layer(page, name):
    import numpy as np
    from hw3.models import build_model, model_spec
    spec = model_spec(name)
    mine, theirs = page["build_model"](spec.cell, spec.units, spec.layers), build_model(name)
    assert mine.name == theirs.name
    assert [(layer.name, type(layer)) for layer in mine.layers] == [(layer.name, type(layer)) for layer in theirs.layers]
    for a, b in zip(mine.layers, theirs.layers):
        config_a, config_b = a.get_config(), b.get_config()
        for config in (config_a, config_b):
            config.pop("name", None)
        assert config_a == config_b, f"layer {a.name} is configured differently"
    mine.set_weights(theirs.get_weights())
    images = np.random.default_rng(1).integers(0, 2, size=(8, 28, 28)).astype("float32")
    np.testing.assert_array_equal(mine.predict(images, verbose=0), theirs.predict(images, verbose=0))


def test_the_pages_training_is_the_packages_bit_for_bit(page, mnist, tmp_path):
    import dataclasses
    import numpy as np
    from hw3.settings import RunSettings
    from hw3.training import train_model
    tiny = dataclasses.replace(mnist, x_train=mnist.x_train[:512], y_train=mnist.y_train[:512],
                               x_validation=mnist.x_validation[:128], y_validation=mnist.y_validation[:128],
                               x_test=mnist.x_test[:256], y_test=mnist.y_test[:256])
    settings = RunSettings(smoke=True, output_dir=tmp_path, epochs=1, batch_size=128, eager=False)
    theirs, entry = train_model("gru_1x32", tiny, settings)
    mine, history = page["train"]("gru", 32, 1, tiny, epochs=1, batch_size=128)
    for a, b in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert round(history["val_loss"][0], 6) == entry["history"]["val_loss"][0]


def test_the_pages_step_t_read_out_is_the_packages(page):
    import numpy as np
    from hw3.models import build_model
    from hw3.readout import stepwise_logits

    class Data:
        x_test = np.random.default_rng(2).integers(0, 2, size=(20, 28, 28)).astype("float32")
        y_test = np.arange(20) % 10

    trained = build_model("gru_1x32")
    namespace = {**page, "models": {"gru_1x32": trained}, "data": Data}
    namespace["gru"] = type("Inside", (), {"step_logits": stepwise_logits(trained, Data.x_test)})
    exec(compile(page["read_out_cell"], "hw3.ipynb", "exec"), namespace)
    np.testing.assert_allclose(namespace["step_logits"], namespace["gru"].step_logits, atol=1e-5)
    assert "[:, -5:]" in page["read_out_cell"], "the last five steps, not the first five"
    np.testing.assert_array_equal(namespace["last_five"], namespace["step_logits"][:, 23:])


def test_the_pages_lstm_step_is_the_packages_and_keras(page):
    import keras
    import numpy as np
    from hw3.cells import lstm_step
    rng = np.random.default_rng(3)
    x, h, c = (rng.normal(size=(4, n)).astype("float32") for n in (5, 3, 3))
    kernel, recurrent_kernel = rng.normal(size=(5, 12)).astype("float32"), rng.normal(size=(3, 12)).astype("float32")
    bias = rng.normal(size=12).astype("float32")
    mine = page["lstm_step"](x, h, c, kernel, recurrent_kernel, bias)
    theirs = lstm_step(x @ kernel + h @ recurrent_kernel + bias, c)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, keras.ops.convert_to_numpy(b), atol=1e-6)
    cell = keras.layers.LSTMCell(3)
    cell.build((None, 5))
    cell.set_weights([kernel, recurrent_kernel, bias])
    output, _ = cell(x, [h, c])
    np.testing.assert_allclose(mine[-1], keras.ops.convert_to_numpy(output), atol=1e-5)
