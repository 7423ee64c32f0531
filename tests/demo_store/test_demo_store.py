"""The demo store generator: determinism, file formats, counts, malformed records and ground truth."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from assets.ingest.tabular_sources import SHOPIFY_HEADER
from core.settings import PROJECT_ROOT
from demo_store import generate_store

PROFILES = 2_000
PERSONS_PER_CHUNK = 800
MALFORMED_RATE = 0.02
ORDER_LEVEL_COLUMNS = (
    "Email",
    "Financial Status",
    "Total",
    "Created at",
    "Billing Name",
    "Note Attributes",
    "Id",
    "Tags",
    "Source",
    "Phone",
    "Refunded Amount",
    "Cancelled at",
    "Currency",
)
SEGMENT_TYPES = {"identify", "track", "page", "screen", "alias", "group"}
IDENTIFIER_KEYS = ("userId", "anonymousId", "previousId")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store")
    generate_store(
        out, PROFILES, seed=7, malformed_rate=MALFORMED_RATE, persons_per_chunk=PERSONS_PER_CHUNK, workers=1
    )
    return out


@pytest.fixture(scope="module")
def summary(store: Path) -> dict:
    return json.loads((store / "ground_truth" / "summary.json").read_text())


def _file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _event_files(store: Path) -> list[Path]:
    return sorted((store / "landing" / "events").rglob("*.jsonl.gz"))


def _event_lines(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def _read_gzip_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _malformed(store: Path) -> dict[str, dict[int, str]]:
    logged: dict[str, dict[int, str]] = defaultdict(dict)
    for row in _read_gzip_csv(store / "ground_truth" / "malformed.csv.gz"):
        logged[row["file"]][int(row["line"])] = row["defect"]
    return logged


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parses_iso(text: object) -> bool:
    try:
        parsed = datetime.fromisoformat(str(text))
    except ValueError:
        return False
    return parsed.tzinfo is not None and 2000 <= parsed.year <= 2030


def test_same_seed_gives_byte_identical_files_whatever_the_workers(store: Path, tmp_path: Path) -> None:
    generate_store(
        tmp_path / "again",
        PROFILES,
        seed=7,
        malformed_rate=MALFORMED_RATE,
        persons_per_chunk=PERSONS_PER_CHUNK,
        workers=2,
    )
    assert _file_digests(tmp_path / "again") == _file_digests(store)


def test_another_seed_gives_other_files(store: Path, tmp_path: Path) -> None:
    generate_store(
        tmp_path / "other",
        PERSONS_PER_CHUNK,
        seed=8,
        malformed_rate=MALFORMED_RATE,
        persons_per_chunk=PERSONS_PER_CHUNK,
        workers=1,
    )
    ours, theirs = _file_digests(store / "landing"), _file_digests(tmp_path / "other" / "landing")
    common = ours.keys() & theirs.keys()
    assert len(common) == 6
    assert all(ours[name] != theirs[name] for name in common)


def test_every_file_kind_is_written_and_read_by_duckdb(store: Path, summary: dict) -> None:
    landing = store / "landing"
    con = duckdb.connect()
    lines_sql = (
        "select count(*), count(*) filter (where json_valid(line)) from read_csv(?, columns={'line': "
        "'VARCHAR'}, header=false, delim='\x01', quote='', escape='')"
    )
    events, valid_events = con.execute(lines_sql, [str(landing / "events" / "*" / "*.jsonl.gz")]).fetchone()
    catalog, valid_catalog = con.execute(lines_sql, [str(landing / "catalog" / "products.jsonl")]).fetchone()
    shopify = con.execute(
        "select count(*) from read_csv(?, header=true, all_varchar=true)",
        [str(landing / "shopify" / "*.csv")],
    ).fetchone()[0]
    woo = con.execute(
        "select count(*) from read_parquet(?)", [str(landing / "woocommerce" / "*.parquet")]
    ).fetchone()[0]
    crm = con.execute(
        "select count(*) from read_csv(?, header=true, all_varchar=true)", [str(landing / "crm" / "*.csv")]
    ).fetchone()[0]
    kinds = summary["kinds"]
    assert (events, shopify, woo, crm, catalog) == (
        kinds["events"]["records"],
        kinds["shopify"]["records"],
        kinds["woocommerce"]["records"],
        kinds["crm"]["records"],
        kinds["catalog"]["records"],
    )
    assert min(events, shopify, woo, crm, catalog) > 0
    assert events - valid_events > 0 and catalog - valid_catalog > 0
    chunks = -(-PROFILES // PERSONS_PER_CHUNK)
    assert kinds["shopify"]["files"] == len(list((landing / "shopify").glob("*.csv"))) == chunks
    assert kinds["events"]["files"] == len(_event_files(store))
    for table in ("identities", "orders", "persons", "malformed"):
        rows = con.execute(
            "select count(*) from read_csv(?, header=true, all_varchar=true)",
            [str(store / "ground_truth" / f"{table}.csv.gz")],
        ).fetchone()[0]
        assert rows > 0, table
    assert summary["persons"] == PROFILES


def test_events_average_about_the_requested_number_per_person(summary: dict) -> None:
    assert 14 <= summary["kinds"]["events"]["records"] / PROFILES <= 26


def test_shopify_header_and_order_level_fields_only_on_first_line(store: Path) -> None:
    orders: dict[str, list[dict[str, str]]] = defaultdict(list)
    for path in sorted((store / "landing" / "shopify").glob("*.csv")):
        assert path.read_text(encoding="utf-8").split("\n", 1)[0] == ",".join(SHOPIFY_HEADER)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                orders[row["Name"]].append(row)
    multi_line = [rows for rows in orders.values() if len(rows) > 1]
    assert len(multi_line) > 50
    for rows in multi_line:
        assert rows[0]["Id"] and rows[0]["Created at"] and rows[0]["Total"]
        for later in rows[1:]:
            assert all(later[column] == "" for column in ORDER_LEVEL_COLUMNS), later["Name"]
            assert later["Lineitem sku"] and later["Lineitem quantity"]
    sources = Counter(rows[0]["Source"] for rows in orders.values())
    assert sources["web"] > sources["pos"] > 0
    first_rows = [rows[0] for rows in orders.values()]
    assert any("Subscription Recurring Order" in row["Tags"] for row in first_rows)
    assert any(
        row["Financial Status"] == "refunded" and float(row["Refunded Amount"]) > 0 for row in first_rows
    )
    assert any(row["Financial Status"] == "voided" and row["Cancelled at"] for row in first_rows)
    assert any(row["Discount Code"] == "GIFT100" and row["Total"] == "0.00" for row in first_rows)
    assert any(row["Note Attributes"].startswith("customer_id: shopify_c_") for row in first_rows)


def _event_defect_holds(text: str, defect: str) -> bool:
    if defect == "invalid_json":
        try:
            json.loads(text)
        except json.JSONDecodeError:
            return True
        return False
    event = json.loads(text)
    checks = {
        "wrong_type_timestamp": lambda: isinstance(event["timestamp"], int | float),
        "wrong_type_properties": lambda: isinstance(event["properties"], list),
        "wrong_type_user_id": lambda: isinstance(event["userId"], dict),
        "missing_identifier": lambda: not any(event.get(key) for key in IDENTIFIER_KEYS),
        "impossible_timestamp": lambda: event["timestamp"][:4] in ("2999", "1900"),
        "unparseable_timestamp": lambda: not _parses_iso(event["timestamp"]),
        "unknown_type": lambda: event["type"] not in SEGMENT_TYPES,
    }
    return checks[defect]()


def _event_is_valid(text: str) -> bool:
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return False
    return (
        event.get("type") in SEGMENT_TYPES
        and isinstance(event.get("messageId"), str)
        and _parses_iso(event.get("timestamp"))
        and any(isinstance(event.get(key), str) and event[key] for key in IDENTIFIER_KEYS)
        and not isinstance(event.get("properties", {}), list)
    )


def test_every_logged_event_defect_is_real_and_every_other_line_is_valid(store: Path, summary: dict) -> None:
    logged = _malformed(store)
    deepest = 0
    for path in _event_files(store):
        relative = path.relative_to(store / "landing").as_posix()
        defects = logged.get(relative, {})
        lines = _event_lines(path)
        for number, text in enumerate(lines, start=1):
            if number in defects:
                assert _event_defect_holds(text, defects[number]), (relative, number, defects[number])
            else:
                assert _event_is_valid(text), (relative, number, text)
        deepest = max(deepest, max(defects, default=0) / len(lines))
        assert len(set(defects.values())) >= 6
    assert deepest > 0.9
    events = summary["kinds"]["events"]
    assert 0.5 * MALFORMED_RATE <= events["malformed"] / events["records"] <= 1.5 * MALFORMED_RATE


def test_logged_defects_in_tables_are_real(store: Path) -> None:
    landing = store / "landing"
    logged = _malformed(store)
    seen = Counter()
    for relative, defects in logged.items():
        if relative.endswith(".csv"):
            with (landing / relative).open(encoding="utf-8", newline="") as handle:
                rows = {number: row for number, row in enumerate(csv.DictReader(handle), start=2)}
            for number, defect in defects.items():
                row = rows[number]
                if defect == "unparseable_created_at":
                    with pytest.raises(ValueError):
                        datetime.strptime(row["Created at"], "%Y-%m-%d %H:%M:%S %z")
                elif defect == "non_numeric_price":
                    assert not _is_number(row["Lineitem price"])
                elif defect == "non_numeric_quantity":
                    assert not _is_number(row["Lineitem quantity"])
                elif defect == "missing_all_identifiers":
                    assert row["crm_id"] == row["email"] == row["phone"] == ""
                elif defect == "unparseable_sold_at":
                    assert not _parses_iso(row["sold_at"])
                else:
                    assert defect == "unparseable_updated_at" and not _parses_iso(row["updated_at"])
                seen[defect] += 1
        elif relative.endswith(".parquet"):
            table = pq.read_table(landing / relative).to_pylist()
            for number, defect in defects.items():
                row = table[number - 1]
                if defect == "negative_quantity":
                    assert row["quantity"] < 0
                else:
                    assert defect == "unparseable_date_created" and not _parses_iso(row["date_created"])
                seen[defect] += 1
        elif relative.startswith("catalog/"):
            lines = (landing / relative).read_text(encoding="utf-8").splitlines()
            for number, defect in defects.items():
                if defect == "invalid_json":
                    with pytest.raises(json.JSONDecodeError):
                        json.loads(lines[number - 1])
                else:
                    assert not isinstance(json.loads(lines[number - 1])["price"], int | float)
                seen[defect] += 1
    assert {
        "unparseable_created_at",
        "non_numeric_price",
        "missing_all_identifiers",
        "unparseable_updated_at",
        "unparseable_sold_at",
        "invalid_json",
    } <= set(seen)


def test_duplicates_repeat_whole_lines_as_counted(store: Path, summary: dict) -> None:
    counts = Counter(line for path in _event_files(store) for line in _event_lines(path))
    repeated = sum(count - 1 for count in counts.values())
    assert repeated == summary["kinds"]["events"]["duplicates"] > 0


def test_every_event_identifier_belongs_to_one_person(store: Path) -> None:
    """Except the hostile ones: a placeholder userId is nobody's, a company phone is everyone's who wrote it."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _read_gzip_csv(store / "ground_truth" / "identities.csv.gz"):
        owners[(row["id_type"], row["id_value"])].add(row["person_id"])
    hostile = _read_gzip_csv(store / "ground_truth" / "hostile.csv.gz")
    placeholders = {row["id_value"] for row in hostile if row["attack"] == "placeholder_user_id"}
    business_phones = {row["id_value"] for row in hostile if row["attack"] == "shared_business_phone"}
    assert placeholders and business_phones
    for path in _event_files(store):
        for text in _event_lines(path):
            if not _event_is_valid(text):
                continue
            event = json.loads(text)
            if isinstance(event.get("userId"), str):
                expected = 0 if event["userId"] in placeholders else 1
                assert len(owners[("user_id", event["userId"])]) == expected, event
            for key in ("anonymousId", "previousId"):
                if key in event:
                    assert len(owners[("anonymous_id", event[key])]) == 1, event
    shared = [(id_type, value) for (id_type, value), people in owners.items() if len(people) > 1]
    assert all(id_type == "email" or value in business_phones for id_type, value in shared)


def test_households_share_an_email_but_not_phones_or_accounts(store: Path) -> None:
    households: dict[str, list[str]] = defaultdict(list)
    for row in _read_gzip_csv(store / "ground_truth" / "persons.csv.gz"):
        if row["household_id"]:
            households[row["household_id"]].append(row["person_id"])
    ids: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _read_gzip_csv(store / "ground_truth" / "identities.csv.gz"):
        ids[row["person_id"]][row["id_type"]].add(row["id_value"].strip().lower())
    shared = 0
    for members in households.values():
        assert 2 <= len(members) <= 4
        emails = [ids[member]["email"] for member in members if ids[member]["email"]]
        if len(emails) >= 2:
            assert set.intersection(*emails)
            shared += 1
        accounts = [account for member in members for account in ids[member]["shopify_customer_id"]]
        assert len(accounts) == len(set(accounts))
    assert shared >= 5


def test_ground_truth_orders_are_exactly_the_valid_orders(store: Path) -> None:
    landing = store / "landing"
    logged = _malformed(store)
    shopify_ids = set()
    for path in sorted((landing / "shopify").glob("*.csv")):
        bad = logged.get(path.relative_to(landing).as_posix(), {})
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                if row["Id"] and number not in bad:
                    shopify_ids.add(row["Id"])
    woo_ids = set()
    for path in sorted((landing / "woocommerce").glob("*.parquet")):
        bad = logged.get(path.relative_to(landing).as_posix(), {})
        for number, row in enumerate(pq.read_table(path, columns=["order_id"]).to_pylist(), start=1):
            if number not in bad:
                woo_ids.add(str(row["order_id"]))
    truth = _read_gzip_csv(store / "ground_truth" / "orders.csv.gz")
    assert {row["order_id"] for row in truth if row["source"] == "shopify"} == shopify_ids
    assert {row["order_id"] for row in truth if row["source"] == "woocommerce"} == woo_ids
    completed = {
        json.loads(text)["properties"]["order_id"]
        for path in _event_files(store)
        for text in _event_lines(path)
        if '"event":"Order Completed"' in text and _event_is_valid(text)
    }
    assert completed and completed <= shopify_ids


def test_memory_stays_bounded_as_chunks_stream(tmp_path: Path) -> None:
    # Regression: ru_maxrss survives exec, so a child forked from a big pytest process reported the parent's
    # ~700 MB; VmHWM is the peak of the child's own address space.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from demo_store import generate_store\n"
        "generate_store(Path(sys.argv[1]), 4000, persons_per_chunk=1000, workers=1)\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(next(line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "store")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mib = int(result.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mib < 400
