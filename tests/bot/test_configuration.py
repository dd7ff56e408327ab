"""The settings class, docs/configuration.md and the code agree on which environment variables exist."""

from __future__ import annotations

import re

import pytest

from bot.config import PROJECT_ROOT, Settings, positive_number, secret, settings, variables

DOCUMENTED_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \| [^|]* \| ([^|]*) \| [^|]* \|$")
ENVIRONMENT_READ = re.compile(r"\bos\.(environb?|getenv|putenv|unsetenv)\b|\bgetenv\(|from os import")
# Placed on the line itself or the line before it: why this use of the environment is not a settings read.
ALLOW_MARKER = "# environ:"


def _documented() -> dict[str, str]:
    rows = (DOCUMENTED_ROW.match(line) for line in (PROJECT_ROOT / "docs" / "configuration.md").read_text(
        encoding="utf-8").splitlines())
    return {row.group(1): row.group(2).strip() for row in rows if row}


def test_every_setting_is_documented_and_every_documented_variable_is_a_setting() -> None:
    documented = _documented()
    fields = variables()
    assert sorted(set(fields) - set(documented)) == [], "missing from docs/configuration.md"
    assert sorted(set(documented) - set(fields)) == [], "documented, but not a field of bot.config.Settings"


def test_the_documented_meaning_is_the_field_s_description() -> None:
    documented = _documented()
    for variable, field in variables().items():
        description = Settings.__fields__[field].field_info.description
        assert description, f"{variable} has no description"
        assert documented[variable] == description, variable


def test_nothing_but_bot_config_reads_the_environment() -> None:
    unmarked = []
    for top in ("bot", "actions"):
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            if path == PROJECT_ROOT / "bot" / "config.py":
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines):
                allowed = ALLOW_MARKER in line or (number > 0 and ALLOW_MARKER in lines[number - 1])
                if ENVIRONMENT_READ.search(line) and not allowed:
                    unmarked.append(f"{path.relative_to(PROJECT_ROOT)}:{number + 1}: {line.strip()}")
    assert unmarked == [], "read it through bot.config.settings(), or mark why not with " + ALLOW_MARKER


def test_a_given_environment_is_the_only_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "9999")
    assert settings({}).web_port == 8000
    assert settings().web_port == 9999
    assert settings({"WEB_PORT": "8081"}).web_port == 8081


def test_empty_means_unset_and_bad_positive_numbers_fall_back() -> None:
    found = settings({"DATABASE_URL": "", "MAX_MESSAGE_CHARS": "many", "IDENTITY_IDLE_MINUTES": "-1",
                      "RETENTION_DAYS": "0", "RASA_TIMEOUT_SECONDS": "2.5"})
    assert found.database_url == Settings.__fields__["database_url"].default and not found.given("database_url")
    assert found.max_message_chars == 500 and found.identity_idle_minutes == 30 and found.retention_days == 180
    assert found.rasa_timeout_seconds == 2.5
    assert settings({"COOKIE_SECURE": "true"}).cookie_secure is False  # only 1 turns it on, as before
    assert settings({"RASA_PORTS": "7005, 7006"}).rasa_ports == (7005, 7006)


def test_secrets_are_hidden_when_printed_and_unknown_names_are_refused() -> None:
    found = settings({"RASA_AUTH_TOKEN": "token-value"})
    assert "token-value" not in repr(found) and secret("RASA_AUTH_TOKEN", {"RASA_AUTH_TOKEN": "token-value"})
    assert secret("RASA_AUTH_TOKEN", {}) is None
    with pytest.raises(KeyError):
        secret("NOT_A_SETTING", {})


def test_a_named_positive_number_has_one_default_the_settings_one() -> None:
    assert positive_number("DRAFT_LINK_DAYS", 7, {"DRAFT_LINK_DAYS": "3"}) == 3
    with pytest.raises(ValueError):
        positive_number("DRAFT_LINK_DAYS", 8, {})


def test_the_public_address_defaults_to_the_web_port() -> None:
    assert settings({"WEB_PORT": "8100"}).public_address() == "http://localhost:8100"
    assert settings({"PUBLIC_BASE_URL": "https://jst.example.cn"}).public_address() == "https://jst.example.cn"


def test_settings_are_never_read_at_import_time() -> None:
    # Module-level reads would freeze a value before a test, a supervisor or a worker sets the environment.
    called = re.compile(r"^[A-Za-z_][\w,:|\[\] ]*=.*\b(settings|today|tracker_store_url|max_message_chars|rasa_url|"
                        r"cluster_sanic_workers|cookie_secure_forced|attempt_limit_settings|identity_idle_seconds|"
                        r"positive_number|secret)\(")
    found = []
    for top in ("bot", "actions"):
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            if path.name == "__main__.py":
                continue  # a program's entry point: running it is what import does
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if called.search(line):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line}")
    assert found == []


def test_the_readme_links_the_table() -> None:
    assert "(docs/configuration.md)" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
