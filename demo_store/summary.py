"""What a generation run wrote: per file kind, files, records, malformed records and duplicates."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

FILE_KINDS = ("events", "shopify", "woocommerce", "crm", "catalog", "legacy_pos")


@dataclass
class KindCounts:
    """Counts for one file kind; `records` counts every data line or row, malformed and duplicates too."""

    files: int = 0
    records: int = 0
    malformed: int = 0
    duplicates: int = 0

    def add(self, other: KindCounts) -> None:
        """Add another chunk's counts to these."""
        self.files += other.files
        self.records += other.records
        self.malformed += other.malformed
        self.duplicates += other.duplicates


@dataclass
class StoreSummary:
    """The result of `generate_store`: the parameters, persons and counts per file kind."""

    persons: int
    seed: int
    events_per_profile: float
    malformed_rate: float
    kinds: dict[str, KindCounts] = field(default_factory=lambda: {kind: KindCounts() for kind in FILE_KINDS})

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary."""
        return asdict(self)

    def write_json(self, path: Path) -> None:
        """Write the summary as JSON (e.g. `ground_truth/summary.json`)."""
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    def lines(self) -> list[str]:
        """One short human-readable line per file kind."""
        return [
            f"{kind:<12} files={counts.files:>5} records={counts.records:>12,} "
            f"malformed={counts.malformed:>9,} duplicates={counts.duplicates:>9,}"
            for kind, counts in self.kinds.items()
        ]
