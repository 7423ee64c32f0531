"""A sensor that notices new or rewritten files in the landing zone and requests the ingest of their format."""


import hashlib
import json

import dagster as dg

from assets.ingest.ingest_assets import ingest_asset_key
from assets.ingest.sources_config import SourceFormat, load_sources_config
from connectors.sources.landing_zone import list_files
from core.settings import load_settings


def landing_fingerprints() -> dict[str, str]:
    """Per format, a digest of (path, size, mtime) of its files; formats with no files are left out."""
    settings = load_settings()
    config = load_sources_config(settings.config_dir)
    fingerprints = {}
    for source_format in SourceFormat:
        files = [
            landing_file.fingerprint()
            for source in config.of_format(source_format)
            for landing_file in list_files(settings.landing_dir, source.path)
        ]
        if files:
            fingerprints[source_format.value] = hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()
    return fingerprints


@dg.sensor(
    name="landing_zone_sensor",
    description="Requests the ingest of a format when its files in the landing zone are new or rewritten.",
    target=dg.AssetSelection.groups("ingest"),
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_zone_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    seen = json.loads(context.cursor) if context.cursor else {}
    current = landing_fingerprints()
    changed = sorted(name for name, digest in current.items() if seen.get(name) != digest)
    if not changed:
        return dg.SkipReason("no new or changed files in the landing zone")
    run_key = hashlib.sha256(json.dumps({name: current[name] for name in changed}).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=run_key,
                asset_selection=[ingest_asset_key(SourceFormat(name)) for name in changed],
                tags={"cdp/trigger": "landing_zone_sensor"},
            )
        ],
        cursor=json.dumps(current, sort_keys=True),
    )
