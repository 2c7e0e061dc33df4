# Two commands do everything on a fresh machine with Python 3.11:
#   make homework   install, then run hw3.ipynb top to bottom (full data) and write answers.md
#   make test       install, then the unit tests and a smoke run of every notebook cell
VENV ?= .venv
PYTHON := $(VENV)/bin/python

.PHONY: homework test install

$(VENV)/installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/installed

homework: install
	$(PYTHON) -m jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=3600 hw3.ipynb

test: install
	$(PYTHON) -m pytest
