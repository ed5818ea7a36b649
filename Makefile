# Two commands for a newcomer: `make demo` (set up + run on generated data)
# and `make test` (the test suite). Nothing here downloads at run time except
# Debian and PyPI packages during setup.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2
DEMO := resources/demo
DEMO_TARGETED := resources/demo-targeted
DEBIAN_PACKAGES := rna-star samtools fastp

.PHONY: demo demo-targeted validate test setup system-deps test-deps python-deps slurm-plugin demo-data lint format benchmark kb-check clean

demo: setup demo-data
	$(VENV)/bin/snakemake --cores $(CORES)

# The targeted panel demo (config/targeted.yaml): one LMNA::NTRK1 sample counted in molecules.
demo-targeted: setup $(DEMO_TARGETED)/genome.fa
	$(VENV)/bin/snakemake --cores $(CORES) --configfile config/targeted.yaml

# Analytical validation on a simulated set (config/validation.yaml: the full profile, 114 samples,
# about 26 minutes on 2 cores; config/validation-quick.yaml: 7 samples, about 2), scored into validation/.
# With validation.set.genome: reference the set is simulated from the config's own reference (your genome).
VALIDATION_CONFIG ?= config/validation.yaml
validate: setup
	$(PY) scripts/tools/validation_set.py --configfile $(VALIDATION_CONFIG)
	$(VENV)/bin/snakemake --cores $(CORES) --configfile $(VALIDATION_CONFIG)

test: setup test-deps
	$(VENV)/bin/pytest -q tests

setup: system-deps python-deps

system-deps:
	@if command -v STAR >/dev/null && command -v samtools >/dev/null && command -v fastp >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	else \
		echo "STAR, samtools or fastp is missing. Install them (Debian: sudo apt-get install $(DEBIAN_PACKAGES))"; \
		echo "or let Snakemake make conda environments: snakemake --cores $(CORES) --sdm conda"; \
		exit 1; \
	fi

# Test-only tools: headless Chromium (report browser test), bcftools (the VCF is read back with it)
# and a single-node SLURM with the executor plugin kept outside .venv (tests/test_slurm.py). Tests
# that miss them are skipped.
TEST_DEBIAN_PACKAGES := chromium bcftools slurmctld slurmd slurm-client munge
SLURM_PLUGIN := .slurm-plugin

test-deps: python-deps slurm-plugin
	@missing=""; for tool in chromium bcftools slurmctld slurmd munged sinfo; do \
		command -v $$tool >/dev/null || missing=yes; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages: $(TEST_DEBIAN_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBIAN_PACKAGES); \
	else \
		echo "not root: browser, bcftools and SLURM tests will be skipped ($(TEST_DEBIAN_PACKAGES) missing)"; \
	fi

# Installed once per content: .venv/.installed and .slurm-plugin/.installed hold the sha256 of the
# requirements they were installed from, so a fresh clone (whose files git dates newer than any
# stamp) reinstalls only when a requirement really changed. The order is the install order: build
# tools first, then the pipeline's packages, then umi_tools (its build imports pysam); every install
# runs without build isolation so the pinned build tools build every source package.
PYTHON_REQUIREMENTS := requirements-build.txt requirements.txt requirements-umi.txt
PIP_INSTALL := -m pip install --quiet --disable-pip-version-check --no-build-isolation
requirements_hash = $$(cat $(1) | sha256sum | cut -c1-64)

slurm-plugin: python-deps
	@if [ "$$(cat $(SLURM_PLUGIN)/.installed 2>/dev/null)" = "$(call requirements_hash,requirements-slurm.txt)" ]; then exit 0; fi; \
	echo "installing the SLURM executor plugin into $(SLURM_PLUGIN)/ (requirements-slurm.txt)"; \
	rm -rf $(SLURM_PLUGIN) && \
	$(PY) $(PIP_INSTALL) --no-deps --target $(SLURM_PLUGIN) -r requirements-slurm.txt && \
	echo "$(call requirements_hash,requirements-slurm.txt)" > $(SLURM_PLUGIN)/.installed

python-deps:
	@if [ -x $(PY) ] && [ "$$(cat $(VENV)/.installed 2>/dev/null)" = "$(call requirements_hash,$(PYTHON_REQUIREMENTS))" ]; then exit 0; fi; \
	test -x $(PY) || python3 -m venv $(VENV) || exit 1; \
	rm -f $(VENV)/.installed; \
	for requirements in $(PYTHON_REQUIREMENTS); do \
		echo "installing Python packages into $(VENV)/: $$requirements"; \
		$(PY) $(PIP_INSTALL) -r $$requirements || exit 1; \
	done; \
	echo "$(call requirements_hash,$(PYTHON_REQUIREMENTS))" > $(VENV)/.installed

demo-data: $(DEMO)/genome.fa

$(DEMO_TARGETED)/genome.fa: scripts/tools/simulate.py $(wildcard scripts/fusion_pipeline/simulation/*.py) scripts/fusion_pipeline/common/sequtil.py | python-deps
	$(PY) scripts/tools/simulate.py --outdir $(DEMO_TARGETED) --profile targeted

$(DEMO)/genome.fa: scripts/tools/simulate.py $(wildcard scripts/fusion_pipeline/simulation/*.py) scripts/fusion_pipeline/common/sequtil.py | python-deps
	$(PY) scripts/tools/simulate.py --outdir $(DEMO)

lint: setup demo-data
	$(VENV)/bin/snakefmt --check Snakefile workflow/rules
	$(VENV)/bin/ruff check scripts tests benchmarks
	$(VENV)/bin/ruff format --check scripts tests benchmarks
	cd scripts && PYTHONPATH=. ../$(VENV)/bin/lint-imports --config ../pyproject.toml
	$(VENV)/bin/snakemake --lint

format: setup
	$(VENV)/bin/snakefmt Snakefile workflow/rules
	$(VENV)/bin/ruff format scripts tests benchmarks

# Check the knowledge base's transcripts, lengths and hotspot residues against any reference:
#   make kb-check FASTA=genome.fa GTF=genes.gtf [OUT=kb_check.tsv]
OUT ?= -
kb-check: python-deps
	@test -n "$(FASTA)" -a -n "$(GTF)" || { echo "usage: make kb-check FASTA=genome.fa GTF=genes.gtf [OUT=file]"; exit 2; }
	$(PY) scripts/tools/kb_check.py --fasta "$(FASTA)" --gtf "$(GTF)" --out "$(OUT)"

benchmark: setup demo-data
	$(PY) benchmarks/run.py

clean:
	rm -rf results .snakemake
