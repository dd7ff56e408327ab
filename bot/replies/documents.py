"""Drafts as printable documents (HTML and PDF), and signed links to them."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.config import PROJECT_ROOT, settings
from bot.replies.drafts import texts
from bot.replies.messages import say
from bot.security.keys import Purpose, derived_key
from bot.services.drafts import WITHDRAWN, StoredDraft

TEMPLATES = PROJECT_ROOT / "bot" / "replies" / "templates"
CJK_FONT = "STSong-Light"  # one of reportlab's built-in Adobe CID fonts: nothing to download


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))


def _labels(draft: StoredDraft) -> tuple[str, str]:
    words = texts()
    return words["kinds"][draft.kind]["title"], words["statuses"].get(draft.status, draft.status)


def draft_html(draft: StoredDraft) -> str:
    title, status = _labels(draft)
    return _environment().get_template("draft.html").render(draft=draft, content=draft.content, title=title,
                                                            status=status)


def draft_pdf(draft: StoredDraft) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=11, leading=17, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=24, spaceAfter=8)
    title, status = _labels(draft)
    content: dict[str, Any] = draft.content
    check = content["check"]
    lines = [f"编号：{draft.reference}　状态：{status}　生成日期：{content['as_of']}",
             f"注册人：{content['name']}　身份证号：{content['masked_id']}",
             f"聘用企业：{content['employer'] or '（记录中没有）'}",
             f"专业：{'、'.join(content['specialties'])}"]
    if content.get("reason"):
        lines.append(f"注销原因：{content['reason']}")
    if check.get("path"):
        lines.append(f"办理方式：{check['path']}")
    if content.get("phone"):
        lines.append(f"联系电话：{content['phone']}")
    lines += ["规则检查：", *check["findings"]]
    lines += [f"· {b['text']}：{b['remedy']}（{b['clause']}）" for b in check["blockers"]]
    lines += [check["basis"], "下一步："]
    lines += [f"{index}. {step}" for index, step in enumerate(check["next_steps"], 1)]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {draft.reference}")
    story: list[Any] = [Paragraph(escape(title), heading)]
    for line in lines:
        story += [Paragraph(escape(line), body), Spacer(1, 4)]
    document.build(story)
    return buffer.getvalue()


# A link is shown in chat and may be forwarded or left in a browser's history: it lasts a few days, names the
# draft's state when it was made (a link made before the draft changed no longer opens it), and never opens a
# withdrawn draft. DRAFT_LINK_DAYS in the environment changes how long (bot/config.py).
LINK_SALT = "draft-link"


def _link_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(derived_key(Purpose.DRAFT_LINKS), salt=LINK_SALT)


def link_key(reference: str, status: str) -> str:
    return _link_serializer().dumps([reference.upper(), status])


def link_opens(draft: StoredDraft, key: str, environ: dict[str, str] | None = None) -> bool:
    """Whether `key` is a link to this draft, unexpired, made while the draft was as it is now, and not withdrawn."""
    if draft.status == WITHDRAWN or not key:
        return False
    max_age = settings(environ).draft_link_days * 86400
    try:
        signed = _link_serializer().loads(key, max_age=max_age)
    except BadData:
        return False
    return bool(signed == [draft.reference.upper(), draft.status])


def draft_link(reference: str, status: str) -> str:
    base = settings().public_address()
    return say("assistant", "draft_link", base=base.rstrip("/"), reference=reference,
               signature=link_key(reference, status))
