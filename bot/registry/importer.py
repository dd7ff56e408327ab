"""Import an export file (JSON Lines, record-schema.md) into the registry.

Every bad line is reported with its number, the field and a Chinese reason; valid lines are
stored. Strict mode stores nothing when any line is bad. Records are written in batches, each
batch one transaction, so an interruption never leaves a record half-written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.messages import say
from bot.registry.unit_of_work import Database
from rules_engine.record import Record, RecordError, parse_record

BATCH_SIZE = 2000


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str
    person_id: str | None = None

    def message(self) -> str:
        if self.person_id:
            return say("registry", "line_error_with_person", line=self.line, person_id=self.person_id,
                       field=self.field, reason=self.reason)
        return say("registry", "line_error", line=self.line, field=self.field, reason=self.reason)


@dataclass
class ImportResult:
    lines: int = 0
    stored: int = 0
    errors: list[LineError] = field(default_factory=list)
    strict_refused: bool = False
    last_committed_line: int = 0

    @property
    def rejected(self) -> int:
        return len(self.errors)


class ImportInterrupted(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("import interrupted")
        self.result = result


def numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                yield number, raw


def parse_line(number: int, raw: bytes) -> Record | LineError:
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return LineError(number, say("registry", "whole_line"), say("registry", "not_utf8"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return LineError(number, say("registry", "whole_line"), say("registry", "invalid_json", column=error.colno))
    try:
        return parse_record(data)
    except RecordError as error:
        person_id = data.get("person_id") if isinstance(data, dict) else None
        return LineError(number, error.field, error.reason, person_id if isinstance(person_id, str) else None)


Progress = Callable[[int], None]


def import_file(database: Database, path: Path, strict: bool = False, batch_size: int = BATCH_SIZE,
                progress: Progress | None = None, now: dt.datetime | None = None) -> ImportResult:
    """Store every valid line of `path`; with `strict`, all lines or none."""
    imported_at = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    result = ImportResult()
    if strict:
        return _import_strict(database, path, imported_at, result, progress)
    batch: list[tuple[int, Record]] = []
    try:
        for number, raw in numbered_lines(path):
            result.lines += 1
            parsed = parse_line(number, raw)
            if isinstance(parsed, LineError):
                result.errors.append(parsed)
            else:
                batch.append((number, parsed))
            if progress:
                progress(len(raw))
            if len(batch) >= batch_size:
                _store(database, batch, imported_at, result)
                batch = []
        if batch:
            _store(database, batch, imported_at, result)
    except KeyboardInterrupt:
        raise ImportInterrupted(result) from None
    return result


def _store(database: Database, batch: list[tuple[int, Record]], imported_at: dt.datetime,
           result: ImportResult) -> None:
    with database.unit_of_work() as uow:
        uow.registry.replace_records([record for _, record in batch], imported_at)
        uow.commit()
    result.stored += len(batch)
    result.last_committed_line = batch[-1][0]


def _import_strict(database: Database, path: Path, imported_at: dt.datetime, result: ImportResult,
                   progress: Progress | None) -> ImportResult:
    records: list[Record] = []
    for number, raw in numbered_lines(path):
        result.lines += 1
        parsed = parse_line(number, raw)
        if isinstance(parsed, LineError):
            result.errors.append(parsed)
        elif not result.errors:
            records.append(parsed)
        if progress:
            progress(len(raw))
    if result.errors:
        result.strict_refused = True
        return result
    try:
        with database.unit_of_work() as uow:
            uow.registry.replace_records(records, imported_at)
            uow.commit()
    except KeyboardInterrupt:
        raise ImportInterrupted(result) from None
    result.stored = len(records)
    result.last_committed_line = result.lines
    return result
