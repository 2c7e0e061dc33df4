"""Small tables the notebooks show in place of printed lines: each function takes what an experiment
returned and gives (header, rows) of strings, which `html_table` renders and `show_table` displays. No
computing beyond formatting and a difference or two.

Imports from the package: models, statistics."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from hw3.models import CONFIG_NAMES, REFERENCE_ACCURACY, model_spec
from hw3.statistics import seed_rank


def model_name(name: str) -> str:
    """The notebooks' one name for a configuration, 'GRU (1x32)' (layers x units); other models keep their own."""
    spec = model_spec(name)
    return f"{spec.cell.upper()} ({spec.layers}x{spec.units})" if spec.section == "configs" else spec.short_name


def show_table(table: tuple[list[str], list[list[str]]]) -> None:
    """Display one (header, rows) table in a notebook, as HTML."""
    from IPython.display import HTML, display
    display(HTML(html_table(*table)))


def q2_table_rows(results: Mapping) -> tuple[list[str], list[list[str]]]:
    """The homework's summary table as one table: a block per cell (LSTM, then GRU), rows 'Test loss' and
    'Test accuracy', one column per shape (1x32, 1x64, 1x128, 3x32), and in each block the earlier
    solution's test accuracy beside ours (its losses were printed on an unknown scale, so they are left out)."""
    shapes = [name.split("_", 1)[1] for name in CONFIG_NAMES if name.startswith("lstm_")]
    header = [""] + [model_spec(f"lstm_{shape}").label for shape in shapes]
    rows = []
    for cell in ("lstm", "gru"):
        entries = [results["configs"][f"{cell}_{shape}"] for shape in shapes]
        rows += [[f"<b>{cell.upper()}</b>"] + [""] * len(shapes),
                 ["Test loss"] + [f"{entry['test_loss']:.4f}" for entry in entries],
                 ["Test accuracy"] + [f"<b>{entry['test_accuracy']:.4f}</b>" for entry in entries],
                 ["earlier solution's test accuracy"] + [f"{REFERENCE_ACCURACY[f'{cell}_{shape}']:.4f}" for shape in shapes]]
    return header, rows


def q1_argument_rows(q1: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """Q1.3's two checks, each number beside what it checks: the first-step bound (a GRU unit's first output
    against tanh(1), the most any LSTM unit can output after one step from the zero state) and the
    two-input counter-example (the same first LSTM output, different second ones)."""
    first_gap = q1["hidden_first_output_gap"]
    return (["Q1.3 check", "value"],
            [["GRU unit's output after one step from the zero state", f"{q1['gru_first_output']:.4f}"],
             ["bound on any LSTM unit's output after one step, tanh(1)", f"{q1['lstm_first_output_bound']:.4f}"],
             [f"LSTM unit, first row x_1 = (s, 0) with s = {q1['hidden_first_input']:.2f} or s = {q1['hidden_second_input']:.4f}: "
              "difference of the first outputs h_1", "0" if first_gap == 0 else f"{first_gap:.1e}"],
             ["the same two inputs: difference of the second outputs h_2", f"{q1['hidden_second_output_gap']:.3f}"]])


def final_figures_rows(results: Mapping, seeds: Sequence[int] | None = None) -> tuple[list[str], list[list[str]]]:
    """The eight trainings in one small table: parameters, training seconds, the last epoch's validation
    loss and accuracy, and, with `seeds`, where seed 0 ranks among them by test accuracy (1 = best)."""
    header = ["model", "parameters", "training s", "last epoch: val loss", "val accuracy"]
    if seeds:
        header.append(f"seed 0's rank of {len(seeds)} (1 = best)")
    rows = []
    for name in CONFIG_NAMES:
        entry = results["configs"][name]
        row = [model_name(name), f"{entry['parameters']:,}", f"{entry['train_seconds']:.0f}",
               f"{entry['history']['val_loss'][-1]:.4f}", f"{entry['history']['val_accuracy'][-1]:.4f}"]
        if seeds:
            values = [results["seeds"][name][str(seed)]["test_accuracy"] for seed in seeds]
            row.append(str(seed_rank([entry["test_accuracy"], *values])))
        rows.append(row)
    return header, rows


def translation_rows(translation: Mapping, names: Sequence[str], shift: int = 4) -> tuple[list[str], list[list[str]]]:
    """Test accuracy with every image moved `shift` columns left or right, or rows up or down, one row
    per model in `names`: translation = {'horizontal' | 'vertical': {name: {str(s): accuracy}}}."""
    header = ["model", f"{shift} columns left", f"{shift} columns right", f"{shift} rows up", f"{shift} rows down"]
    rows = [[name] + [f"{translation[axis][name][key]:.3f}"
                      for axis in ("horizontal", "vertical") for key in (str(-shift), str(shift))]
            for name in names]
    return header, rows


def occlusion_summary_rows(summary: Mapping[str, Mapping], unoccluded: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """Per model: its accuracy with nothing blanked, the row whose blanking costs most and that cost in
    points: summary = {name: {'worst_row': 1..28, 'largest_cost': fraction}}."""
    rows = [[name, f"{unoccluded[name]:.4f}", str(entry["worst_row"]), f"{100 * entry['largest_cost']:.1f}"]
            for name, entry in summary.items()]
    return ["model", "test accuracy, nothing blanked", "costliest row blanked", "its cost (points)"], rows


def decision_share_rows(summary: Mapping) -> tuple[list[str], list[list[str]]]:
    """One row: the share of test images decided by step t, for each step stored in
    summary['share_decided_by_step'] ({str(t): share}), in step order."""
    shares = summary["share_decided_by_step"]
    steps = sorted(shares, key=int)
    return ["step t", *steps], [["share of test images decided by step t", *(f"{shares[t]:.1%}" for t in steps)]]


def fair_probe_rows(fair: Mapping[str, Mapping], steps: Sequence[int]) -> tuple[list[str], list[list[str]]]:
    """Per step t (1-based): the probe of the trained GRU's h_t, of the pixels of rows 1..t and of the
    untrained GRU's h_t (test accuracy, with C where it varies), and the trained probe's gain over the
    pixels in points. fair = {kind: {'test_accuracy': (28,), 'C': (28,)}}."""
    rows = []
    for step in steps:
        trained, pixels, untrained = (fair[kind]["test_accuracy"][step - 1]
                                      for kind in ("gru_1x32", "pixels_so_far", "untrained_gru_1x32"))
        rows.append([str(step), f"{trained:.4f} (C = {fair['gru_1x32']['C'][step - 1]:g})",
                     f"{pixels:.4f} (C = {fair['pixels_so_far']['C'][step - 1]:g})", f"{untrained:.4f}",
                     f"{100 * (trained - pixels):+.1f}"])
    return ["step", "trained GRU h_t", "pixels of rows 1..t", "untrained GRU h_t", "gain over pixels (points)"], rows


def head_by_step_rows(heads: Mapping[str, Sequence[float]], at_step_16: Mapping[str, Mapping[str, float]],
                      steps: Sequence[int] = (8, 16, 20, 24, 28)) -> tuple[list[str], list[list[str]]]:
    """Per model: the head's test accuracy after each step in `steps` (seed 0; heads = {name: (28,)}),
    and, where stored, its step-16 accuracy over seeds as 'min-max (mean)'."""
    rows = []
    for name, head in heads.items():
        spread = at_step_16.get(name)
        over_seeds = f"{spread['min']:.3f}-{spread['max']:.3f} ({spread['mean']:.3f})" if spread else ""
        rows.append([name, *(f"{head[step - 1]:.3f}" for step in steps), over_seeds])
    return ["model", *(f"step {step}" for step in steps), "step 16 over seeds: min-max (mean)"], rows


def appended_rows_table(over_seeds: Mapping[str, Mapping[str, float]], seed_0: Mapping[str, Mapping[str, float]],
                        moved: Mapping[str, Mapping[str, float]], ks: Sequence[int] = (0, 2, 4, 8),
                        shift: int = 4) -> tuple[list[str], list[list[str]]]:
    """Per model: accuracy with k blank rows appended (mean over seeds, each k in `ks`), seed 0 with the
    largest k, and seed 0 with every image moved `shift` rows up and down."""
    header = ["model", *(f"k = {k} (mean)" for k in ks), f"k = {ks[-1]} (seed 0)", f"{shift} rows up (seed 0)",
              f"{shift} rows down (seed 0)"]
    rows = [[name, *(f"{over_seeds[name][str(k)]:.3f}" for k in ks), f"{seed_0[name][str(ks[-1])]:.3f}",
             f"{moved[name][str(-shift)]:.3f}", f"{moved[name][str(shift)]:.3f}"] for name in over_seeds]
    return header, rows


def gate_at_first_ink_rows(at_first_ink: Mapping[str, Mapping], flatness: Mapping[str, Mapping]) -> tuple[list[str], list[list[str]]]:
    """Per gate: its mean one step before the first ink row, at it and two steps later, then the per-unit
    standard deviation above the ink and on ink rows, and the largest step-to-step change above the ink."""
    rows = [[gate, *(f"{around[key]:.3f}" for key in ("before", "at", "after")),
             *(f"{flatness[gate][key]:.3f}" for key in ("sd_above_ink", "sd_on_ink", "largest_step_change_above_ink"))]
            for gate, around in at_first_ink.items()]
    return ["gate", "step before first ink", "at first ink", "two steps later", "sd above ink", "sd on ink",
            "largest change above ink"], rows


def heatmap_rows(heatmap: Mapping[str, list[float]], steps: tuple[int, ...],
                 blank_share: Sequence[float] | None = None) -> tuple[list[str], list[list[str]]]:
    """What the state heatmaps show, at each of `steps` (1..28), over every test image: the mean |h_t|,
    the share of units with |h_t| > 0.9, the mean change from the step before, the spread across images;
    with `blank_share` (28 shares), first the share of test images whose row t is blank."""
    header = ["step", "mean |h|", "share |h| > 0.9", "mean change from step before", "spread across images"]
    rows = [[str(step), f"{heatmap['mean_abs'][step - 1]:.3f}", f"{heatmap['share_saturated'][step - 1]:.1%}",
             f"{heatmap['mean_abs_change'][step - 1]:.3f}", f"{heatmap['spread_across_images'][step - 1]:.3f}"]
            for step in steps]
    if blank_share is None:
        return header, rows
    return ([header[0], "images with row t blank", *header[1:]],
            [[row[0], f"{blank_share[int(row[0]) - 1]:.0%}", *row[1:]] for row in rows])


def training_log_rows(results: Mapping, names: Sequence[str], log: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """One column per configuration: whether this run trained it or reused its saved model (read from the
    lines `train_or_load` logged, `log`) and its training seconds (those of the run that made it)."""
    reused = {line.split()[0] for line in log if " reused " in line}
    return (["", *(model_name(name) for name in names)],
            [["this run", *("reused" if name in reused else "trained now" for name in names)],
             ["training s", *(f"{results['configs'][name]['train_seconds']:.0f}" for name in names)]])


def decision_before_ink_rows(entry: Mapping[str, float]) -> tuple[list[str], list[list[str]]]:
    """Q3.3 over all test images (`decision_vs_ink`'s 'all' entry): the two medians, the median of the
    per-image differences, and the shares decided before the last ink row L."""
    return (["over all test images", "value"],
            [["median decision step", f"{entry['median_decision_step']:.0f}"],
             ["median last ink row L", f"{entry['median_last_ink_row']:.0f}"],
             ["median over images of (decision step - L)", f"{entry['median_steps_after_ink']:+.0f}"],
             ["decided before L", f"{entry['share_decided_before_ink_ends']:.1%}"],
             ["decided before L, images whose answer is not the blank-row answer",
              f"{entry['share_decided_before_ink_ends_not_blank_class']:.1%}"]])


def half_life_rows(half_lives: Sequence[float | None], median: float) -> tuple[list[str], list[list[str]]]:
    """The LSTM's forget-gate half-lives per unit (None: more than 27 steps): the median over units (as
    stored) and the spread."""
    known = sorted(h for h in half_lives if h is not None)
    return (["forget gates' half-life (steps back from step 28)", "value"],
            [["median over the 32 units", f"{median:.0f}"],
             ["shortest, longest (units under 28 steps)", f"{known[0]:.0f}, {known[-1]:.0f}"],
             ["units over 27 steps", str(sum(h is None for h in half_lives))]])


def blank_path_rows(path: Mapping, steps: int = 8) -> tuple[list[str], list[list[str]]]:
    """The GRU fed only blank rows, steps 1..`steps`: the largest change of a unit, the class the head
    names and its probability."""
    header = ["blank rows read", *(str(step) for step in range(1, steps + 1))]
    return header, [["largest change of a unit", *(f"{v:.2f}" for v in path["largest_change"][:steps])],
                    ["class the head names", *(str(v) for v in path["class"][:steps])],
                    ["its probability", *(f"{v:.2f}" for v in path["probability"][:steps])]]


STATE_AFTER_BLANK_ROWS_KEYS = {"head": "head", "probe_fit_at_28": "probe fitted after row 28",
                               "probe_refit": "probe fitted again"}


def state_after_blank_rows_rows(over_seeds: Mapping[str, Mapping[str, Mapping[str, float]]],
                                by_seed: Mapping[str, Mapping[str, Mapping]] | None = None,
                                ks: tuple[int, ...] = (0, 2, 4, 8)) -> tuple[list[str], list[list[str]]]:
    """Test accuracy after k blank rows appended, for each model and read-out (`appended_rows`): the mean
    over seeds, with the range over seeds when `by_seed` is given."""
    header = ["model", "read-out", *(f"k = {k}" for k in ks)]
    rows = []
    for name, by_k in over_seeds.items():
        for key, label in STATE_AFTER_BLANK_ROWS_KEYS.items():
            cells = []
            for k in map(str, ks):
                text = f"{by_k[k][key]:.3f}"
                if by_seed is not None:
                    values = [run[k][key] for run in by_seed[name].values()]
                    text += f" ({min(values):.3f}-{max(values):.3f})"
                cells.append(text)
            rows.append([name, label, *cells])
    return header, rows


def training_reproduced_rows(reproduced: Mapping) -> tuple[list[str], list[list[str]]]:
    """The model trained again now beside the saved one: reproduced = {'now' | 'saved': results entry
    ({'test_loss', 'test_accuracy', 'train_seconds'}), 'largest_weight_difference': float}."""
    now, saved = reproduced["now"], reproduced["saved"]

    def row(label: str, entry: Mapping, difference: str) -> list[str]:
        return [label, f"{entry['test_loss']:.4f}", f"{entry['test_accuracy']:.4f}", f"{entry['train_seconds']:.0f}", difference]

    return (["run", "test loss", "test accuracy", "seconds", "largest weight difference"],
            [row("trained now", now, f"{reproduced['largest_weight_difference']:.1e}"), row("saved model", saved, "")])


def epoch_rows(entry: Mapping) -> tuple[list[str], list[list[str]]]:
    """One stored training run's epochs, from its history: epoch, training loss, validation loss and
    validation accuracy."""
    history = entry["history"]
    header = ["epoch", "train loss", "val loss", "val acc"]
    return header, [[str(epoch + 1), f"{loss:.4f}", f"{val_loss:.4f}", f"{val_accuracy:.4f}"]
                    for epoch, (loss, val_loss, val_accuracy)
                    in enumerate(zip(history["loss"], history["val_loss"], history["val_accuracy"]))]


def epoch_tables_html(results: Mapping, names: list[str], per_row: int = 4) -> str:
    """Each configuration's epochs (`epoch_rows`) as a small table captioned with its test loss, test
    accuracy, parameters and training seconds, `per_row` tables side by side (HTML)."""
    boxes = []
    for name in names:
        entry = results[model_spec(name).section][name]
        caption = (f"<b>{name.split('_')[0].upper()} {name.split('_', 1)[1]}</b><br>test loss {entry['test_loss']:.4f}, accuracy "
                   f"{entry['test_accuracy']:.4f}<br>{entry['parameters']:,} parameters, {entry['train_seconds']:.0f} s")
        boxes.append(f'<div style="flex: 0 0 {96 // per_row}%; font-size: 85%">{caption}{html_table(*epoch_rows(entry))}</div>')
    return f'<div style="display: flex; flex-wrap: wrap; gap: 1%">{"".join(boxes)}</div>'


def html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
