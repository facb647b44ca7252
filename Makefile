# Two commands for readers: `make book` and `make test`. Each sets up .venv
# from nothing the first time (idempotent afterwards).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MATHJAX := _build/.cache/mathjax
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

.PHONY: book test execute lint unit data notebooks build-book pdf render-check browser postgresql mathjax bench clean

PDF := _build/html/lstm-book.pdf

book: $(STAMP) mathjax browser
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(MAKE) --no-print-directory pdf
	@echo "Book built: _build/html/index.html, and the whole book as one PDF: $(PDF)"

test: $(STAMP) lint unit data notebooks build-book pdf render-check

execute: $(STAMP)
	$(PY) -m helpers.book.notebooks execute $(NOTEBOOKS)

# torch goes in first: with 2.13.0 already installed, the range in
# pyproject.toml is satisfied and pip never pulls the multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# the unit tests, and every docstring example in helpers (so the examples stay true)
unit: $(STAMP)
	$(PY) -m pytest tests -q
	$(PY) -m pytest --doctest-modules helpers -q -p no:cacheprovider

# every file standard mode needs, from LSTMBOOK_MIRROR or the internet, hash-checked
data: $(STAMP)
	$(PY) -m helpers.data verify

notebooks: $(STAMP)
	$(PY) -m pytest --nbval-lax --book-mode smoke --book-device cpu notebooks -q -p no:cacheprovider

build-book: $(STAMP) mathjax
	rm -rf _build/html _build/.doctrees
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# The whole book as one PDF, linked from the landing page: the single-page build,
# printed offline by headless Chromium (helpers/book/pdf.py).
pdf: $(STAMP) mathjax browser
	rm -rf _build/singlehtml
	$(VENV)/bin/jupyter-book build . --builder singlehtml -W -n --keep-going
	$(PY) -m helpers.book.pdf _build/singlehtml $(PDF)

# Opens every page of _toc.yml from _build/html in headless Chromium, offline, at a
# phone's and a laptop's width; screenshots go to _build/screenshots/<page>-<width>.png.
# Options as --opt=value: pytest reads them from tests/browser/conftest.py.
render-check: $(STAMP) browser
	$(PY) -m pytest tests/browser -q -p no:cacheprovider --html-dir=_build/html

# Debian's Chromium for the PDF and the browser check (BOOK_CHROMIUM names another one).
browser:
	@test -x "$${BOOK_CHROMIUM:-}" || command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

# Debian's PostgreSQL server for the test of workers sharing a study through it
# (tests/experiments/conftest.py starts one in a temporary folder; without it that
# test is skipped). .ci/run calls this target.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

# The official MathJax 3 package: the book serves it to its readers
# (local_mathjax_dir in _config.yml), so math renders without a CDN.
mathjax:
	@test -f $(MATHJAX)/package/es5/tex-mml-chtml.js || { \
	  command -v npm >/dev/null || { echo "npm is needed to fetch MathJax (apt-get install npm)" >&2; exit 1; }; \
	  mkdir -p $(MATHJAX) && cd $(MATHJAX) && rm -rf package mathjax-*.tgz \
	  && tgz=$$(npm pack --silent mathjax@3 | tail -n 1) && tar -xzf "$$tgz" && rm -f "$$tgz"; }

bench: $(STAMP)
	$(PY) benchmarks/bench_windowing.py
	$(PY) benchmarks/bench_forecast.py
	$(PY) benchmarks/bench_fit.py
	$(PY) benchmarks/bench_minute_csv.py
	$(PY) benchmarks/bench_referee.py
	$(PY) benchmarks/bench_pruning.py

clean:
	rm -rf _build
