"""Intelligence domain: CLV, RFM, segments and lists, catalog insights, written to schema `analytics`.

SQL models live in dbt_project/models/analytics (built by assets.dbt_models, group `intelligence`); the Python
assets here fit models on one row per customer at most and compile segment conditions into warehouse SQL.
"""

from assets.intelligence.clv_assets import customer_clv
from assets.intelligence.segments.segment_assets import segments

ASSETS: list = [customer_clv, segments]
