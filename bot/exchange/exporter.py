"""Write stored records back in the exchange format: import → export → import is lossless."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from bot.store.unit_of_work import Database
from rules_engine.record_format import record_to_dict

EXPORT_CHUNK = 1000


def exported_lines(database: Database, person_ids: list[str] | None = None) -> Iterator[str]:
    with database.unit_of_work() as uow:
        ids = uow.registry.all_person_ids() if person_ids is None else person_ids
        for start in range(0, len(ids), EXPORT_CHUNK):
            for record in uow.registry.records_for(ids[start:start + EXPORT_CHUNK]):
                yield json.dumps(record_to_dict(record), ensure_ascii=False, separators=(",", ":"))


def export(database: Database, out: TextIO, person_ids: list[str] | None = None) -> int:
    count = 0
    for line in exported_lines(database, person_ids):
        out.write(line + "\n")
        count += 1
    return count
