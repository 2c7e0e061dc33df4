"""Small tables the notebooks show in place of printed lines: each function takes what an experiment
returned and gives (header, rows) of strings for `report.html_table`. No computing beyond formatting
and a difference or two.

Imports from the package: none."""
from __future__ import annotations

from collections.abc import Mapping, Sequence


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
