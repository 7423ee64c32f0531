"""config/sources.yaml: the shipped file is valid, and a bad one fails naming the file and the field."""

import pytest

from assets.ingest.sources_config import load_sources_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT


def test_shipped_sources_file_is_valid():
    config = load_sources_config(PROJECT_ROOT / "config")
    assert {source.format.value for source in config.sources} == {
        "segment_events", "shopify_orders", "store_orders", "crm_profiles", "product_catalog"
    }


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("sources:\n  - {name: a, format: parquet_dump, path: 'x/*', source_label: web}",
         r"sources\[0\]\.format: Input should be 'segment_events'"),
        ("sources:\n  - {name: a, format: store_orders, path: 'x/*', source_label: pos, columns: {order_id: id}}",
         r"sources\[0\]: Value error, columns: format store_orders needs a mapping for \['line_id', 'ordered_at'\]"),
        ("sources:\n  - {name: a, format: segment_events, path: '../etc/*', source_label: web}",
         r"sources\[0\]\.path: Value error, must be a glob relative to the landing zone"),
        ("sources:\n  - {name: a, format: segment_events, path: 'e/*', source_label: web}\n"
         "  - {name: a, format: product_catalog, path: 'c/*', source_label: catalog}",
         r"source names must be unique; repeated: \['a'\]"),
        ("sources: [\n", r"line \d+, column \d+: not valid YAML"),
    ],
)
def test_bad_sources_file_names_file_and_field(tmp_path, yaml_text, expected):
    (tmp_path / "sources.yaml").write_text(yaml_text)
    with pytest.raises(ConfigError, match=expected) as error:
        load_sources_config(tmp_path)
    assert str(tmp_path / "sources.yaml") in str(error.value)
