"""Which answer templates staff may reword at /staff/answers, and the placeholders each may use.

Editable:
- knowledge.yml: every topic's answer (its `text`, or each of its `variants`), filled from the parameters, facts
  and computed values knowledge_answer gives (placeholder_names()); and `ce_for_count`, the sentence of hours
  for a number of specialties. A topic's `basis` is not editable: its `words` must stand in the clause they cite
  (tests/rules_engine checks it), so it changes with the notice's text, not with wording.
- turns.yml: the replies that are not answers (the decline, "您是想问", the handover button, ...).
- titles.yml: the short titles of topics and intents on buttons.

Not editable here: computed.yml, personal.yml and drafts.yml. Their templates are filled with values the code
computes per sentence, some show an example date on purpose (“例如 2027年3月1日”), and drafts' wording is printed on
an application form; they change with the code, through a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.replies.answer_files import answer_file
from bot.replies.knowledge import placeholder_names
from bot.replies.template_check import placeholders
from bot.replies.titles import faq_title

Path_ = tuple[str, ...]
EDITABLE_FILES = {"knowledge": "knowledge.yml", "turns": "turns.yml", "titles": "titles.yml"}
FILE_TITLES = {"knowledge": "问答的回答", "turns": "其他回复", "titles": "按钮标题"}
CE_FOR_COUNT = "ce_for_count"
CE_FOR_COUNT_NAMES = frozenset({"count", "total", "compulsory", "elective"})
# What turn_reply passes to each template of turns.yml (a new key may use what its template already names).
TURN_NAMES = {"decline_kind": frozenset({"label"}), "general_rule": frozenset({"rule"})}
TURN_TITLES = {"decline_kind": "无法回答（说明问题的类别）", "decline": "无法回答", "clarify": "“您是想问”的开头",
               "clarify_none": "没有听懂", "offer_identity": "提示按本人信息计算",
               "second_question": "“您还问到”的开头", "handoff_button": "转人工按钮", "general_rule": "一般规定的开头"}
VARIANT_TITLES = {"current": "现行", "before": "施行前", "during": "过渡期内", "after": "过渡期后", "void": "已作废",
                  "usable": "仍可使用"}
TITLE_GROUPS = {"faq_titles": "问答", "intent_titles": "意图"}


@dataclass(frozen=True)
class Template:
    label: str
    path: Path_  # where it is in its file
    text: str


@dataclass(frozen=True)
class EditableAnswer:
    file: str  # a key of EDITABLE_FILES
    key: str
    title: str
    templates: tuple[Template, ...]
    available: frozenset[str]

    @property
    def file_name(self) -> str:
        return EDITABLE_FILES[self.file]


def _knowledge_entries(content: dict[str, Any]) -> list[EditableAnswer]:
    names = placeholder_names()
    found = []
    for topic, entry in content.get("topics", {}).items():
        if "variants" in entry:
            templates = tuple(Template(f"{VARIANT_TITLES.get(v, v)}（{v}）", ("topics", topic, "variants", v), str(t))
                              for v, t in entry["variants"].items())
        else:
            templates = (Template("回答", ("topics", topic, "text"), str(entry["text"])),)
        found.append(EditableAnswer("knowledge", topic, faq_title(topic), templates, names))
    if isinstance(content.get(CE_FOR_COUNT), str):
        found.append(EditableAnswer("knowledge", CE_FOR_COUNT, "继续教育学时：按注册专业个数算出的一句",
                                    (Template("回答", (CE_FOR_COUNT,), content[CE_FOR_COUNT]),), CE_FOR_COUNT_NAMES))
    return found


def _turn_entries(content: dict[str, Any]) -> list[EditableAnswer]:
    return [EditableAnswer("turns", key, TURN_TITLES.get(key, key), (Template("回复", (key,), text),),
                           TURN_NAMES.get(key, frozenset()) | _names_in(text))
            for key, text in content.items() if isinstance(text, str)]


def _title_entries(content: dict[str, Any]) -> list[EditableAnswer]:
    return [EditableAnswer("titles", f"{group}.{key}", f"{TITLE_GROUPS[group]}：{key}",
                           (Template("标题", (group, key), text),), _names_in(text))
            for group in TITLE_GROUPS for key, text in (content.get(group) or {}).items() if isinstance(text, str)]


def _names_in(text: str) -> frozenset[str]:
    try:
        return frozenset(placeholders(text))
    except ValueError:
        return frozenset()


def editable_answers(file: str) -> list[EditableAnswer]:
    """The editable answers of one file (a key of EDITABLE_FILES), as the file is now."""
    content = answer_file(EDITABLE_FILES[file])
    entries = {"knowledge": _knowledge_entries, "turns": _turn_entries, "titles": _title_entries}[file]
    return entries(content)


def editable_answer(file: str, key: str) -> EditableAnswer | None:
    if file not in EDITABLE_FILES:
        return None
    return next((entry for entry in editable_answers(file) if entry.key == key), None)
