"""Split the notice's extracted PDF text into clauses for data/policy/notice.yml.

Run when the source text changes:
    python tools/extract_notice.py data/policy/qianjianjiantong-2023-55.txt > data/policy/notice.yml
The PDF extraction wraps lines mid-sentence, puts spaces around numbers and repeats the
portal address at a page break; none of that is the notice's wording, so it is removed.
Paragraphs and stand-alone headings are kept as lines of their own.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

DOCUMENT = "黔建建通〔2023〕55号"
TOP = re.compile(r"^([一二三四五六七八九十]+)、")
SUB = re.compile(r"^（([一二三四五六七八九十]+)）")
ITEM = re.compile(r"^(\d+)．")
PAGE_BREAK_ARTEFACT = "http://zwfw.guizhou.gov.cn"
BODY_START = "为进一步提升"
SIGNATURE = "贵州省住房和城乡建设厅"
PRINTED_BY = "印发"
# A full printed line holds about 27-31 characters; a sentence ending on a shorter line ends its paragraph.
SHORT_LINE = 25
INLINE_TITLE_MAX = 4


def body_lines(source: str) -> list[str]:
    lines = [re.sub(r"\s+", "", line) for line in source.splitlines()]
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith(BODY_START))
    end = next(i for i, line in enumerate(lines) if line.endswith(PRINTED_BY))
    return [line for line in lines[start:end] if line != PAGE_BREAK_ARTEFACT]


def title_of(line: str, marker: str) -> tuple[str | None, bool]:
    """The clause's own heading, and whether it stands on a line of its own."""
    rest = line[len(marker):]
    if "。" not in rest and "，" not in rest and len(rest) <= 8:
        return rest, True
    head = rest.split("。", 1)[0]
    return (head, False) if len(head) <= INLINE_TITLE_MAX else (None, False)


def split_clauses(lines: list[str]) -> list[dict[str, object]]:
    clauses: list[dict[str, object]] = []
    current: dict[str, object] = {"id": "序言", "title": None, "heading_path": ["序言"], "lines": [""]}
    top_heading = sub_id = top_id = ""
    for line in lines:
        if line == SIGNATURE:
            clauses.append(current)
            current = {"id": "落款", "title": None, "heading_path": ["落款"], "lines": [line, ""]}
            continue
        if current["id"] == "落款":
            current["lines"].append(line)  # type: ignore[union-attr]
            continue
        marker_match = TOP.match(line) or SUB.match(line) or ITEM.match(line)
        if marker_match is None:
            paragraph_lines = current["lines"]
            assert isinstance(paragraph_lines, list)
            paragraph_lines[-1] += line
            if line.endswith("。") and len(line) < SHORT_LINE:
                paragraph_lines.append("")
            continue
        clauses.append(current)
        marker = marker_match.group(0)
        title, standalone = title_of(line, marker)
        label = marker + (title or "")
        if marker_match.re is TOP:
            top_id, sub_id, top_heading = marker_match.group(1), "", label
            clause_id, path = top_id, [label]
        elif marker_match.re is SUB:
            sub_id = f"（{marker_match.group(1)}）"
            clause_id, path = top_id + sub_id, [top_heading, label]
        else:
            clause_id = top_id + sub_id + marker_match.group(1)
            path = [top_heading] + ([sub_id] if sub_id else []) + [label]
        current = {"id": clause_id, "title": title, "heading_path": path,
                   "lines": [line, ""] if standalone else [line]}
        if not standalone and line.endswith("。") and len(line) < SHORT_LINE:
            current["lines"] = [line, ""]
    clauses.append(current)
    for clause in clauses:
        paragraph_lines = clause.pop("lines")
        assert isinstance(paragraph_lines, list)
        clause["text"] = "\n".join(p for p in paragraph_lines if p)
    return clauses


def literal_blocks(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def main() -> None:
    yaml.SafeDumper.add_representer(str, literal_blocks)
    source = Path(sys.argv[1]).read_text(encoding="utf-8")
    document = {"document": DOCUMENT, "source": "data/policy/qianjianjiantong-2023-55.txt",
                "clauses": split_clauses(body_lines(source))}
    yaml.safe_dump(document, sys.stdout, allow_unicode=True, sort_keys=False, width=1000)


if __name__ == "__main__":
    main()
