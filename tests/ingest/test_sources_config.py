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


def test_a_store_mapping_without_line_columns_is_valid_and_its_line_id_is_the_order_id(tmp_path):
    """A file of one row per order maps no line id, or maps it to the order id's column."""
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        "  - {name: a, format: store_orders, path: 'a/*', source_label: pos,\n"
        "     columns: {order_id: id, ordered_at: date, order_total: total, phone: tel}}\n"
        "  - {name: b, format: store_orders, path: 'b/*', source_label: pos,\n"
        "     columns: {order_id: id, line_id: id, ordered_at: date, order_total: total, customer_id: cid}}\n"
    )
    absent, same = load_sources_config(tmp_path).sources
    assert (absent.order_line_id_column, same.order_line_id_column) == ("id", "id")
    shipped = {source.name: source for source in load_sources_config(PROJECT_ROOT / "config").sources}
    assert shipped["woocommerce_orders"].order_line_id_column == "line_item_id"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("sources:\n  - {name: a, format: parquet_dump, path: 'x/*', source_label: web}",
         r"sources\[0\]\.format: Input should be 'segment_events'"),
        ("sources:\n  - {name: a, format: store_orders, path: 'x/*', source_label: pos, columns: {order_id: id}}",
         r"sources\[0\]: Value error, columns: format store_orders needs a mapping for "
         r"\['order_total', 'ordered_at'\]"),
        ("sources:\n  - {name: a, format: store_orders, path: 'x/*', source_label: pos,\n"
         "     columns: {order_id: id, ordered_at: date, order_total: total}}",
         r"sources\[0\]: Value error, columns: format store_orders needs a mapping for at least one identifier of "
         r"\['customer_id', 'email', 'phone'\]"),
        ("sources:\n  - {name: a, format: store_orders, path: 'x/*', source_label: pos,\n"
         "     columns: {line_id: line, ordered_at: date, order_total: total, email: mail}}",
         r"sources\[0\]: Value error, columns: format store_orders needs a mapping for \['order_id'\]"),
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
