"""黔建建通〔2023〕55号 as code: pure decisions with their reasons and citations.

No Rasa, no database, no clock: "today" is always an argument.
"""

from rules_engine.record import Record
from rules_engine.record_format import RecordError, parse_record, record_to_dict
from rules_engine.report import StatusReport, status_report
from rules_engine.report_json import report_to_dict

__all__ = ["Record", "RecordError", "StatusReport", "parse_record", "record_to_dict", "report_to_dict",
           "status_report"]
