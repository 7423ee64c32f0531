"""The landing zone: a local folder of source files, listed by glob and identified by content hash.

`s3://` and `az://` landing zones will implement the same `list_files` later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

_HASH_CHUNK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class LandingFile:
    """One file in the landing zone; `relative_path` is what lineage columns record."""

    path: Path
    relative_path: str
    size_bytes: int
    modified_ns: int = 0

    def fingerprint(self) -> str:
        """Cheap identity for noticing new or rewritten files without reading them."""
        return f"{self.relative_path}|{self.size_bytes}|{self.modified_ns}"


def list_files(landing_dir: Path, pattern: str) -> list[LandingFile]:
    """Files under `landing_dir` matching the glob `pattern`, sorted by relative path (the load order)."""
    if not landing_dir.is_dir():
        return []
    found = []
    for path in landing_dir.glob(pattern):
        if not path.is_file() or path.name.startswith("."):
            continue
        stat = path.stat()
        relative = path.relative_to(landing_dir).as_posix()
        found.append(LandingFile(path, relative, stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda landing_file: landing_file.relative_path)


def content_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: a file rewritten under the same name gets a new hash."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
