"""Whether an answer template typed at /staff/answers may be saved: a pure check, its reasons in Chinese.

A template may use only the {placeholders} its answer is filled from, and never a number typed as a literal: every
number of the notice comes from data/policy (a parameter or a fact), so that a changed parameter changes every
answer and no answer states a number the rules engine does not. What is refused:

- an ASCII digit (0-9) or a full-width one (０-９), except inside a document number such as 黔建建通〔2023〕55号 or
  建办市〔2018〕57号 (〔year〕number号: the name of a document, not a quantity);
- a Chinese numeral of ten or more (a run with 十, 百 or 千, or of two numerals or more, as in 三十日, 六十, 一百二十),
  except as an ordinal (第十七条) and in the words 十分, 千万, 万一, 一一. A single numeral one to nine (一个, 四步,
  之一, 统一) is a word far more often than a quantity and is allowed; circled list markers (①②) are not digits;
- a placeholder other than a plain name ({name}: no {0}, {}, {a.b}, {a[0]}, {a!r} or {a:>3}), or a name not
  among the available ones;
- a brace that does not open or close a placeholder ({{ and }} are literal braces, as in str.format);
- an empty template, or one longer than MAX_TEMPLATE_CHARS.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

MAX_TEMPLATE_CHARS = 800
DOCUMENT_NUMBER = re.compile(r"〔[0-9０-９]{4}〕[0-9０-９]+号")
DIGITS = re.compile(r"[0-9０-９]+")
CHINESE_NUMERALS = re.compile(r"[〇零一二三四五六七八九十百千万两]+")
POSITIONAL = re.compile(r"[十百千万]")
NOT_QUANTITIES = ("十分", "千万", "万一", "一一")
ORDINAL = "第"


def placeholders(template: str) -> list[str]:
    """The placeholder names of a template that parses (see template_errors for one that may not)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def _literal_numbers(literal: str) -> list[str]:
    """Numbers typed into the text between placeholders."""
    found = DIGITS.findall(DOCUMENT_NUMBER.sub("", literal))
    for word in NOT_QUANTITIES:
        literal = literal.replace(word, "")
    for match in CHINESE_NUMERALS.finditer(literal):
        run = match.group(0)
        ordinal = match.start() > 0 and literal[match.start() - 1] == ORDINAL
        if not ordinal and (len(run) > 1 or POSITIONAL.search(run)):
            found.append(run)
    return found


def template_errors(template: str, available: Iterable[str], limit: int = MAX_TEMPLATE_CHARS) -> list[str]:
    """Why `template` may not be saved (empty: it may); `available` are the placeholder names its answer fills."""
    if not template.strip():
        return ["内容不能为空。"]
    errors: list[str] = []
    if len(template) > limit:
        errors.append(f"太长了：{len(template)}个字，最多{limit}个字。")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return [*errors, "花括号不成对：占位符写作 {名称}；要显示花括号本身，请写 {{ 或 }}。"]
    names = set(available)
    shown = "、".join("{" + name + "}" for name in sorted(names)) or "（这条回答没有可用的占位符）"
    numbers: list[str] = []
    for literal, name, spec, conversion in parts:
        numbers.extend(_literal_numbers(literal))
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            errors.append(f"占位符 {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} "
                          "写法不对：只能写成 {名称}。")
        elif name not in names:
            errors.append(f"占位符 {{{name}}} 不存在。可用的占位符：{shown}。")
    if numbers:
        listed = "、".join(dict.fromkeys(numbers))
        errors.append(f"不能直接写数字（{listed}）：数字和日期只能用占位符填入。可用的占位符：{shown}。")
    return errors
