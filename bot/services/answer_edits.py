"""Saving staff's new wording of an answer into its data/answers file (/staff/answers), audited before and after.

The caller has checked the templates (bot/replies/template_check.py). The file is edited with ruamel.yaml's
round-trip mode, so its comments, order, quoting and block style stay as they were, and it is replaced
atomically; the action servers read it again on their next turn (bot/replies/answer_files.py), no retrain
needed. Before writing, the new file is read back and must mean exactly the old one with the changed templates
and nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

from bot.services.atomic_files import write_atomically
from bot.services.helpdesk import audit
from bot.store.unit_of_work import UnitOfWork

YamlPath = tuple[str, ...]
_saving = threading.Lock()


class AnswerChangedMeanwhile(Exception):
    """Someone saved this answer after the form was opened: what the form started from is no longer there."""


def _round_trip() -> YAML:
    editor = YAML()  # round-trip mode
    editor.preserve_quotes = True  # type: ignore[assignment]  # ruamel's attribute is declared None
    editor.width = 4096  # type: ignore[assignment]  # never fold a long Chinese line
    editor.indent(mapping=2, sequence=4, offset=2)
    return editor


def _styled(old: Any, new: str) -> Any:
    """The new text in the old one's style (quoted stays quoted); several lines become a literal block."""
    if "\n" in new:
        return LiteralScalarString(new)
    if isinstance(old, ScalarString) and not isinstance(old, LiteralScalarString):
        return type(old)(new)
    return new


def _parent(document: Any, path: YamlPath) -> Any:
    node = document
    for part in path[:-1]:
        node = node[part]
    return node


def dotted(path: YamlPath) -> str:
    return ".".join(path)


def save_answer_edit(uow: UnitOfWork, file: Path, key: str, changes: Mapping[YamlPath, str],
                     started_from: Mapping[YamlPath, str] | None, actor: str, now: dt.datetime) -> list[str]:
    """Write the changed templates (path in the file → new text) and audit them; the paths changed, none when the
    texts were already so (then nothing is written). `started_from`: the texts the form showed; when one is no
    longer in the file, AnswerChangedMeanwhile and nothing is written."""
    with _saving:
        original = file.read_text(encoding="utf-8")
        editor = _round_trip()
        document = editor.load(original)
        meaning = yaml.safe_load(original)
        before: dict[str, str] = {}
        after: dict[str, str] = {}
        for path, text in changes.items():
            parent = _parent(document, path)
            old = parent[path[-1]]
            if started_from is not None and str(old) != started_from.get(path, str(old)):
                raise AnswerChangedMeanwhile(dotted(path))
            if str(old) == text:
                continue
            parent[path[-1]] = _styled(old, text)
            _parent(meaning, path)[path[-1]] = text
            before[dotted(path)], after[dotted(path)] = str(old), text
        if not after:
            return []
        written = io.StringIO()
        editor.dump(document, written)
        if yaml.safe_load(written.getvalue()) != meaning:
            raise RuntimeError(f"{file.name}: the edited file would not read back as intended")
        audit(uow, actor, "edit_answer", None, {"file": file.name, "key": key, "before": before, "after": after}, now)
        write_atomically(file, written.getvalue())
        try:
            uow.commit()
        except BaseException:
            write_atomically(file, original)  # not audited, so not kept
            raise
        return list(after)
