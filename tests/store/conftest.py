"""A registry holding one person, for the rows that must name a stored person."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.exchange.importer import import_file
from bot.store.unit_of_work import Database
from tests.bot.records import lines, person

PERSON_ID = "P000001"


@pytest.fixture
def with_person(database: Database, tmp_path: Path) -> Database:
    export = tmp_path / "records.jsonl"
    export.write_text(lines(person(PERSON_ID)), encoding="utf-8")
    assert import_file(database, export).stored == 1
    return database
