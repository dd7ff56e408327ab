"""Log lines that user-typed text cannot split, colour or forge.

A message, a sender id or a header can carry a new line, a carriage return, an ANSI escape or a Unicode line
separator; written to a log unchanged it starts what looks like a line of its own ("... INFO staff login ok").
`install_log_safety()` makes every log record of the process write those characters as visible escapes (\\n,
\\x1b, \\u2028) in its arguments, its final message and its `extra` fields.

It works through the LogRecord factory, not a filter or a formatter: Rasa (coloredlogs, structlog's stdlib
output, a logging config file), rasa_sdk and Sanic (dictConfig) each install their own handlers and formatters,
some after ours would run, and a filter on the root logger never sees records that propagate up from named
loggers. Every record, whoever logs it and whichever handler writes it, is made by the factory.

Left as they are: the lines of a traceback (exc_info, stack_info), which are several lines by design.
Backslashes are not escaped, so escaping twice changes nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

# C0 controls (new line, carriage return, tab, ESC, ...), DEL, C1 controls (NEL among them), the Unicode line
# and paragraph separators, and the bidirectional overrides that reorder what a terminal shows.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What LogRecord itself sets; anything else on a record came from `extra=` (Sanic's access log puts the request
# line and the client address there). exc_text is filled in later by a formatter and must stay multi-line.
STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in NAMED:
        return NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escaped(text: str) -> str:
    return text if UNSAFE.search(text) is None else UNSAFE.sub(_escape, text)


def _escaped_value(value: Any) -> Any:
    return escaped(value) if isinstance(value, str) else value


class _EscapingRecord(logging.LogRecord):
    def getMessage(self) -> str:
        # Formatters call this before they fill in their format string, so the `extra` fields are escaped in time.
        for key, value in list(self.__dict__.items()):
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str):
                self.__dict__[key] = escaped(value)
        return escaped(super().getMessage())


_ESCAPING_CLASSES: dict[type[logging.LogRecord], type[logging.LogRecord]] = {logging.LogRecord: _EscapingRecord}


def _escaping_class(record_class: type[logging.LogRecord]) -> type[logging.LogRecord]:
    if issubclass(record_class, _EscapingRecord):
        return record_class
    if record_class not in _ESCAPING_CLASSES:
        _ESCAPING_CLASSES[record_class] = type(f"Escaping{record_class.__name__}", (_EscapingRecord, record_class), {})
    return _ESCAPING_CLASSES[record_class]


def make_safe(record: logging.LogRecord) -> logging.LogRecord:
    """Escape the record's arguments now, and its final message and extras whenever it is formatted."""
    if isinstance(record.args, Mapping):
        record.args = {key: _escaped_value(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_escaped_value(value) for value in record.args)
    # A factory someone installed before us may make its own LogRecord subclass: keep it, add the escaping on top.
    record.__class__ = _escaping_class(type(record))
    return record


def _safe_factory(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return make_safe(previous(*args, **kwargs))

    factory.escapes_control_characters = True  # type: ignore[attr-defined]
    return factory


def install_log_safety() -> None:
    """Idempotent; call it first thing in every process of ours (web server, Rasa, action server)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "escapes_control_characters", False):
        logging.setLogRecordFactory(_safe_factory(current))
