"""`generate_store`: a deterministic, streaming demo online store (landing zone plus ground truth).

Persons are generated in chunks (default 40,000 persons, about 850,000 events at 20 per person); each chunk
writes its own files, so memory stays bounded at any scale and two worker processes can share the work. The
same (profiles, seed, persons_per_chunk) gives byte-identical files, whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from demo_store.catalog import build_catalog, catalog_size, write_catalog
from demo_store.chunk import ChunkJob, generate_chunk
from demo_store.events import default_events_per_profile
from demo_store.ground_truth import join_parts, part_path
from demo_store.summary import FILE_KINDS, KindCounts, StoreSummary
from demo_store.writers import DefectLog

DEFAULT_PERSONS_PER_CHUNK = 40_000
CATALOG_FILE = "catalog/products.jsonl"
_CATALOG_PART = "catalog"


def _clear_previous_output(out_dir: Path) -> None:
    # A smaller earlier run must not leave files behind that the counts would miss.
    for folder in (*(out_dir / "landing" / kind for kind in FILE_KINDS), out_dir / "ground_truth"):
        if folder.exists():
            shutil.rmtree(folder)


def _chunk_jobs(
    out_dir: Path,
    profiles: int,
    seed: int,
    events_per_profile: float,
    malformed_rate: float,
    persons_per_chunk: int,
    products: int,
) -> list[ChunkJob]:
    return [
        ChunkJob(
            out_dir,
            chunk,
            first_pid,
            min(persons_per_chunk, profiles - first_pid),
            seed,
            events_per_profile,
            malformed_rate,
            products,
        )
        for chunk, first_pid in enumerate(range(0, profiles, persons_per_chunk))
    ]


def generate_store(
    out_dir: Path,
    profiles: int,
    seed: int = 7,
    events_per_profile: float | None = None,
    malformed_rate: float = 0.02,
    *,
    persons_per_chunk: int = DEFAULT_PERSONS_PER_CHUNK,
    workers: int | None = None,
) -> StoreSummary:
    """Write `out_dir/landing/` (events, shopify, woocommerce, crm, catalog, legacy_pos) and `out_dir/ground_truth/`.

    Replaces an earlier demo store in `out_dir`. Costs about 20 s of CPU per 50,000 persons and million
    events; memory stays bounded by one chunk per worker (about 200 MB each).
    """
    if profiles < 1:
        raise ValueError(f"profiles must be at least 1, got {profiles}")
    if not 0.0 <= malformed_rate < 0.5:
        raise ValueError(f"malformed_rate must be in [0, 0.5), got {malformed_rate}")
    out_dir = Path(out_dir)
    per_profile = (
        default_events_per_profile(profiles) if events_per_profile is None else float(events_per_profile)
    )
    _clear_previous_output(out_dir)
    truth_dir = out_dir / "ground_truth"
    summary = StoreSummary(
        persons=profiles, seed=seed, events_per_profile=per_profile, malformed_rate=malformed_rate
    )

    products = catalog_size(profiles)
    catalog_defects = DefectLog(part_path(truth_dir, "malformed", _CATALOG_PART))
    lines, malformed = write_catalog(
        out_dir / "landing" / CATALOG_FILE,
        build_catalog(products, seed),
        malformed_rate,
        seed,
        lambda line, defect: catalog_defects.record(CATALOG_FILE, line, defect),
    )
    catalog_defects.close()
    summary.kinds["catalog"] = KindCounts(1, lines, malformed, 0)

    jobs = _chunk_jobs(out_dir, profiles, seed, per_profile, malformed_rate, persons_per_chunk, products)
    worker_count = min(workers or min(2, os.cpu_count() or 1), len(jobs))
    if worker_count > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=worker_count, mp_context=context) as pool:
            results = list(pool.map(generate_chunk, jobs))
    else:
        results = [generate_chunk(job) for job in jobs]
    for counts in results:
        for kind, chunk_counts in counts.items():
            summary.kinds[kind].add(chunk_counts)

    join_parts(truth_dir, [_CATALOG_PART, *(f"{job.chunk:05d}" for job in jobs)])
    summary.write_json(truth_dir / "summary.json")
    return summary
