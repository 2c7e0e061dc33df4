"""The notebooks' toolbox: the public names of the hw3 package, gathered by stage (more than the notebooks use).

No logic lives here. Each line says where a name comes from; open that module to read or change it.
"""
# settings: run mode (full or smoke), constants, where outputs go
from hw3.settings import NUM_CLASSES, PROJECT_DIR, ROW_WIDTH, SEQUENCE_LENGTH, RunSettings, run_settings
# keys: what a stored value is keyed on: the code that ran, its inputs (a model by its weights), the run mode
from hw3.keys import weights_digest
# results: results.json read back (the experiments write it; a notebook cell never does)
from hw3.results import load_results
# cache: the analysis cache, keyed on the code, inputs and run mode that made each result
from hw3.cache import cache_report
# data: the shipped MNIST file, binarization, the 55,000 / 5,000 / 10,000 splits, ink rows, accuracy
from hw3.data import (DATA_PATH, MnistSplits, accuracy, binarize, canvas_to_mnist, first_ink_rows, last_ink_rows,
                      load_binarized_mnist, strokes_to_canvas)
# models: the registry of 24 models (eight configurations, four GRU variants, three TF1 parts, four 1x32 models
# trained differently, five whole-image baselines) and their builders
from hw3.models import (BASELINE_NAMES, CONFIG_NAMES, MODELS, OBJECTIVE_NAMES, PERMUTED_ROW_ORDER, REFERENCE_ACCURACY,
                        SMALL_BASELINE_NAMES, TF1_PART_NAMES, VARIANT_NAMES, WHOLE_IMAGE_NAMES, build_model, columns_left_to_right,
                        model_spec, permute_rows, reading_transform, recurrent_layers, rows_bottom_up)
# readout: every step read out as if it were the last; decision steps
from hw3.readout import (decision_step_summary, decision_steps, drawing_readouts, every_step_model, softmax,
                         stepwise_accuracy, stepwise_logits, stepwise_readout)
# progress: the one line a model's training leaves, redrawn in place in a notebook
from hw3.progress import ProgressLine
# saved_models: each trained model saved with its recipe, the recipe checked before a saved model is reused
from hw3.saved_models import load_seed_model, readable_saved_model
# training: seeded training of one model, train-or-load with resume
from hw3.training import initial_model, train_model, train_or_load
# seed_pool: the other seeds trained in worker processes; every run's test predictions
from hw3.seed_pool import load_test_predictions, train_seeds
# cells: LSTM and GRU cells that mirror Keras's and expose their gates
from hw3.cells import (GRUInternalsCell, LSTMInternalsCell, gru_cell_weights, gru_internals, lstm_cell_weights,
                       lstm_internals, run_internals_cell)
# q1: the hand-set cells behind the Q1 answers
from hw3.q1 import q1_demonstrations
# analysis: statistics of images, states and gates
from hw3.analysis import (blank_row_fraction, cell_state_retention, feature_correlations, gate_around_first_ink,
                          gate_by_row_kind, gate_profile, gate_saturation, gate_summary, relu_zeroed_share, retention_half_life,
                          row_features, spearman_correlation, state_over_time, state_spread, units_by_cost)
# ablation: accuracy after silencing a unit or fixing forget gates at 0.5
from hw3.ablation import forget_ablation, silenced_unit_accuracy
# controls: the Q3 controls (ink-aligned read-out, shifts, extra blank rows, occlusion), cached with the models
from hw3.controls import (appended_blank_row_accuracy, bottom_up_ink_end_steps, confusion_matrix, decision_after_ink, extra_row_summary,
                          horizontal_shift_experiment, occlusion_experiment, readout_after_ink_fixed_subset,
                          readout_at_last_ink, readout_by_steps_after, readout_by_steps_after_ink, readout_class_shares,
                          shift_columns, shift_experiment, shift_rows)
# probes: linear probes on the states, class separation and PCA of the GRU's state
from hw3.probes import (class_separation, class_trajectories, pixels_so_far, probe_baselines_experiment, probe_gains,
                        probe_experiment, replication_experiment)
# appended_rows: does the state keep the class while blank rows are appended? (the head against two probes)
from hw3.appended_rows import state_after_blank_rows_accuracies, states_and_logits_with_blank_rows
# statistics: seeds summarised and compared, with intervals and exact tests
from hw3.statistics import (COMPARED_NAMES, last_steps_over_seeds, mcnemar_exact, replication_summary, seed_rank, seed_statistics,
                            summary, welch_difference)
# experiments: one function per section; each computes, stores its entries of results.json, returns what a cell shows
from hw3.experiments import (q1_experiment, q2_seed_statistics, q2_training_reproduced, q3_1_translation, q3_2_gru_inside,
                             q3_3_appended_blank_rows, q3_3_blank_rows, q3_3_fair_probes, q3_3_objective_readout, q3_3_readers_step_logits, q3_3_shifted_interventions,
                             q3_3_tf1_conventions, q3_3_decision_after_ink, q3_3_decision_steps,
                             q3_3_decision_vs_ink, q3_3_errors, q3_3_last_steps, q3_3_probe_baselines, q3_3_probes,
                             q3_3_readout_after_ink, q3_3_readout_after_ink_checks, q3_3_readout_shares,
                             q3_3_replication, q3_1_row_occlusion, q3_3_state_after_blank_rows, q3_3_state_geometry, bonus_gate_statistics,
                             bonus_gates_by_row, bonus_important_units, bonus_lstm_inside, bonus_lstm_memory,
                             bonus_unit_ablation)
# figure_files: a figure saved as PNG (and SVG for the report) and shown in the notebook
from hw3.figure_files import save_figure
# figures: every figure of the notebooks and the report
from hw3.figures import (plot_appended_blank_rows, plot_state_after_blank_rows, plot_confusions, plot_decision_steps, plot_digits_as_sequences,
                         plot_drawing_readout, plot_error_gallery, plot_gate_statistics, plot_gates_by_row_kind,
                         plot_gru_over_time, plot_gru_over_time_pair, plot_learning_curves, plot_loss_curves,
                         plot_lstm_gates, plot_lstm_memory, plot_objective_readout, plot_probes, plot_readout_after_ink,
                         plot_readout_shares, plot_row_occlusion, plot_seed_accuracies, plot_shifts, plot_size_comparison,
                         plot_state_geometry, plot_stepwise_accuracy, plot_translation, plot_unit_ablation,
                         plot_unit_time_courses)
# tables: the notebooks' small tables in place of printed lines, and html_table to show them
from hw3.tables import (decision_before_ink_rows, half_life_rows, training_log_rows, appended_rows_table, blank_path_rows, decision_share_rows, epoch_tables_html, fair_probe_rows,
                        final_figures_rows, gate_at_first_ink_rows, head_by_step_rows, heatmap_rows, html_table, model_name, q1_argument_rows,
                        occlusion_summary_rows, q2_table_rows, show_table, state_after_blank_rows_rows,
                        training_reproduced_rows, translation_rows)
# report: tables and answers.md
from hw3.report import (baseline_table_rows, comparison_rows, decision_after_ink_rows, drawing_summary,
                        earlier_solution_rows, explanation_rows, gate_summary_rows, gates_by_row_rows,
                        important_unit_rows, last_steps_rows, markdown_table, tf1_convention_rows, q1_rows, render_report, replication_rows,
                        reset_fit_rows, results_details_rows, results_table_rows, seed_summary_rows, write_report,
                        cited_names, report_answer, report_caption, report_results)
# printing: answers.md printed to answers.pdf (A4, headless Chromium)
from hw3.printing import write_report_pdf, write_report_pdf_if_possible
# widgets: slider explorers and the drawing pad, for a live kernel
from hw3.widgets import drawing_pad, image_slider_explorer
# explorer: explorer.html, the two 1x32 networks running in the browser (make explorer)
from hw3.explorer import build_explorer_page, explorer_data, write_explorer

