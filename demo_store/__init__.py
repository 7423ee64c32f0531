"""A deterministic, streaming generator of a realistic online store's source files (the demo store)."""

from demo_store.store import generate_store
from demo_store.summary import KindCounts, StoreSummary

__all__ = ["KindCounts", "StoreSummary", "generate_store"]
