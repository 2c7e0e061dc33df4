# Three commands do everything on a fresh machine with Python 3.11:
#   make homework   install, then run lab_book.ipynb and hw3.ipynb top to bottom (full data): the walkthrough's
#                   last cell writes answers.md and, when Chromium is installed, answers.pdf; then explorer.html
#   make test       install, then the unit tests and a smoke run of every notebook cell
#   make lab        install, then JupyterLab on this environment with hw3.ipynb open (Ctrl-C twice stops it)
#   make report     answers.md printed to answers.pdf (make homework does it too)
#   make explorer   explorer.html, the networks in the browser (make homework does it too)
VENV ?= .venv
PYTHON := $(VENV)/bin/python
ONE_THREAD_EACH := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1

.PHONY: homework test lab install report explorer mutation

$(VENV)/installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/installed

# tools/run_notebooks.py runs them through papermill: a progress bar per notebook (cell n of N, time left),
# the cells' output and training lines as they come; each notebook is written back only when every cell ran,
# without papermill's metadata. An interrupted HW3_RETRAIN resumes where it stopped (docs/reproducing.md).
homework: install
	$(PYTHON) tools/run_notebooks.py lab_book.ipynb hw3.ipynb
	@test -n "$$(command -v chromium || command -v chromium-browser)" || \
		echo "answers.pdf not printed: Chromium is not installed (apt-get install chromium; then make report)"
	$(MAKE) explorer

# JupyterLab with hw3.ipynb open, its kernel this environment's Python (the notebooks' kernel "python3"), so
# the sliders and the drawing pad (ipywidgets, ipycanvas) run. LAB_OPTIONS adds options, e.g. --no-browser.
lab: install
	$(PYTHON) -m jupyter lab $(LAB_OPTIONS) hw3.ipynb

# answers.md (written by the notebook) printed to answers.pdf: A4, headless Chromium (apt-get install chromium)
report: install
	$(PYTHON) -c "from hw3.printing import write_report_pdf; from hw3.settings import run_settings; print(write_report_pdf(run_settings()))"

# explorer.html: one self-contained page with the seed-0 GRU and LSTM (1x32) running in the browser
explorer: install
	$(PYTHON) -m hw3.explorer

# Everything in one pytest run spread over the two cores by pytest-xdist, each worker with one thread
# per numerical library (two each would make OpenBLAS and TensorFlow spin against each other). --dist
# loadfile keeps each file together on one worker, in order: a notebook's cells (every top-level *.ipynb
# runs through nbval) and a test file's tests; conftest.py runs the notebooks in make homework's order
# and adds hw3.ipynb and then the JupyterLab browser test to lab_book.ipynb's unit, after its cells, so
# they reuse the small models, seeds and analyses its smoke run made instead of making them again on the
# other core. The workers take the files in collection order, the notebooks (the longest) first, and the
# next file as soon as they are nearly done with one. Plain `pytest` runs the same tests one after the other.
test: install
	@export $(ONE_THREAD_EACH); $(PYTHON) -m pytest -n 2 --dist loadfile --no-loadscope-reorder

# Mutation testing of the analysis modules against their fast unit tests (not part of make test or CI;
# about half an hour on 2 cores). Results and the survivors judged equivalent: tests/MUTATION.md.
mutation: install
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	rm -rf mutants
	export $(ONE_THREAD_EACH); $(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results --all true | $(PYTHON) tools/mutation_summary.py
