"""Segment-spec calls (identify, track, page, screen, alias) from JSON lines, parsed and checked inside DuckDB.

Each line is parsed inside DuckDB, never by Python; a line that fails a rule keeps its raw text and the
first rule it broke. A call without `messageId` gets the MD5 of its line, so a re-delivered line is still a duplicate.

A call's time is the first of its timestamps that it has, in this order of what Segment's spec says each one is:
`timestamp`, when it happened, which Segment computes as `receivedAt - (sentAt - originalTimestamp)` to correct the
device's clock (or the value a server-side library passed in); `originalTimestamp`, when the call was made by the
device's clock, uncorrected (or the timestamp passed in); `sentAt`, when the device sent the batch holding it, by
the device's clock; `receivedAt`, when Segment's servers received it. Dumps of payloads as the device sent them
(RudderStack's, a Segment source's raw payloads) have no `timestamp`. `timestamp_field` records which field was
taken; only a call with none of them is quarantined, and a field that is taken is checked, never passed over.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta

import duckdb

from assets.ingest.file_readers import BLANK_LINE_SQL, LINES_VIEW, stage_lines
from assets.ingest.stager_contract import STAGED_TABLE, StagingBatch

CALL_TYPES = ("identify", "track", "page", "screen", "alias")

# Positions in the extraction lists below (DuckDB lists are 1-based).
_STRING_PATHS = [
    "$.messageId", "$.type", "$.event", "$.name", "$.userId", "$.anonymousId", "$.previousId",
    "$.timestamp", "$.sentAt", "$.receivedAt", "$.originalTimestamp",
]
_OBJECT_PATHS = ["$.traits", "$.context.traits", "$.properties", "$.context"]
_ID_FIELDS = {"messageId": 1, "userId": 5, "anonymousId": 6, "previousId": 7}
_OPTIONAL_TIMES = {"sentAt": 9, "receivedAt": 10}
# The fields a call's time is taken from, the first present one (see the module's docstring).
TIME_FIELDS = {"timestamp": 8, "originalTimestamp": 11, "sentAt": 9, "receivedAt": 10}
_OBJECT_FIELDS = {"traits": 1, "context.traits": 2, "properties": 3, "context": 4}


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(f"'{path}'" for path in paths) + "]"


def _time_index_sql() -> str:
    """Where the first of TIME_FIELDS that the call has sits in the extracted values (a JSON null counts as absent);
    NULL if it has none."""
    whens = " ".join(
        f"when kind_types[{index}] is not null and kind_types[{index}] <> 'NULL' then {index}"
        for index in TIME_FIELDS.values()
    )
    return f"case {whens} end"


def _time_field_sql() -> str:
    """The name of the field at `time_index`."""
    whens = " ".join(f"when {index} then '{field}'" for field, index in TIME_FIELDS.items())
    return f"case time_index {whens} end"


def _reason_sql() -> str:
    """The first rule a call breaks, as a message naming the field; NULL for a good call."""
    whens = [
        "when not is_json then 'not valid JSON'",
        "when root_type <> 'OBJECT' then 'not a JSON object: got ' || root_type",
        "when kind_types[2] is null or kind_types[2] = 'NULL' then 'type: missing'",
        "when kind_types[2] <> 'VARCHAR' then 'type: expected a string, got ' || kind_types[2]",
        # A regular expression, not IN or list_contains: DuckDB plans a long IN list as a join, and staging must
        # stay a pure projection of the scan (see stage_lines).
        f"when not regexp_full_match(strings[2], '{'|'.join(CALL_TYPES)}') "
        f"then 'type: unknown call type ''' || strings[2] || ''', "
        f"expected one of {', '.join(CALL_TYPES)}'",
    ]
    for field, index in _ID_FIELDS.items():
        whens.append(
            f"when kind_types[{index}] not in ('NULL', 'VARCHAR', 'BIGINT', 'UBIGINT') "
            f"then '{field}: expected a string, got ' || kind_types[{index}]"
        )
    whens += [
        f"when time_field is null then 'timestamp: missing, and no {', '.join(list(TIME_FIELDS)[1:])} either'",
        "when time_kind <> 'VARCHAR' then time_field || ': expected an ISO-8601 string, got ' || time_kind",
        "when parsed_timestamp is null then time_field || ': not an ISO-8601 timestamp: ''' || time_text || ''''",
        "when parsed_timestamp < $earliest or parsed_timestamp > $latest "
        "then time_field || ': impossible value ' || time_text || ', outside ' || cast($earliest as varchar) "
        "|| ' .. load time + ' || $skew_hours || ' h'",
    ]
    for field, index in _OPTIONAL_TIMES.items():
        whens.append(
            f"when kind_types[{index}] is not null and kind_types[{index}] <> 'NULL' and "
            f"(kind_types[{index}] <> 'VARCHAR' or try_cast(strings[{index}] as timestamptz) is null) "
            f"then '{field}: expected an ISO-8601 timestamp'"
        )
    for field, index in _OBJECT_FIELDS.items():
        whens.append(
            f"when object_types[{index}] is not null and object_types[{index}] not in ('NULL', 'OBJECT') "
            f"then '{field}: expected an object, got ' || object_types[{index}]"
        )
    whens += [
        "when strings[2] = 'alias' and coalesce(trim(strings[7]), '') = '' then 'alias: missing previousId'",
        "when coalesce(trim(strings[5]), '') = '' and coalesce(trim(strings[6]), '') = '' "
        "then 'missing every identifier: neither userId nor anonymousId'",
        "when strings[2] = 'track' and coalesce(trim(strings[3]), '') = '' then 'track: missing event name'",
    ]
    return "case\n" + "\n".join(whens) + "\nend"


def stage_segment_events(con: duckdb.DuckDBPyConnection, batch: StagingBatch) -> AbstractContextManager[str]:
    """Read the batch's files into view `ingest_staged`: raw.events columns, _file, _line, reason, and raw_text where
    the call is quarantined; a call is impossible before the config's `earliest_valid_timestamp` or more than
    `max_future_skew_hours` after the load.

    A line is parsed in full twice (`json_valid`, then one `json_extract` of every path); types and strings come
    from the small extracted values, and an object is recognised by its first character.
    """
    skew_hours = batch.config.max_future_skew_hours
    return stage_lines(
        con,
        batch.files,
        STAGED_TABLE,
        f"""
        with parsed as (
            select filename, raw_text, json_valid(raw_text) as is_json from {LINES_VIEW}
        ),
        extracted as (
            select filename, raw_text, is_json,
                   case when not is_json then null
                        when starts_with(raw_text, '{{') then 'OBJECT'
                        else json_type(raw_text) end as root_type,
                   case when is_json then json_extract(raw_text, {_sql_list(_STRING_PATHS + _OBJECT_PATHS)}) end
                       as values
            from parsed
        ),
        typed as (
            select filename, raw_text, is_json, root_type,
                   [value ->> '$' for value in values[1:{len(_STRING_PATHS)}]] as strings,
                   [json_type(value) for value in values[1:{len(_STRING_PATHS)}]] as kind_types,
                   [case when value is null then null
                         when starts_with(value, '{{') then 'OBJECT'
                         else json_type(value) end
                    for value in values[{len(_STRING_PATHS) + 1}:]] as object_types,
                   values[{len(_STRING_PATHS) + 1}:] as objects
            from extracted
        ),
        located as (
            select *, {_time_field_sql()} as time_field, kind_types[time_index] as time_kind,
                   strings[time_index] as time_text
            from (select *, {_time_index_sql()} as time_index from typed) as indexed
        ),
        timed as (
            select *, case when time_kind = 'VARCHAR' then try_cast(time_text as timestamptz) end as parsed_timestamp
            from located
        ),
        checked as (
            select *, {_reason_sql()} as reason from timed
        )
        select
            filename,
            {BLANK_LINE_SQL} as is_blank,
            -- the text is kept only where it is needed: for the quarantine
            case when reason is not null then raw_text end as raw_text,
            reason,
            coalesce(nullif(strings[1], ''), md5(raw_text)) as message_id,
            strings[2] as type,
            strings[3] as event,
            strings[4] as name,
            strings[5] as user_id,
            strings[6] as anonymous_id,
            strings[7] as previous_id,
            case when object_types[1] = 'OBJECT' then objects[1] end as traits,
            case when object_types[2] = 'OBJECT' then objects[2] end as context_traits,
            case when object_types[3] = 'OBJECT' then objects[3] end as properties,
            case when object_types[4] = 'OBJECT' then objects[4] end as context,
            parsed_timestamp as event_timestamp,
            time_field as timestamp_field,
            try_cast(strings[9] as timestamptz) as sent_at,
            try_cast(strings[10] as timestamptz) as received_at
        from checked
        """,
        {
            "earliest": datetime.fromisoformat(batch.config.earliest_valid_timestamp),
            "latest": batch.loaded_at + timedelta(hours=skew_hours),
            "skew_hours": skew_hours,
        },
    )
