"""A config value the schema refuses stops the dry run with one line naming its key (issue 24)."""

import pytest
from conftest import run_workflow, write_config

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"builtin": {"min_support": -2}}, "builtin.min_support: -2 is less than the minimum of 1"),
        ({"callers": ["builtin", 3]}, "callers[1]: 3 is not of type 'string'"),
        ({"assay": "wgs"}, "assay: 'wgs' is not one of ['whole_transcriptome', 'targeted']"),
        ({"builtin": {"min_suport": 2}}, "builtin: Additional properties are not allowed ('min_suport' was"),
    ],
)
def test_schema_error_names_the_key(tmp_path, extra, message):
    # the schema is checked first: the files named need not exist
    write_config(tmp_path, "genome.fa", "genes.gtf", **extra)
    result = run_workflow(tmp_path, "-n")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "Error" in line]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: configuration: {message}"), result.stderr[
        -2000:
    ]
    assert "Traceback" not in result.stderr
