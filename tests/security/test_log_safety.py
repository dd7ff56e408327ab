"""Log lines stay one line each, whatever a user typed, and through handlers Rasa and Sanic set up themselves."""

from __future__ import annotations

import io
import logging
import logging.config
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.security.log_safety import escaped, install_log_safety

ROOT = Path(__file__).resolve().parents[2]
FORGED = "你好\n2025-12-01 08:00:00 INFO     bot.web  - staff login ok (admin)\r\x1b[31m\u2028\x85\t!"
ESCAPED = "你好\\n2025-12-01 08:00:00 INFO     bot.web  - staff login ok (admin)\\r\\x1b[31m\\u2028\\x85\\t!"


@pytest.fixture
def installed() -> Iterator[None]:
    before = logging.getLogRecordFactory()
    install_log_safety()
    yield
    logging.setLogRecordFactory(before)


def captured(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s - %(message)s"))
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, stream


def test_every_line_breaking_or_terminal_character_is_escaped() -> None:
    assert escaped(FORGED) == ESCAPED
    assert escaped("\x00\x07\x7f\x9b\u2029\u202e") == "\\x00\\x07\\x7f\\x9b\\u2029\\u202e"
    assert escaped(ESCAPED) == ESCAPED  # backslashes are left alone: escaping twice changes nothing
    assert escaped("申请延续注册 1235X") == "申请延续注册 1235X"


def test_a_forged_argument_comes_out_as_one_escaped_line(installed: None) -> None:
    logger, stream = captured("tests.log_safety.arguments")
    logger.error("rest message failed (conversation %s)", FORGED)
    logger.error("text %(text)s", {"text": FORGED})
    assert stream.getvalue().splitlines() == [
        f"ERROR tests.log_safety.arguments - rest message failed (conversation {ESCAPED})",
        f"ERROR tests.log_safety.arguments - text {ESCAPED}"]


def test_the_final_message_is_escaped_also_when_the_text_is_not_an_argument(installed: None) -> None:
    logger, stream = captured("tests.log_safety.message")
    logger.warning(f"not loaded ({FORGED})")
    logger.error("failed: %s", ValueError(FORGED))
    logger.info("", extra={"request": f"GET /{FORGED}"})
    assert stream.getvalue().splitlines() == [f"WARNING tests.log_safety.message - not loaded ({ESCAPED})",
                                              f"ERROR tests.log_safety.message - failed: {ESCAPED}",
                                              "INFO tests.log_safety.message - "]
    record = logging.makeLogRecord({"msg": "", "extra_field": FORGED})
    record.getMessage()
    assert record.__dict__["extra_field"] == ESCAPED


def test_installing_twice_escapes_once(installed: None) -> None:
    factory = logging.getLogRecordFactory()
    install_log_safety()
    assert logging.getLogRecordFactory() is factory
    logger, stream = captured("tests.log_safety.twice")
    logger.error("%s", "a\nb")
    assert stream.getvalue() == "ERROR tests.log_safety.twice - a\\nb\n"


def test_a_factory_installed_before_keeps_its_records(installed: None) -> None:
    class Tagged(logging.LogRecord):
        tag = "kept"

    logging.setLogRecordFactory(Tagged)
    install_log_safety()
    record = logging.getLogger("tests.log_safety.other").makeRecord("x", logging.INFO, "f", 1, "%s", ("a\nb",), None)
    assert isinstance(record, Tagged) and record.getMessage() == "a\\nb"


def test_a_handler_configured_after_install_escapes_too(installed: None) -> None:
    stream = io.StringIO()
    logging.config.dictConfig({  # as Sanic configures its loggers when the app is made, after our install
        "version": 1, "disable_existing_loggers": False,
        "handlers": {"late": {"class": "logging.StreamHandler", "stream": stream, "formatter": "plain"}},
        "formatters": {"plain": {"format": "[%(levelname)s] %(message)s"}},
        "loggers": {"tests.log_safety.late": {"level": "INFO", "handlers": ["late"], "propagate": False}}})
    logging.getLogger("tests.log_safety.late.child").error("bad sender %r and %s", FORGED, FORGED)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "\\n2025-12-01" in lines[0] and "\x1b" not in lines[0]


SCRIPT = r"""
import logging, sys
from bot.security.log_safety import install_log_safety
install_log_safety()
from rasa.utils.common import configure_logging_and_warnings
from rasa_sdk.utils import configure_colored_logging
from sanic import Sanic
configure_logging_and_warnings(logging.INFO)
configure_colored_logging(logging.INFO)
Sanic("log_safety_test")
forged = sys.argv[1]
logging.getLogger("sanic.error").error("error %s", forged)
logging.getLogger("sanic.access").info("", extra={"status": 200, "byte": 2, "host": forged, "request": forged})
logging.getLogger("rasa.core.processor").warning("rasa %s", forged)
logging.getLogger("rasa_sdk.executor").warning(f"sdk {forged}")
logging.getLogger("bot.rasa.channels").error("ours %s", forged)
"""


@pytest.mark.slow
def test_rasa_s_rasa_sdk_s_and_sanic_s_own_handlers_write_one_line_per_record() -> None:
    # A process of its own: Rasa, rasa_sdk and Sanic replace handlers on the root and their own loggers.
    finished = subprocess.run([sys.executable, "-c", SCRIPT, "x\nFORGED LINE\x1b[0m"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=True)
    lines = [line for line in (finished.stdout + finished.stderr).splitlines() if "FORGED" in line]
    assert len(lines) >= 5 and all("x\\nFORGED LINE\\x1b[0m" in line for line in lines), lines
    assert not any(line.startswith("FORGED") for line in lines)
