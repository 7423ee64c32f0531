"""Casting text columns in SQL, and the first reason a record cannot be typed, on hand-made values."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from assets.ingest.typed_columns import TypedColumn, cast_expression, casts, reason_whens
from connectors.warehouse.duckdb_file import open_warehouse

TIMESTAMP_EXPECTED = "a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM')"


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "typed.duckdb") as connection:
        yield connection


def load_records(con, columns: list[str], records: list[dict[str, str | None]]) -> None:
    """Temp table `records(position, <columns>)`, every value text, one row per record in list order."""
    definition = ", ".join(f'"{column}" varchar' for column in columns)
    con.execute(f"create or replace temp table records (position integer, {definition})")
    placeholders = ", ".join("?" for _ in range(len(columns) + 1))
    con.executemany(
        f"insert into records values ({placeholders})",
        [[position, *(record.get(column) for column in columns)] for position, record in enumerate(records)],
    )


def cast_all(con, sql_type: str, values: list[str | None]) -> list[object]:
    load_records(con, ["value"], [{"value": value} for value in values])
    sql = f"select {cast_expression(sql_type, 'value')} from records order by position"
    return [row[0] for row in con.execute(sql).fetchall()]


def reasons(con, columns: list[TypedColumn], records: list[dict[str, str | None]]) -> list[str | None]:
    load_records(con, [column.source for column in columns], records)
    sql = f"select case {' '.join(reason_whens(columns))} end from records order by position"
    return [row[0] for row in con.execute(sql).fetchall()]


def test_text_columns_pass_values_through_untrimmed():
    assert cast_expression("varchar", '"Lineitem name"') == '"Lineitem name"'


def test_text_column_values_reach_the_table_as_written(con):
    assert cast_all(con, "varchar", [" Mug ", "", None]) == [" Mug ", "", None]


def test_integer_column_casts_whole_numbers_and_nulls_what_does_not_cast(con):
    values = ["42", " 7 ", "-3", "0", "2147483647", "two", "2147483648", "1,000", "", "   ", None]
    assert cast_all(con, "integer", values) == [42, 7, -3, 0, 2147483647, None, None, None, None, None, None]


def test_bigint_column_takes_what_an_integer_column_overflows(con):
    values = ["2147483648", "-9223372036854775808", "9223372036854775808", "many"]
    assert cast_all(con, "bigint", values) == [2147483648, -9223372036854775808, None, None]


def test_fraction_in_an_integer_column_is_not_rounded_to_a_whole_number(con):
    """Bug: DuckDB's cast rounds '1.5' to 2, so a fraction loads as a different whole number, unquarantined."""
    quantity = TypedColumn("lineitem_quantity", "Lineitem quantity", "integer")
    assert cast_all(con, "integer", ["1.5", "2.4"]) == [None, None]
    assert reasons(con, [quantity], [{"Lineitem quantity": "1.5"}]) == [
        "Lineitem quantity: expected a whole number, got '1.5'"
    ]


def test_decimal_column_casts_numbers_to_cents(con):
    values = ["10.00", "19.9", " -0.50 ", "7", "ten", "10,00", "", None]
    assert cast_all(con, "decimal(18, 2)", values) == [
        Decimal("10.00"), Decimal("19.90"), Decimal("-0.50"), Decimal("7.00"), None, None, None, None,
    ]


def test_timestamp_column_reads_iso_and_shopify_offsets_as_utc(con):
    values = [
        "2026-03-07 09:50:26 +0100",   # Shopify's export
        "2026-03-07 09:50 +0100",      # Shopify, without seconds
        "2026-03-07 00:30:00 +0200",   # an offset that moves the UTC day back
        "2026-03-07 09:50:26 -0500",
        "2026-03-07T09:50:26+01:00",
        "2026-03-07T09:50:26Z",
        " 2026-03-07T09:50:26Z ",
        "2026-03-07 09:50:26",          # no offset: UTC, as the warehouse connection is set to
    ]
    assert cast_all(con, "timestamptz", values) == [
        datetime(2026, 3, 7, 8, 50, 26, tzinfo=UTC),
        datetime(2026, 3, 7, 8, 50, tzinfo=UTC),
        datetime(2026, 3, 6, 22, 30, tzinfo=UTC),
        datetime(2026, 3, 7, 14, 50, 26, tzinfo=UTC),
        datetime(2026, 3, 7, 8, 50, 26, tzinfo=UTC),
        datetime(2026, 3, 7, 9, 50, 26, tzinfo=UTC),
        datetime(2026, 3, 7, 9, 50, 26, tzinfo=UTC),
        datetime(2026, 3, 7, 9, 50, 26, tzinfo=UTC),
    ]


def test_timestamp_column_nulls_what_is_no_timestamp(con):
    values = ["31/02/2026", "2026-02-30 10:00:00 +0000", "2026-03-07 25:00:00 +0100", "soon", "", "  ", None]
    assert cast_all(con, "timestamptz", values) == [None] * len(values)


def test_unsupported_column_type_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"unsupported column type 'double'"):
        cast_expression("double", "value")


def test_casts_read_the_file_column_and_name_the_target_column(con):
    columns = [
        TypedColumn("name", "Name", required=True),
        TypedColumn("created_at", "Created at", "timestamptz"),
        TypedColumn("lineitem_quantity", "Lineitem quantity", "integer"),
        TypedColumn("total", "Total", "decimal(18, 2)"),
        TypedColumn("id", "Id", "bigint"),
    ]
    load_records(con, ["Name", "Created at", "Lineitem quantity", "Total", "Id"], [
        {"Name": "#1001", "Created at": "2026-03-07 09:50:26 +0100", "Lineitem quantity": "2", "Total": "30.00",
         "Id": "5001"},
        {"Name": "#1002", "Created at": "", "Lineitem quantity": "x", "Total": None, "Id": "5002"},
    ])
    result = con.execute(f"select {casts(columns)} from records order by position")
    assert [column[0] for column in result.description] == ["name", "created_at", "lineitem_quantity", "total", "id"]
    assert result.fetchall() == [
        ("#1001", datetime(2026, 3, 7, 8, 50, 26, tzinfo=UTC), 2, Decimal("30.00"), 5001),
        ("#1002", None, None, None, 5002),
    ]


def test_each_type_names_its_column_what_it_expected_and_the_value_as_written(con):
    columns = [
        TypedColumn("quantity", "Lineitem quantity", "integer"),
        TypedColumn("id", "Id", "bigint"),
        TypedColumn("price", "Lineitem price", "decimal(18, 2)"),
        TypedColumn("created_at", "Created at", "timestamptz"),
    ]
    good = {"Lineitem quantity": "1", "Id": "5001", "Lineitem price": "10.00", "Created at": "2026-03-07T09:50:26Z"}
    assert reasons(con, columns, [
        good,
        {**good, "Lineitem quantity": "two"},
        {**good, "Id": "5001a"},
        {**good, "Lineitem price": "ten"},
        {**good, "Created at": "31/02/2026"},
        {**good, "Lineitem quantity": " two "},
        {**good, "Lineitem price": "O'Brien"},
    ]) == [
        None,
        "Lineitem quantity: expected a whole number, got 'two'",
        "Id: expected a whole number, got '5001a'",
        "Lineitem price: expected a number, got 'ten'",
        f"Created at: expected {TIMESTAMP_EXPECTED}, got '31/02/2026'",
        "Lineitem quantity: expected a whole number, got ' two '",
        "Lineitem price: expected a number, got 'O'Brien'",
    ]


def test_empty_values_are_no_reason_unless_the_column_requires_one(con):
    columns = [
        TypedColumn("name", "Name", required=True),
        TypedColumn("quantity", "Lineitem quantity", "integer"),
        TypedColumn("created_at", "Created at", "timestamptz"),
        TypedColumn("notes", "Notes"),
    ]
    assert reasons(con, columns, [
        {"Name": "#1", "Lineitem quantity": "", "Created at": "  ", "Notes": None},
        {"Name": "", "Lineitem quantity": "1"},
        {"Name": "   ", "Lineitem quantity": "1"},
        {"Name": None, "Lineitem quantity": "1"},
    ]) == [None, "Name: missing required value", "Name: missing required value", "Name: missing required value"]


def test_a_required_typed_column_is_missing_when_blank_and_miscast_when_present(con):
    ordered_at = TypedColumn("ordered_at", "date_created", "timestamptz", required=True)
    assert reasons(con, [ordered_at], [{"date_created": " "}, {"date_created": "soon"}]) == [
        "date_created: missing required value",
        f"date_created: expected {TIMESTAMP_EXPECTED}, got 'soon'",
    ]


def test_missing_required_values_are_checked_before_any_cast_then_columns_in_order(con):
    columns = [
        TypedColumn("quantity", "quantity", "integer"),
        TypedColumn("order_id", "order_id", required=True),
        TypedColumn("line_total", "line_total", "decimal(18, 2)"),
        TypedColumn("line_id", "line_item_id", required=True),
    ]
    assert reasons(con, columns, [
        # a cast failure in an earlier column loses to a missing value in a later one
        {"quantity": "two", "order_id": "", "line_total": "ten", "line_item_id": "1"},
        # two missing values: the first listed required column
        {"quantity": "two", "order_id": "", "line_total": "ten", "line_item_id": ""},
        {"quantity": "two", "order_id": "o1", "line_total": "ten", "line_item_id": ""},
        # nothing missing, two cast failures: the first listed column
        {"quantity": "two", "order_id": "o1", "line_total": "ten", "line_item_id": "1"},
        {"quantity": "2", "order_id": "o1", "line_total": "ten", "line_item_id": "1"},
    ]) == [
        "order_id: missing required value",
        "order_id: missing required value",
        "line_item_id: missing required value",
        "quantity: expected a whole number, got 'two'",
        "line_total: expected a number, got 'ten'",
    ]


def test_text_columns_that_are_not_required_never_give_a_reason():
    assert reason_whens([TypedColumn("notes", "Notes"), TypedColumn("tags", "Tags")]) == []
