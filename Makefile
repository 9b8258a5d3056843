# dlcourse: the two commands of the README are `make lab` and `make test`.
# Both create the virtual environment .venv on first use (Python >= 3.10 needed).
#
#   make lab                 JupyterLab on chapters/ (prints the address with its token)
#   make test                lint + every test (unit, parity, notebooks, exercises, browser)
#   make TF_EXTRA=gpu lab    TensorFlow with its CUDA libraries, for an NVIDIA GPU
#   make TF_EXTRA=cpu test   the smaller CPU-only TensorFlow (what CI uses)

PYTHON   ?= python3
VENV     ?= .venv
TF_EXTRA ?= tf
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed-$(TF_EXTRA)
# JupyterLab refuses to run as root unless told; only then is --allow-root added.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: venv lab test lint format notebooks student benchmarks clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "dlcourse needs Python >= 3.10; found " + sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --quiet -e ".[dev,$(TF_EXTRA)]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(PY) -m jupyter lab --ServerApp.root_dir=chapters $(ROOT_FLAG)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Notebooks run under nbval in strict mode: every stored output is compared (but images and
# widget ids), after the sanitising patterns of tests/nbval_sanitize.cfg.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# One BLAS thread per notebook: nbval runs two notebooks at once on CI's two cores, and
# oversubscribed BLAS threads make small matrix products many times slower.
NB_ENV := PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=3 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
  MPLBACKEND=module://matplotlib_inline.backend_inline

test: lint
	$(PY) -m pytest
	if ls chapters/*.ipynb >/dev/null 2>&1; then \
	  $(NB_ENV) $(PY) -m pytest -n 2 --dist loadfile $(NBVAL) chapters/; fi

# Re-execute the chapters headless after a change to them or to the code they call.
notebooks: $(STAMP)
	$(PY) -m jupytext --sync chapters/scripts/*.py
	$(NB_ENV) $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.store_widget_state=False \
	  chapters/*.ipynb

# Student notebooks: solutions replaced by `raise NotImplementedError`, outputs cleared.
student: $(STAMP)
	$(PY) -m dlcourse.exercises student chapters --out student

benchmarks: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts student
