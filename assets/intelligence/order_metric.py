"""Which orders count for CLV and RFM: the built-in net orders, or any custom metric of config/metrics.yaml by name.

The built-in metric is every placed order of every store and the POS at its net value (refunds, returns and
cancellations taken off, marts.orders.net_total), without orders worth nothing: $0 orders, cancelled orders and
orders refunded in full. dbt reads the choice from the vars (macro `cdp.customer_orders`).
"""

from __future__ import annotations

from pathlib import Path

from assets.profiles.metrics_config import load_metrics_config

NET_ORDERS = "Placed Order (net)"


def check_order_metric(name: str, config_dir: Path, field: str) -> str:
    """`name` when it is the built-in metric or a custom metric; a ValueError naming `field` and the choices if not."""
    if name == NET_ORDERS:
        return name
    metrics = load_metrics_config(config_dir)
    names = [metric.name for metric in metrics.metrics]
    if name in names:
        return name
    raise ValueError(
        f"{field}: {name!r} is neither {NET_ORDERS!r} nor a custom metric of {metrics.source_file} "
        f"(defined: {', '.join(repr(known) for known in names) or 'none'})"
    )
