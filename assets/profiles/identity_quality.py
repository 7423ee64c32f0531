"""Pairwise precision and recall of identity resolution against the demo generator's ground truth.

Pairs are counted, never enumerated: a group of n records holds n * (n - 1) / 2 pairs, summed in SQL.
Evaluated on key identifiers (anonymous_id, user_id, store customer ids, crm_id) and orders; shared emails and
phones are ambiguous by design, so they are not ground-truth records here. A key identifier the ground truth lists
under more than one person (a device two people used) is left out too: no resolver can place one record with both,
so it would count against every resolution alike; `shared_records` counts them. Every key identifier and order the
warehouse saw is measured, including those no data can link (a device that never identifies, a cash sale with
no receipt contact, a CRM record holding only a household email): they count against recall.

`python -m assets.profiles.identity_quality --ground-truth <store>/ground_truth --warehouse <file.duckdb>` prints
the measure of a built warehouse as JSON.
"""

import argparse
import json
import sys
from pathlib import Path

import duckdb

KEY_IDENTIFIER_TYPES = ("anonymous_id", "user_id", "shopify_customer_id", "woocommerce_customer_id", "crm_id")


def measure_identity_quality(
    con: duckdb.DuckDBPyConnection, ground_truth_identities_csv: Path, ground_truth_orders_csv: Path | None = None
) -> dict:
    """Precision, recall and pair counts of marts.profile_identities (and marts.orders) against ground truth.

    Orders match on order_id alone (store order ids do not collide in the generator's data).
    A record is one ground-truth (id_type, id_value) or order; it is predicted to belong with another when both
    resolve to the same profile_id, and truly belongs when both have the same person_id. Records the resolution
    the warehouse never saw (the ground truth also lists ids a person owns but never used, such as a Shopify
    customer id without Shopify orders) are left out of the pairs and counted in `unresolved_records`.
    """
    con.execute(
        """
        create or replace temp table quality_truth as
        select distinct id_type as record_type, trim(id_value) as record_value, person_id
        from read_csv(?, header = true, all_varchar = true)
        where id_type in (select unnest(?::varchar[]))
        """,
        [str(ground_truth_identities_csv), list(KEY_IDENTIFIER_TYPES)],
    )
    if ground_truth_orders_csv is not None:
        con.execute(
            """
            insert into quality_truth
            select distinct 'order', trim(order_id), person_id
            from read_csv(?, header = true, all_varchar = true)
            """,
            [str(ground_truth_orders_csv)],
        )
    con.execute(
        """
        create or replace temp table quality_shared as
        select record_type, record_value from quality_truth
        group by record_type, record_value having count(distinct person_id) > 1
        """
    )
    shared_records = con.execute("select count(*) from quality_shared").fetchone()[0]
    con.execute(
        """
        delete from quality_truth using quality_shared
        where quality_truth.record_type = quality_shared.record_type
            and quality_truth.record_value = quality_shared.record_value
        """
    )
    con.execute(
        """
        create or replace temp table quality_records as
        with predicted as (
            select identifier_type as record_type, identifier_value as record_value, min(profile_id) as profile_id
            from marts.profile_identities
            group by 1, 2
            union all
            select 'order', order_id, min(profile_id) from marts.orders group by 1, 2
        )
        select truth.record_type, truth.record_value, truth.person_id,
            coalesce(predicted.profile_id, 'unresolved:' || truth.record_type || ':' || truth.record_value)
                as profile_id
        from quality_truth as truth
        left join predicted
            on truth.record_type = predicted.record_type and truth.record_value = predicted.record_value
        """
    )
    pairs = """
        select coalesce(sum(n * (n - 1) / 2), 0)::hugeint
        from (
            select count(*)::hugeint as n from quality_records
            where profile_id not like 'unresolved:%' group by {}
        ) as groups
    """
    true_pairs = con.execute(pairs.format("person_id")).fetchone()[0]
    predicted_pairs = con.execute(pairs.format("profile_id")).fetchone()[0]
    correct_pairs = con.execute(pairs.format("person_id, profile_id")).fetchone()[0]
    records, unresolved = con.execute(
        "select count(*), count(*) filter (where profile_id like 'unresolved:%') from quality_records"
    ).fetchone()
    return {
        "precision": float(correct_pairs / predicted_pairs) if predicted_pairs else 1.0,
        "recall": float(correct_pairs / true_pairs) if true_pairs else 1.0,
        "true_pairs": int(true_pairs),
        "predicted_pairs": int(predicted_pairs),
        "correct_pairs": int(correct_pairs),
        "records": int(records),
        "unresolved_records": int(unresolved),
        "shared_records": int(shared_records),
    }


def main(argv: list[str]) -> None:
    """Measure a built warehouse against a demo store's ground truth; write the result as JSON to stdout."""
    parser = argparse.ArgumentParser(prog="python -m assets.profiles.identity_quality")
    parser.add_argument("--ground-truth", type=Path, required=True, help="the store's ground_truth folder")
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB file dbt built")
    args = parser.parse_args(argv)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        result = measure_identity_quality(
            con, args.ground_truth / "identities.csv.gz", args.ground_truth / "orders.csv.gz"
        )
    finally:
        con.close()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
