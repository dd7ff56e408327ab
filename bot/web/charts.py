"""Charts drawn on the server as SVG: no script, no CDN, nothing for the page's CSP to allow.

Every text that goes into a chart (a topic's title, a city) is escaped here; the result is markup the templates
insert as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"'
AXIS = "#999"
GRID = "#e5e5e5"
TICKS = 4
LABELS = 8
"""At most this many labels under the bars: a year of days would not be readable otherwise."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_top(highest: int) -> int:
    """The top of the scale: TICKS steps of 1, 2 or 5 times a power of ten, at or above the highest value."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step * TICKS >= highest:
                return factor * step * TICKS
        step *= 10


def bar_chart(labels: Sequence[str], series: Sequence[Series], title: str, width: int = 960,
              height: int = 260) -> Markup:
    """Bars per label (a day), one bar per series side by side, with a legend, a scale and a tooltip per bar."""
    left, right, top, bottom = 48, 12, 28, 40
    inner_w, inner_h = width - left - right, height - top - bottom
    count = max(len(labels), 1)
    highest = _nice_top(max((v for s in series for v in s.values), default=0))
    slot = inner_w / count
    bar = max(slot * 0.8 / max(len(series), 1), 0.5)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMidYMid meet" {FONT} font-size="11">',
             f"<title>{escape(title)}</title>"]
    for tick in range(TICKS + 1):
        value = highest * tick / TICKS
        y = top + inner_h - inner_h * tick / TICKS
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_number(y)}" y2="{_number(y)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{_number(y + 4)}" text-anchor="end" fill="{AXIS}">'
                     f"{_number(value)}</text>")
    for index, label in enumerate(labels):
        x0 = left + slot * index + slot * 0.1
        for number, one in enumerate(series):
            value = one.values[index] if index < len(one.values) else 0
            h = inner_h * value / highest
            x = x0 + bar * number
            parts.append(f'<rect x="{_number(x)}" y="{_number(top + inner_h - h)}" width="{_number(bar)}" '
                         f'height="{_number(h)}" fill="{one.colour}"><title>{escape(label)} {escape(one.name)}：'
                         f"{value}</title></rect>")
    every = max(1, -(-len(labels) // LABELS))
    for index in range(0, len(labels), every):
        x = left + slot * index + slot / 2
        parts.append(f'<text x="{_number(x)}" y="{height - bottom + 16}" text-anchor="middle" fill="#555">'
                     f"{escape(labels[index])}</text>")
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + inner_h}" y2="{top + inner_h}" stroke="{AXIS}"/>')
    x = left
    for one in series:
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{one.colour}"/>'
                     f'<text x="{x + 14}" y="17" fill="#333">{escape(one.name)}</text>')
        x += 28 + 13 * len(one.name)
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(items: Sequence[tuple[str, int]], title: str, colour: str = "#07c160",
                    width: int = 960) -> Markup:
    """One bar per item (a topic), longest first as given, the label on the left and the number at the bar's end."""
    label_w, row, top = 260, 24, 8
    height = top * 2 + row * max(len(items), 1)
    inner_w = width - label_w - 60
    highest = max((value for _, value in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMidYMid meet" {FONT} font-size="12">',
             f"<title>{escape(title)}</title>"]
    for index, (label, value) in enumerate(items):
        y = top + row * index
        w = inner_w * value / highest
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="#333">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{_number(w)}" height="{row - 8}" fill="{colour}">'
                     f"<title>{escape(label)}：{value}</title></rect>")
        parts.append(f'<text x="{_number(label_w + w + 6)}" y="{y + 16}" fill="#555">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
