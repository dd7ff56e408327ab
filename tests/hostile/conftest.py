"""The real Rasa and action servers (tests/e2e/servers.py) and the web server in front of them, on a
test database with a few registrants, shared by the hostile-input tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from bot.services.identity import issue_access_code
from bot.store.unit_of_work import Database
from tests.bot.records import EMPLOYER, person, registry_with
from tests.e2e.servers import Servers, start_servers
from tests.web.server import web_server

TODAY = "2025-12-01"
SCRIPT_NAME = "<script>alert(1)</script>李四"
X_ID_NUMBER = "52010319850505100X"
# Tables the conversation must never change (the registry itself, staff accounts, drafts).
UNCHANGED_TABLES = ("persons", "qualifications", "registrations", "continuing_education", "employers",
                    "staff_accounts", "drafts", "import_runs")


@dataclass
class Site:
    servers: Servers
    web_url: str
    database_url: str
    access_code: str

    def table_contents(self) -> dict[str, list[tuple[Any, ...]]]:
        database = Database(self.database_url)
        try:
            with database.engine.connect() as connection:
                return {table: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {table}"))), key=repr)
                        for table in UNCHANGED_TABLES}
        finally:
            database.dispose()

    def stored_conversation_text(self) -> str:
        """Everything the tracker store wrote, when it is SQL in the registry's database (else "")."""
        database = Database(self.database_url)
        try:
            with database.engine.connect() as connection:
                tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
                if "events" not in tables:
                    return ""
                rows = connection.execute(text("SELECT data FROM events"))
                return "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)
        finally:
            database.dispose()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("hostile")
    url = f"sqlite:///{work / 'hostile.db'}"
    database = registry_with(url, work, person("P000001"), person("P000002", name="李娜", birth="1961-09-01"),
                             person("P000003", name="张晓", birth="1985-05-05", id_number=X_ID_NUMBER),
                             person("P000011", name=SCRIPT_NAME, birth="1982-02-02"))
    with database.unit_of_work() as uow:
        access = issue_access_code(uow, EMPLOYER["credit_code"]) or ""
        uow.commit()
    database.dispose()
    servers = start_servers(url, TODAY, work)
    try:
        with web_server(url, servers.rasa_url, "hostile-secret") as web_url:
            yield Site(servers, web_url, url, access)
    finally:
        servers.stop()
