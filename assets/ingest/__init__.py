"""Ingest: landing-zone files into the typed tables of schema `raw`."""

from assets.ingest.ingest_assets import INGEST_ASSETS
from assets.ingest.landing_sensor import landing_zone_sensor

ASSETS = INGEST_ASSETS
SENSORS = [landing_zone_sensor]
