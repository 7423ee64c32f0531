"""One chunk of persons, generated person by person into the chunk's own files (a unit of parallel work).

The chunk's random stream is seeded from (seed, chunk index) only, so a chunk's files are the same whichever
worker makes them and whatever the other chunks do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from demo_store.catalog import Catalog, build_catalog
from demo_store.crm import CrmProfiles
from demo_store.event_defects import corrupt_event
from demo_store.events import draw_event_budget, person_event_lines
from demo_store.ground_truth import ChunkTruth, part_path
from demo_store.hostile import HostilePlan
from demo_store.legacy_pos import LegacyPosOrders
from demo_store.orders import plan_orders
from demo_store.persons import draw_persons
from demo_store.shopify import ShopifyExport
from demo_store.summary import KindCounts
from demo_store.timestamps import AS_OF
from demo_store.woocommerce import WooOrders
from demo_store.writers import DefectLog, EventFiles

MAX_EVENT_LINES_PER_FILE = 500_000
EVENTS_DATE_FOLDER = AS_OF.date().isoformat()


@dataclass(frozen=True)
class ChunkJob:
    """What one chunk needs: where to write, which persons, and the store's parameters."""

    out_dir: Path
    chunk: int
    first_pid: int
    persons: int
    seed: int
    events_per_profile: float
    malformed_rate: float
    catalog_products: int


@lru_cache(maxsize=2)
def _catalog(products: int, seed: int) -> Catalog:
    return build_catalog(products, seed)


def generate_chunk(job: ChunkJob) -> dict[str, KindCounts]:
    """Write the chunk's events, Shopify, WooCommerce, legacy till and CRM files and ground-truth parts; return
    counts."""
    landing = job.out_dir / "landing"
    truth_dir = job.out_dir / "ground_truth"
    catalog = _catalog(job.catalog_products, job.seed)
    rng = random.Random(f"demo-store/{job.seed}/chunk/{job.chunk}")
    writer_rngs = [
        random.Random(f"demo-store/{job.seed}/chunk/{job.chunk}/{name}")
        for name in ("events", "shopify", "woocommerce", "crm", "legacy_pos")
    ]
    defects = DefectLog(part_path(truth_dir, "malformed", f"{job.chunk:05d}"))
    events = EventFiles(
        landing,
        f"events/{EVENTS_DATE_FOLDER}/events-{job.chunk:05d}-{{part:03d}}.jsonl.gz",
        MAX_EVENT_LINES_PER_FILE,
        writer_rngs[0],
        job.malformed_rate,
        corrupt_event,
        defects,
    )
    shopify = ShopifyExport(landing, job.chunk, writer_rngs[1], job.malformed_rate, defects)
    woo = WooOrders(landing, job.chunk, writer_rngs[2], job.malformed_rate, defects)
    crm = CrmProfiles(landing, job.chunk, writer_rngs[3], job.malformed_rate, defects)
    legacy = LegacyPosOrders(landing, job.chunk, writer_rngs[4], job.malformed_rate, defects)
    truth = ChunkTruth(truth_dir, job.chunk)
    hostile = HostilePlan(
        random.Random(f"demo-store/{job.seed}/chunk/{job.chunk}/hostile"), job.chunk, job.first_pid, job.persons
    )
    for person in draw_persons(rng, job.first_pid, job.persons, catalog):
        hostile.recruit(person)
        orders, alive = plan_orders(person, rng, catalog)
        for order in orders:
            if order.channel == "woo":
                woo.number_order(order)
                woo.write_order(person, order)
            else:
                shopify.number_order(order)
                shopify.write_order(person, order)
        budget = draw_event_budget(person, rng, job.events_per_profile)
        events.write_lines(person_event_lines(person, orders, rng, catalog, budget))
        crm.write_person(person)
        legacy_receipts = legacy.write_person(person)
        truth.write_person(person, orders, alive, legacy_receipts)
    for writer in (events, shopify, woo, crm, legacy, truth, defects):
        writer.close()
    return {
        "events": KindCounts(events.files, events.records, events.malformed, events.duplicates),
        "shopify": KindCounts(1, shopify.records, shopify.malformed, 0),
        "woocommerce": KindCounts(1, woo.records, woo.malformed, 0),
        "crm": KindCounts(1, crm.records, crm.malformed, 0),
        "legacy_pos": KindCounts(1, legacy.records, legacy.malformed, legacy.duplicates),
    }
