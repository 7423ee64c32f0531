"""A deterministic, streaming generator of a realistic online store's source files (the demo store)."""

from connectors.sources.demo_store.store import generate_store
from connectors.sources.demo_store.summary import KindCounts, StoreSummary

__all__ = ["KindCounts", "StoreSummary", "generate_store"]
