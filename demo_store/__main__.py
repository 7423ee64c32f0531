"""Command line: `python -m demo_store --out data --profiles 5000 --seed 7`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from demo_store.store import DEFAULT_PERSONS_PER_CHUNK, generate_store


def main() -> None:
    """Generate the demo store and print one summary line per file kind."""
    parser = argparse.ArgumentParser(description="Generate a deterministic demo online store (landing zone).")
    parser.add_argument(
        "--out", type=Path, default=Path("data"), help="output folder (landing/, ground_truth/)"
    )
    parser.add_argument("--profiles", type=int, default=5_000, help="number of persons")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--events-per-profile", type=float, default=None, help="default 20 (10 above a million persons)"
    )
    parser.add_argument("--malformed-rate", type=float, default=0.02)
    parser.add_argument("--persons-per-chunk", type=int, default=DEFAULT_PERSONS_PER_CHUNK)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: up to 2)")
    args = parser.parse_args()
    started = time.perf_counter()
    summary = generate_store(
        args.out,
        args.profiles,
        seed=args.seed,
        events_per_profile=args.events_per_profile,
        malformed_rate=args.malformed_rate,
        persons_per_chunk=args.persons_per_chunk,
        workers=args.workers,
    )
    for line in summary.lines():
        print(line)
    print(f"{summary.persons:,} persons written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
