"""The schema is the one source of every setting's default and of the filter names: the code's copies are held to it.

Jobs build their settings dataclasses from the config the schema filled, so a
default that differs between the two would only show when a test or tool
builds a dataclass without a config; the README's configuration table is
generated from the schema (scripts/tools/config_table.py).
"""

import dataclasses

import pytest
import yaml
from helpers import ROOT

from fusion_pipeline.call.call_builtin import CallerParams
from fusion_pipeline.call.filters import NAMES
from fusion_pipeline.call.merge_calls import MERGED_FILTERS
from fusion_pipeline.common.qc_gates import QcSettings
from fusion_pipeline.common.wild_type import CountSettings
from fusion_pipeline.interpret.genotype_resistance import GenotypeSettings

SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())["properties"]


def _default(field: dataclasses.Field):
    value = field.default if field.default is not dataclasses.MISSING else field.default_factory()
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize(
    "settings, section",
    [
        (CallerParams, "builtin"),
        (CountSettings, "abundance"),
        (QcSettings, "qc"),
        (GenotypeSettings, "resistance"),
    ],
)
def test_every_dataclass_default_is_the_schemas(settings, section):
    keys = SCHEMA[section]["properties"]
    fields = dataclasses.fields(settings)
    assert fields, settings
    for field in fields:
        assert field.name in keys, f"{settings.__name__}.{field.name} is not a {section}.* key of the schema"
        assert "default" in keys[field.name], f"{section}.{field.name} has no default in the schema"
        assert _default(field) == keys[field.name]["default"], f"{section}.{field.name}"


def test_the_filter_names_the_schema_accepts_are_the_registries():
    assert SCHEMA["builtin"]["properties"]["filters"]["propertyNames"]["enum"] == list(NAMES)
    assert SCHEMA["targeted"]["properties"]["filters"]["propertyNames"]["enum"] == [
        f.name for f in MERGED_FILTERS if "targeted" in f.assays
    ]
