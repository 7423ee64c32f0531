"""The columns a segment condition may name, with how each compares: the fixed allow-list of identifiers.

Condition text never becomes SQL: a property, CLV or RFM attribute is looked up here and only a name found here
reaches the query (through `quote_ident`). tests/intelligence/test_segments_config.py checks these lists against
the contracts of marts.profiles (dbt_project/models/marts/_profiles__models.yml) and the two analytics tables.
"""

from __future__ import annotations

from typing import Literal

ColumnType = Literal["text", "number", "boolean", "date", "timestamp", "json"]

# marts.profiles; `custom_properties` and `transformed_properties` are JSON objects, named as `<column>.<key>`.
PROFILE_COLUMNS: dict[str, ColumnType] = {
    "profile_id": "text",
    "first_name": "text",
    "last_name": "text",
    "email": "text",
    "phone": "text",
    "birthday": "text",
    "street": "text",
    "city": "text",
    "state": "text",
    "postal_code": "text",
    "country": "text",
    "custom_properties": "json",
    "transformed_properties": "json",
    "email_consent": "text",
    "sms_consent": "text",
    "push_consent": "text",
    "is_identified": "boolean",
    "is_suppressed": "boolean",
    "suppressed_at": "timestamp",
    "suppression_reason": "text",
    "is_active": "boolean",
    "first_seen_at": "timestamp",
    "last_seen_at": "timestamp",
    "profile_created_at": "timestamp",
    "last_event_at": "timestamp",
    "record_count": "number",
    "identifier_count": "number",
    "order_count": "number",
    "event_count": "number",
}

# analytics.customer_clv, one row per profile (written by the CLV asset).
CLV_COLUMNS: dict[str, ColumnType] = {
    "historic_clv": "number",
    "predicted_clv": "number",
    "total_clv": "number",
    "historic_orders": "number",
    "predicted_orders": "number",
    "average_order_value": "number",
    "average_days_between_orders": "number",
    "expected_next_order_date": "date",
    "churn_risk": "number",
    "probability_alive": "number",
    "fit_id": "text",
    "as_of_date": "date",
}

# analytics.customer_rfm_current, one row per profile scored at the latest snapshot.
RFM_COLUMNS: dict[str, ColumnType] = {
    "snapshot_date": "date",
    "recency_score": "number",
    "frequency_score": "number",
    "monetary_score": "number",
    "rfm_group": "text",
    "previous_rfm_group": "text",
    "rfm_group_changed_date": "date",
}

RFM_GROUPS = ("Champions", "Loyal", "Recent", "Needs Attention", "At Risk", "Inactive")

# Base metrics marts.events synthesizes itself, whatever the sources send: always known to validation.
PLATFORM_METRICS = (
    "Placed Order", "Ordered Product", "Refunded Order", "Cancelled Order", "Viewed Page", "Viewed Screen",
)

# Operators by what the column holds (a JSON property: by its value's type); `between` takes [low, high], both ends
# included; dates are written as ISO dates (2026-03-01).
OPERATORS_BY_TYPE: dict[ColumnType, tuple[str, ...]] = {
    "text": ("equals", "not_equals", "contains", "is_set", "is_not_set"),
    "number": (
        "equals", "not_equals", "greater_than", "less_than", "at_least", "at_most", "between", "is_set", "is_not_set",
    ),
    "boolean": ("equals", "not_equals", "is_set", "is_not_set"),
    "date": ("equals", "not_equals", "greater_than", "less_than", "at_least", "at_most", "between", "is_set",
             "is_not_set"),
}
# A timestamp compares by its UTC date, as a date column does.
OPERATORS_BY_TYPE["timestamp"] = OPERATORS_BY_TYPE["date"]
