"""The published CDNOW sample through the whole path a store's data takes: a one-row-per-order file in the landing
zone, the real ingest, dbt from staging to the CLV summaries, and the CLV fit, gives back the published parameters.

Fader, Hardie & Lee (2005) fitted BG/NBD on the 2,357 customers' first 39 weeks (to 1997-09-30), in weeks:
r 0.243, alpha 4.414, a 0.793, b 2.426; lifetimes' documentation fits Gamma-Gamma on the same summaries: p 6.25,
q 3.74, v 15.44. The sample holds 8 purchases of $0 (each its customer's only one), which are no orders of the net
metric, so 2,349 customers are fitted; the parameters move by less than 1 %.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest
import yaml
from cdnow_store import write_cdnow_store_orders

from assets.dbt_models.dbt_vars import build_dbt_vars
from assets.ingest.batch_loader import ingest_source
from assets.ingest.raw_tables import create_raw_tables
from assets.ingest.sources_config import SourcesConfig
from assets.intelligence.clv_config import load_clv_config
from assets.intelligence.clv_tables import build_clv_tables
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}
CALIBRATION_END = "1997-09-30"


@pytest.fixture(scope="module")
def cdnow_clv(tmp_path_factory, invoke_dbt):
    """CDNOW landed, ingested, built through dbt with CLV as of the calibration end in weeks, and fitted."""
    root = tmp_path_factory.mktemp("cdnow_clv")
    landing, warehouse, config_dir = root / "landing", root / "warehouse.duckdb", root / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    clv_path = config_dir / "clv.yaml"
    clv_path.write_text(yaml.safe_dump({
        **yaml.safe_load(clv_path.read_text()),
        "as_of": CALIBRATION_END, "time_unit": "week", "frequency_model": "bgnbd",
    }))
    source = write_cdnow_store_orders(landing)
    sources = SourcesConfig(sources=[source])
    with open_warehouse(warehouse) as con:
        create_raw_tables(con)
        counts = ingest_source(con, source, landing, sources, datetime(2026, 11, 2, tzinfo=UTC))
    invoke_dbt(warehouse, root / "target", "build", "--select", "+path:models/analytics/clv", "+profiles",
               "--exclude", "test_type:data", dbt_vars=build_dbt_vars(config_dir))
    with open_warehouse(warehouse) as con:
        run = build_clv_tables(con, load_clv_config(config_dir))
        orders = con.execute("select count(*), count(distinct profile_id) from marts.orders").fetchone()
    return counts, orders, run


def test_cdnow_lands_whole(cdnow_clv):
    counts, orders, _ = cdnow_clv
    assert (counts.read, counts.loaded, counts.quarantined) == (6919, 6919, 0)
    assert orders == (6919, 2357)


def test_the_fit_gives_back_the_published_parameters(cdnow_clv):
    _, _, run = cdnow_clv
    fitted = {name: run.model[name] for name in PUBLISHED}
    assert fitted == {name: pytest.approx(value, rel=0.01) for name, value in PUBLISHED.items()}
    assert run.model["customers"] == 2349
    assert str(run.model["as_of_date"]) == CALIBRATION_END
    assert run.model["time_unit"] == "week"
