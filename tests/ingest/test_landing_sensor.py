"""The landing-zone sensor requests the ingest of exactly the formats whose files are new or rewritten."""

import os

import dagster as dg

from assets.ingest.landing_sensor import landing_zone_sensor


def evaluate(cursor=None):
    context = dg.build_sensor_context(cursor=cursor)
    return landing_zone_sensor(context)


def selected_keys(result):
    return sorted(key.to_user_string() for key in result.run_requests[0].asset_selection)


def test_sensor_requests_ingest_for_new_files_then_waits_until_something_changes(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    assert isinstance(evaluate(), dg.SkipReason)  # empty landing zone: nothing to do

    (landing / "events/2026-03-01").mkdir(parents=True)
    (landing / "events/2026-03-01/a.jsonl").write_text("{}\n")
    first = evaluate()
    assert selected_keys(first) == ["raw/events"]

    assert isinstance(evaluate(first.cursor), dg.SkipReason)  # same files: no second run

    (landing / "catalog").mkdir()
    (landing / "catalog/products.jsonl").write_text('{"product_id": "p1"}\n')
    second = evaluate(first.cursor)
    assert selected_keys(second) == ["raw/catalog_products"]

    rewritten = landing / "events/2026-03-01/a.jsonl"
    rewritten.write_text('{"type": "track"}\n')
    os.utime(rewritten, ns=(1, 1))
    third = evaluate(second.cursor)
    assert selected_keys(third) == ["raw/events"]
    assert len({first.run_requests[0].run_key, third.run_requests[0].run_key}) == 2
