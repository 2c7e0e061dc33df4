"""Report: the results tables (Markdown for answers.md, HTML for the notebook) and answers.md,
rendered from report/answers_template.md with every number looked up in results.json.

Imports from the package: settings, results, models, statistics. Of models it uses the names and labels only,
never training code.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Mapping

from hw3.models import CONFIG_NAMES, MODELS, REFERENCE_ACCURACY, model_spec
from hw3.results import current_results
from hw3.settings import PROJECT_DIR, RunSettings, write_text_atomically
from hw3.statistics import seed_count_text, seed_rank, seed_values, seeds_text

# The earlier solution printed its test losses on a scale it did not state (the registry keeps them as
# printed); divided by the 10,000 test images they read as plausible mean cross-entropies in nats (an
# inference, so the table says so).
REFERENCE_TEST_IMAGES = 10_000
REFERENCE_GRU_LAST_STEPS = dict(model_spec("gru_1x32").reference_last_steps)


def results_table_rows(results: Mapping, cell: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one block of the assignment's table (cell 'lstm' or 'gru'): test loss and
    test accuracy of the four configurations, exactly as the homework asks."""
    names = [name for name in CONFIG_NAMES if name.startswith(cell + "_")]
    entries = [results["configs"][name] for name in names]
    header = [cell.upper()] + [model_spec(name).label for name in names]
    rows = [["Test loss"] + [f"{e['test_loss']:.4f}" for e in entries],
            ["Test accuracy"] + [f"{e['test_accuracy']:.4f}" for e in entries]]
    return header, rows


def required_table_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """The assignment's summary table as one table: a block per cell (LSTM, then GRU), each a heading
    row and the rows 'Test loss' and 'Test accuracy', one column per shape."""
    header, rows = results_table_rows(results, "lstm")
    blocks = [[f"**{cell.upper()}**"] + [""] * (len(header) - 1) for cell in ("lstm", "gru")]
    return [""] + header[1:], [blocks[0], *rows, blocks[1], *results_table_rows(results, "gru")[1]]


def results_details_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """Beside the assignment's table, one row per configuration: parameters, training seconds, where
    seed 0 ranks among the seeds by test accuracy, and the earlier solution's accuracy and loss."""
    header = ["model", "parameters", "training s", "seed 0's rank", "earlier solution: accuracy",
              "its loss / 10,000"]
    seeds = results.get("statistics", {}).get("seeds")  # the seeds the run trained and compared
    rows = [[model_spec(name).short_name, f"{entry['parameters']:,}", f"{entry['train_seconds']:.0f}",
             f"{seed_rank(list(seed_values(results, name, seeds=seeds)))} of {len(seeds)}" if seeds else "-",
             f"{REFERENCE_ACCURACY[name]:.4f}", f"{model_spec(name).reference_loss / REFERENCE_TEST_IMAGES:.4f}"]
            for name in CONFIG_NAMES for entry in [results["configs"][name]]]
    return header, rows


def baseline_table_rows(results: Mapping, names: list[str] | None = None) -> tuple[list[str], list[list[str]]]:
    """One row per model of `names` (default: every trained one), recurrent and whole-image, in the
    registry's order: parameters, accuracy, loss, seconds."""
    header = ["model", "sees", "parameters", "test accuracy", "test loss", "training seconds"]
    reads = {"configs": "one row per step", "variants": "one row (or column) per step", "baselines": "whole image"}
    labelled = [(spec.section, name, spec.title if spec.section == "configs" else f"{name}: {spec.description}",
                 reads[spec.section]) for name, spec in MODELS.items() if names is None or name in names]
    rows = [[label, sees, f"{entry['parameters']:,}", f"{entry['test_accuracy']:.4f}", f"{entry['test_loss']:.4f}",
             f"{entry['train_seconds']:.0f}"]
            for section, name, label, sees in labelled if (entry := results.get(section, {}).get(name)) is not None]
    return header, rows


def p_value_text(p_value: float) -> str:
    """A p-value as a reader wants it: three decimals, or '< 0.001' below that."""
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def explanation_rows(statistics: Mapping, leave_out: tuple[str, ...] = ()) -> tuple[list[str], list[list[str]]]:
    """The Q3.1 and Q3.3 comparisons stored under statistics.comparisons: both means over seeds,
    the difference in points with its 95% Welch interval, and the seed-0 McNemar test; comparisons
    whose label contains one of `leave_out` are left out."""
    header = ["first - second", "first, mean", "second, mean", "difference, points [95% interval]", "Welch p",
              "McNemar p (seed 0)"]
    per_model = statistics["per_model"]
    rows = [[f"{model_spec(c['first']).short_name} - {model_spec(c['second']).short_name}",
             f"{per_model[c['first']]['test_accuracy']['mean']:.4f}",
             f"{per_model[c['second']]['test_accuracy']['mean']:.4f}", _interval(c), p_value_text(c["p_value"]),
             p_value_text(c["mcnemar_seed0"]["p_value"])] for label, c in statistics["comparisons"].items()
            if not any(part in label for part in leave_out)]
    return header, rows


def gate_summary_rows(summary: Mapping[str, Mapping]) -> tuple[list[str], list[list[str]]]:
    """The gate summary as a table: one row per gate."""
    header = ["gate", "mean", "mean, steps 1-5", "mean, steps 24-28", "time < 0.1", "time > 0.9",
              "units mostly < 0.1", "units mostly > 0.9"]
    rows = [[name, f"{g['mean']:.3f}", f"{g['mean_first_5_steps']:.3f}", f"{g['mean_last_5_steps']:.3f}",
             f"{g['fraction_below_0.1']:.1%}", f"{g['fraction_above_0.9']:.1%}",
             f"{g['units_mostly_below_0.1']} of {g['units']}", f"{g['units_mostly_above_0.9']} of {g['units']}"]
            for name, g in summary.items()]
    return header, rows


def important_unit_rows(analysis: Mapping, name: str, count: int = 3) -> tuple[list[str], list[list[str]]]:
    """The units of model `name` whose silencing costs most: cost, share passing the head's ReLU,
    and the correlation of their activation with each input feature."""
    units = analysis["important_units"][name]
    features = list(next(iter(units["correlations"].values())))
    header = ["unit", "accuracy lost", "passes the ReLU at t = 28"] + [f"r with {f.replace('_', ' ')}" for f in features]
    rows = []
    for unit in units["units"][:count]:
        cost = analysis["unit_ablation_full_accuracy"][name] - analysis["unit_ablation"][name][unit]
        passes = 1.0 - analysis["relu_zeroed"][name][unit]
        rows.append([f"{name} unit {unit}", f"{100 * cost:.1f} points", f"{passes:.0%}"]
                    + [f"{units['correlations'][str(unit)][f]:+.2f}" for f in features])
    return header, rows


def gates_by_row_rows(statistics: Mapping, cell: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Mean gate value on blank and ink rows, untrained and trained, one row per gate (only the gates
    of `cell`, e.g. 'LSTM', when given)."""
    header = ["gate", "untrained, blank rows", "untrained, ink rows", "trained, blank rows", "trained, ink rows"]
    gates = [gate for gate in statistics if cell is None or gate.split()[0] == cell]
    rows = [[gate] + [f"{statistics[gate][state][kind]['mean']:.3f}" for state in ("untrained", "trained")
                      for kind in ("blank", "ink")] for gate in gates]
    return header, rows


def _interval(comparison: Mapping, scale: float = 100.0) -> str:
    return (f"{scale * comparison['difference']:+.2f} [{scale * comparison['low']:+.2f}, "
            f"{scale * comparison['high']:+.2f}]")


def seed_summary_rows(statistics: Mapping, names: list[str]) -> tuple[list[str], list[list[str]]]:
    """Mean ± sd, min and max over seeds of test accuracy and loss, one row per model."""
    header = ["model", "seeds", "test accuracy, mean ± sd", "min", "max", "test loss, mean ± sd"]
    rows = []
    for name in names:
        accuracy, loss = statistics["per_model"][name]["test_accuracy"], statistics["per_model"][name]["test_loss"]
        rows.append([name, str(accuracy["n"]), f"{accuracy['mean']:.4f} ± {accuracy['sd']:.4f}", f"{accuracy['min']:.4f}",
                     f"{accuracy['max']:.4f}", f"{loss['mean']:.4f} ± {loss['sd']:.4f}"])
    return header, rows


def comparison_rows(statistics: Mapping, baselines: bool = True, mcnemar: bool = True) -> tuple[list[str], list[list[str]]]:
    """Each comparison: mean difference in accuracy points with its 95% interval over seeds,
    Welch's p, and (with `mcnemar`) the exact McNemar test of the two seed-0 models on the same test images."""
    header = ["first minus second", "difference, points [95% interval]", "Welch p",
              "seed 0: only first / only second right", "McNemar p"]
    pairs = [(f"GRU - LSTM, {shape}", statistics["gru_minus_lstm"][shape]) for shape in statistics["gru_minus_lstm"]]
    pairs += [(f"{cell.upper()}, 1x64 - 3x32", statistics["width_minus_depth"][cell])
              for cell in statistics["width_minus_depth"]]
    pairs += [(f"{cell.upper()}, 3x32 - 1x32", statistics["depth_minus_one_layer"][cell])
              for cell in statistics.get("depth_minus_one_layer", {})]
    if baselines:  # the whole-image baselines against the widest recurrent models (the report has Q3.1's table)
        pairs += [(f"{baseline} - {name}", comparison)
                  for baseline, against in statistics["baseline_minus_recurrent"].items() for name, comparison in against.items()]
    rows = [[label, _interval(c), p_value_text(c["p_value"]),
             f"{c['mcnemar_seed0']['first_only']} / {c['mcnemar_seed0']['second_only']}",
             p_value_text(c["mcnemar_seed0"]["p_value"])] for label, c in pairs]
    if not mcnemar:
        header, rows = header[:3], [row[:3] for row in rows]
    return header, rows


REPLICATION_LABELS = {"readout_at_L_minus_3": "read-out at L - 3", "readout_at_L": "read-out at L",
                      "readout_at_L_plus_3": "read-out at L + 3", "probe_at_16": "probe on h_16",
                      "head_at_16": "head at step 16", "share_read_as_7_at_16": "share read as 7 at step 16",
                      "worst_row_drop_points": "costliest blanked row: points lost"}


def replication_rows(summary: Mapping[str, Mapping[str, Mapping]]) -> tuple[list[str], list[list[str]]]:
    """Q3.3's headline numbers over the seeds (statistics.replication_summary): per model, the mean,
    the range, seed 0's value and its rank among the seeds (1 = largest); and the costliest row per seed."""
    names = list(summary)
    header = ["quantity"] + [f"{name}: {part}" for name in names for part in ("mean (min-max)", "seed 0 (rank)")]
    rows = []
    for metric, label in REPLICATION_LABELS.items():
        digits = 1 if metric.endswith("points") else 4
        row = [label]
        for name in names:
            m = summary[name][metric]
            row += [f"{m['mean']:.{digits}f} ({m['min']:.{digits}f}-{m['max']:.{digits}f})",
                    f"{m['seed0']:.{digits}f} ({m['seed0_rank']})"]
        rows.append(row)
    rows.append(["costliest blanked row, seed by seed"] + [text for name in names for text in
                                                          (", ".join(map(str, summary[name]["worst_rows"])), "")])
    return header, rows


def earlier_solution_rows(statistics: Mapping) -> tuple[list[str], list[list[str]]]:
    """Per configuration: the earlier solution's accuracy, in how many seeds it is beaten, and the
    mean margin in points with its 95% interval."""
    header = ["configuration", "earlier solution", "seeds beating it", "mean margin, points [95% interval]"]
    rows = [[name, f"{REFERENCE_ACCURACY[name]:.4f}", f"{m['beating']} of {m['n']}",
             f"{100 * m['mean_margin']:+.2f} [{100 * m['low']:+.2f}, {100 * m['high']:+.2f}]"]
            for name, m in statistics["against_earlier_solution"].items()]
    return header, rows


def _seed_range(by_step: Mapping[str, Mapping[str, float]], step: int) -> str:
    entry = by_step[str(step)]
    return f"{entry['mean']:.4f} ({entry['min']:.3f}-{entry['max']:.3f})"


def last_steps_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """The Q3.3 table: GRU (1x32) test accuracy with each of the last five steps read out as the last,
    one row per step: this project's seed 0, the seeds (and TF1's cell) where stored, the earlier solution."""
    accuracy = results["configs"]["gru_1x32"]["stepwise_test_accuracy"]
    over_seeds = results.get("analysis", {}).get("last_steps", {})  # statistics.last_steps_over_seeds
    counts = {name: seed_count_text(by_step["24"]["seeds"]) for name, by_step in over_seeds.items()}
    labels = {"gru_1x32": f"{counts.get('gru_1x32')}: mean (min-max)",
              "gru_1x32_tf1_cell": f"TensorFlow 1's GRU cell, {counts.get('gru_1x32_tf1_cell')}"}
    header = (["step t read out as the last", "this project (seed 0)"] + [labels.get(name, name) for name in over_seeds]
              + ["earlier solution"])
    rows = [[f"t = {t}", f"{accuracy[t - 1]:.4f}"] + [_seed_range(by_step, t) for by_step in over_seeds.values()]
            + [f"{REFERENCE_GRU_LAST_STEPS[t]:.4f}"] for t in REFERENCE_GRU_LAST_STEPS]
    return header, rows


def tf1_convention_rows(table: Mapping[str, Mapping[str, Mapping[str, float]]]) -> tuple[list[str], list[list[str]]]:
    """Q3.3: the read-out at steps 24-28 over seeds, mean (min-max), for each GRU in `table` (the plain
    GRU, TF1's cell, each of its conventions alone), and the earlier solution's single run."""
    steps = sorted(REFERENCE_GRU_LAST_STEPS)
    header = [f"GRU (1x32), {seeds_text(next(iter(table.values()))[str(steps[0])]['seeds'])}"] + [f"t = {t}" for t in steps]
    rows = [[model_spec(name).title if name == "gru_1x32" else model_spec(name).description.replace("GRU (1x32) with ", "")]
            + [_seed_range(by_step, t) for t in steps] for name, by_step in table.items()]
    rows.append(["earlier solution (one run)"] + [f"{REFERENCE_GRU_LAST_STEPS[t]:.4f}" for t in steps])
    return header, rows


def q1_rows(q1: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """The Q1 demonstrations as a table: claim, error with saturating gates (±20), with weak ones (±3)."""
    header = ["claim (hand-set weights; input test image 0, binary, so tanh(10) = 1 in float32)",
              "gate biases ±20", "gate biases ±3"]
    rows = [
        ["Q1.1 LSTM stores the row: max |c_t − x_t|", f"{q1['lstm_store_error']:.1e}",
         f"{q1['lstm_store_error_weak']:.3f}"],
        ["Q1.1 GRU stores the row: max |h_t − x_t|", f"{q1['gru_store_error']:.1e}",
         f"{q1['gru_store_error_weak']:.3f}"],
        ["Q1.2 LSTM keeps c_0 for 28 steps: max |c_t − c_0|", f"{q1['lstm_copy_drift']:.1e}",
         f"{q1['lstm_copy_drift_weak']:.3f}"],
        ["Q1.2 GRU keeps h_0 for 28 steps: max |h_t − h_0|", f"{q1['gru_copy_drift']:.1e}",
         f"{q1['gru_copy_drift_weak']:.3f}"],
    ]
    return header, rows


def decision_after_ink_rows(per_class: Mapping[str, Mapping[str, float]]) -> tuple[list[str], list[list[str]]]:
    """Q3.3: per true class, when the GRU's read-out settles against where the digit's ink ends."""
    header = ["true class", "median decision step", "median last ink row L", "median (decision step - L)",
              "decided before the ink ends"]
    rows = [[digit, f"{entry['median_decision_step']:.0f}", f"{entry['median_last_ink_row']:.0f}",
             f"{entry['median_steps_after_ink']:+.0f}", f"{entry['share_decided_before_ink_ends']:.0%}"]
            for digit, entry in per_class.items()]
    return header, rows


def reset_fit_rows(q1: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """Q1.3: how closely cells of each kind and width were fitted to the reset-gated GRU unit's outputs."""
    header = ["fitted to the GRU unit's 64 outputs", f"lowest RMS error of {q1['reset_fit_starts']} starts",
              "median"]
    kinds = [("gru", 1)] + [("lstm", width) for width in q1["reset_fit_lstm_widths"]]
    rows = [[f"{kind.upper()}, {width} unit{'s' if width > 1 else ''}", f"{q1[f'reset_fit_{kind}_{width}_floor']:.1e}",
             f"{q1[f'reset_fit_{kind}_{width}_median']:.1e}"] for kind, width in kinds]
    return header, rows


def drawing_summary(readouts: Mapping[str, Mapping]) -> str:
    """One line of HTML: each network's final prediction, its probability and its decision step."""
    parts = [f"<b>{label}</b>: {r['prediction']} (p = {r['probabilities'][-1][r['prediction']]:.2f}, "
             f"decided at step {r['decision_step']})" for label, r in readouts.items()]
    return "; ".join(parts)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def cells(texts: list[str]) -> str:  # a "|" inside a cell escaped, so it does not end the cell
        return "| " + " | ".join(text.replace("|", "\\|") for text in texts) + " |"

    lines = [cells(header), "|" + "|".join(["---"] * len(header)) + "|"]
    lines += [cells(row) for row in rows]
    return "\n".join(lines)


ANSWERS_TEMPLATE = PROJECT_DIR / "report" / "answers_template.md"
_PLACEHOLDER = re.compile(r"<<([^<>:]+)(?::([^<>]+))?>>")
# A caption opens a paragraph: "[[figure NAME]] text" (the figure figures/NAME.svg, drawn above its
# caption) or "[[table NAME]] text" (the table that follows); "[[NAME]]" anywhere cites it.
_CAPTION = re.compile(r"^\[\[(figure|table) ([\w-]+)\]\] ?", flags=re.MULTILINE)
_CITATION = re.compile(r"\[\[([\w-]+)\]\]")


def numbered_captions(template: str) -> dict[str, str]:
    """{NAME: 'Figure n' or 'Table n'}, figures and tables each numbered in their order in `template`."""
    counts, numbers = {"figure": 0, "table": 0}, {}
    for kind, name in _CAPTION.findall(template):
        if name in numbers:
            raise ValueError(f"the report's template captions {name!r} twice; give each figure and table its own name.")
        counts[kind] += 1
        numbers[name] = f"{kind.capitalize()} {counts[kind]}"
    return numbers


def _with_captions(text: str, numbers: Mapping[str, str], images: bool) -> str:
    """Captions numbered (a figure's image above its caption, or left out with `images=False`),
    citations replaced by 'Figure n' / 'Table n'."""
    def caption(match: re.Match) -> str:
        kind, name = match.groups()
        label = f"**{numbers[name]}.** "
        return f"![{numbers[name]}](figures/{name}.svg)\n\n{label}" if kind == "figure" and images else label

    def citation(match: re.Match) -> str:
        if match.group(1) not in numbers:
            raise ValueError(f"the report cites [[{match.group(1)}]], which no caption defines.")
        return numbers[match.group(1)]

    return _CITATION.sub(citation, _CAPTION.sub(caption, text))


def report_tables(results: Mapping) -> dict[str, Callable[[], str]]:
    """The tables the report embeds, by placeholder name (built on demand)."""
    return {
        "table/q2": lambda: markdown_table(*required_table_rows(results)),
        "table/q2/details": lambda: markdown_table(*results_details_rows(results)),
        "table/comparisons": lambda: markdown_table(*comparison_rows(results["statistics"], baselines=False, mcnemar=False)),
        "table/q1": lambda: markdown_table(*q1_rows(results["q1_demonstrations"])),
        "table/last_steps": lambda: markdown_table(*last_steps_rows(results)),
        "table/gates_by_row": lambda: markdown_table(*gates_by_row_rows(results["analysis"]["gates_by_row"], cell="LSTM")),
    }


TABLE_SOURCES = {  # the results.json entries each table of `report_tables` reads
    "table/q2": ("configs",), "table/q2/details": ("configs", "seeds", "statistics"), "table/comparisons": ("statistics",),
    "table/q1": ("q1_demonstrations",), "table/last_steps": ("configs", "analysis.last_steps"),
    "table/gates_by_row": ("analysis.gates_by_row",)}


def entries_quoted(template_text: str) -> list[str]:
    """The results paths a piece of the template quotes: its placeholders' paths, and the entries its
    tables read (`TABLE_SOURCES`)."""
    quoted = set()
    for match in _PLACEHOLDER.finditer(template_text):
        path = match.group(1).strip()
        quoted |= set(TABLE_SOURCES[path]) if path in TABLE_SOURCES else {path}
    return sorted(quoted)


def lookup(results: Mapping, path: str):
    """The value at a '/'-separated path in results.json, e.g. 'configs/gru_1x32/test_accuracy'."""
    value = results
    for part in path.split("/"):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"{path!r} was asked for, which results.json does not have ({part!r}); "
                             "rerun the notebooks to complete results.json.") from None
    return value


def report_section(markdown: str, title: str) -> str:
    """The '## ' section of `markdown` whose heading starts with `title`, heading included."""
    lines, chosen, inside = markdown.splitlines(), [], False
    for line in lines:
        if line.startswith("## "):
            inside = line[3:].startswith(title)
        if inside:
            chosen.append(line)
    if not chosen:
        raise ValueError(f"no section starting with '## {title}' in the report.")
    return "\n".join(chosen).strip() + "\n"


def template_text(template: Path = ANSWERS_TEMPLATE) -> str:
    """The answers template without its comments."""
    return re.sub(r"<!--.*?-->\n?", "", template.read_text(encoding="utf-8"), flags=re.DOTALL)


def filled(text: str, results: Mapping) -> str:
    """`text` with every <<path:format>> replaced by the value in `results` and every <<table/...>> by
    the table; a format ending in 'pts' (e.g. '+.2pts') shows a fraction as percentage points, and the
    format 'p' a p-value after "p": '= 0.071', or '< 0.001' below that (`p_value_text`)."""
    tables = report_tables(results)

    def replace(match: re.Match) -> str:
        path, spec = match.group(1).strip(), match.group(2)
        if path in tables:
            return tables[path]()
        value = lookup(results, path)
        if spec == "p":  # a p-value: "p <<...:p>>" reads "p = 0.071" or "p < 0.001"
            text = p_value_text(value)
            return text if text.startswith("<") else f"= {text}"
        if spec and spec.endswith("pts"):  # a fraction of accuracy shown in percentage points
            return format(100 * value, spec[:-3])
        return format(value, spec or "")

    return _PLACEHOLDER.sub(replace, text)


def render_report(results: Mapping, section: str | None = None, images: bool = True,
                  template: Path = ANSWERS_TEMPLATE) -> str:
    """answers.md from its template, `filled` from `results`. `section`: render only that '## '
    section; `images=False` leaves out the figure links (the notebook shows the figures themselves)."""
    full_text = template_text(template)
    text = report_section(full_text, section) if section else full_text
    return filled(_with_captions(text, numbered_captions(full_text), images), results)


def report_results(settings: RunSettings, template: Path = ANSWERS_TEMPLATE) -> dict:
    """The run's results.json, when every entry the report quotes is stored and current for today's
    code and saved models (`results.current_results`); else ValueError naming each entry that is not,
    with the function and the notebook that write it."""
    return current_results(settings, entries_quoted(template_text(template)))


def answer_paragraph(markdown: str, heading: str) -> str:
    """The paragraph opening with '**Answer.**' under the first heading (any level) whose title starts
    with `heading` (e.g. 'Q1', 'Q3.3', 'Bonus'), up to the next heading."""
    lines = markdown.splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(rf"#+ {re.escape(heading)}\b", line)]
    if not starts:
        raise ValueError(f"the report has no heading starting with {heading!r}.")
    paragraph: list[str] = []
    for line in lines[starts[0] + 1:]:
        if line.startswith("#") or (paragraph and not line.strip()):
            break
        if paragraph or line.startswith("**Answer.**"):
            paragraph.append(line)
    if not paragraph:
        raise ValueError(f"the report's {heading} section has no paragraph opening with '**Answer.**'.")
    return "\n".join(paragraph)


def cited_names(heading: str, template: Path = ANSWERS_TEMPLATE) -> list[str]:
    """The figures and tables (their [[NAME]]s) that the report's answer to `heading` cites, in order."""
    full_text = template_text(template)
    raw = answer_paragraph(_CAPTION.sub(lambda match: "", full_text), heading)
    return list(dict.fromkeys(_CITATION.findall(raw)))


def report_answer(heading: str, settings: RunSettings, template: Path = ANSWERS_TEMPLATE) -> str:
    """The report's answer to `heading` (`answer_paragraph`), filled with the run's results as answers.md
    fills it, so the notebook and the report say the same words; refused (ValueError) when an entry it
    quotes is missing or stale. Its figures and tables keep the report's numbers ("Figure 3"): the notebook
    shows each one it cites with the report's number and caption (`report_caption`; tests/test_walkthrough.py
    checks that it does)."""
    full_text = template_text(template)
    paragraph = answer_paragraph(_with_captions(full_text, numbered_captions(full_text), images=True), heading)
    results = current_results(settings, entries_quoted(paragraph))
    return filled(paragraph, results)


def report_caption(name: str, settings: RunSettings, template: Path = ANSWERS_TEMPLATE) -> str:
    """The caption of the report's figure or table `name` as the report prints it, its number included
    ("**Figure 3.** Test accuracy by model, ..."), filled with the run's results; for the notebook to
    show under the figure or above the table the answers cite."""
    full_text = template_text(template)
    match = re.search(rf"^\[\[(figure|table) {re.escape(name)}\]\].*?(?=\n\s*\n|\Z)", full_text, flags=re.MULTILINE | re.DOTALL)
    if match is None:
        raise ValueError(f"the report has no caption [[figure {name}]] or [[table {name}]].")
    caption = _with_captions(match.group(0), numbered_captions(full_text), images=False)
    needed = entries_quoted(caption)
    return (filled(caption, current_results(settings, needed)) if needed else caption).replace("\n", " ")


def write_report(results: Mapping, settings: RunSettings) -> Path:
    """Write answers.md into the run's output folder (the project folder in full mode)."""
    path = settings.output_dir / "answers.md"
    write_text_atomically(render_report(results), path)
    return path


def word_count(markdown: str, excepted_tables: tuple[str, ...] = ()) -> int:
    """Words as a grader counts them: every whitespace-separated token of prose, captions, headings and
    inline math ($...$), and every token with a letter in a table (numbers aside), except the tables
    whose first header cell is in `excepted_tables`; display equations ($$...$$), images and code
    blocks do not count."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    words, counted = 0, True
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            words, counted = words + len(line.split()), True
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if counted and cells[0] in excepted_tables:  # a header row: this table is not counted
            counted = False
        if counted:
            words += sum(1 for cell in cells for token in cell.split() if re.search(r"[A-Za-z]", token))
    return words
