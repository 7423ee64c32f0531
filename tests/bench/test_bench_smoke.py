"""The bench code at a small scale, so it cannot rot: every stage timed, the ratio, quality and balanced counts."""

from __future__ import annotations

import re

import pytest

from bench.run import parse_scale, run_bench
from bench.stages import DBT_LAYERS

SMOKE_SCALE = "5k"  # 20k took 113 s on a loaded 2-core machine; the budget is 90 s
EXPECTED_STAGES = [
    "generate",
    "ingest segment_events", "ingest shopify_orders", "ingest woocommerce_orders", "ingest crm_profiles",
    "ingest product_catalog",
    *(stage_name for stage_name, _ in DBT_LAYERS),
    "reference segment_events", "reference shopify_orders", "reference woocommerce_orders",
]
_NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"


def _table_rows(markdown: str, header_start: str) -> dict[str, list[str]]:
    """The rows of the markdown table whose header starts with `header_start`, keyed by their first cell."""
    lines = markdown.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(header_start))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of one bench run at the smoke scale, in a temporary folder."""
    root = tmp_path_factory.mktemp("bench")
    _, report_path = run_bench(
        SMOKE_SCALE, root / "scratch", root / "results", keep=False, command="pytest tests/bench"
    )
    assert report_path == root / "results" / f"{SMOKE_SCALE}.md"
    assert not (root / "scratch" / SMOKE_SCALE).exists(), "the scratch folder is removed without --keep"
    return report_path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_stage_is_timed_and_succeeds(smoke_report: str) -> None:
    stages = _table_rows(smoke_report, "| stage |")
    for name in EXPECTED_STAGES:
        assert name in stages, f"stage {name!r} missing from the report"
        wall_s, peak_mib, _, _, status = stages[name]
        assert float(wall_s) > 0, f"{name}: wall time {wall_s}"
        assert float(peak_mib.replace(",", "")) > 0, f"{name}: peak RSS {peak_mib}"
        assert status == "ok", f"{name}: {status}"


@pytest.mark.slow
def test_report_states_ratio_quality_and_iterations(smoke_report: str) -> None:
    assert re.search(rf"reference {_NUMBER} s = \*\*{_NUMBER}x\*\*", smoke_report), "ratio line missing"
    quality = re.search(rf"precision \*\*({_NUMBER})\*\*, recall \*\*({_NUMBER})\*\*", smoke_report)
    assert quality, "precision and recall missing from the report"
    assert all(0.0 <= float(value) <= 1.0 for value in quality.groups())
    assert re.search(r"Identity resolution: \d+ rounds", smoke_report), "identity iterations missing"


@pytest.mark.slow
def test_every_source_balances(smoke_report: str) -> None:
    counts = _table_rows(smoke_report, "| source |")
    assert set(counts) == {"segment_events", "shopify_orders", "woocommerce_orders", "crm_profiles", "product_catalog"}
    for source, cells in counts.items():
        read, loaded, duplicates, quarantined = (int(cell.replace(",", "")) for cell in cells[1:5])
        assert read > 0, source
        assert read == loaded + duplicates + quarantined, f"{source}: {read} != {loaded} + {duplicates} + {quarantined}"


@pytest.mark.slow
def test_targets_table_has_a_verdict_per_target(smoke_report: str) -> None:
    targets = _table_rows(smoke_report, "| target |")
    assert len(targets) == 7
    assert all(verdict.split()[0] in ("PASS", "FAIL", "n/a") for _, verdict in targets.values())


def test_scale_labels_parse_to_profile_counts() -> None:
    assert [parse_scale(scale) for scale in ("20k", "100k", "1m", "10m", "250")] == [
        20_000, 100_000, 1_000_000, 10_000_000, 250
    ]
    with pytest.raises(ValueError, match="--scale"):
        parse_scale("ten")
