"""Demo logins for a fresh `make run`: a staff and an admin account and one employer's access code.

Made once, when the demo data is seeded; only their hashes are in the database, and the plain
values are kept in var/demo-logins.txt (mode 600) so that make run can show them each time.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from bot.config import PROJECT_ROOT, settings
from bot.replies.messages import say
from bot.services.helpdesk import add_staff
from bot.services.identity import issue_access_code
from bot.store.unit_of_work import Database

LOGINS_FILE = PROJECT_ROOT / "var" / "demo-logins.txt"
PASSWORD_BYTES = 9


def create_demo_logins(database: Database, employer_code: str | None, now: dt.datetime,
                       path: Path = LOGINS_FILE) -> list[str]:
    base = settings().public_address().rstrip("/")  # where the pages are served (WEB_PORT, PUBLIC_BASE_URL)
    lines = []
    with database.unit_of_work() as uow:
        for username, is_admin in (("kefu", False), ("admin", True)):
            password = secrets.token_urlsafe(PASSWORD_BYTES)
            if add_staff(uow, username, password, is_admin, now):
                lines.append(say("registry", "demo_staff_login", base=base, username=username, password=password,
                                 role=say("registry", "role_admin" if is_admin else "role_staff")))
        if employer_code:
            code = issue_access_code(uow, employer_code)
            employer = uow.registry.employer(employer_code)
            if code and employer:
                lines.append(say("registry", "demo_employer_login", base=base, credit_code=employer_code, code=code,
                                 name=employer["name"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return lines


def saved_demo_logins(path: Path = LOGINS_FILE) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
