"""Charts drawn on the server as SVG: nothing to load, nothing inline to allow in the
Content-Security-Policy, readable without JavaScript. Every chart sits beside the table it draws
(the table is the accessible version; the SVG carries a title and description)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW = 28  # px per bar
LABEL = 38  # % of the width for the labels


def bar_chart(
    *, title: str, rows: list[tuple[str, int, int]], legend: tuple[str, str]
) -> SafeString:
    """Horizontal bars: per row a total and the part of it to notice (drawn darker), labelled
    with both numbers. Widths are relative to the largest total."""
    widest = max((total for _l, total, _p in rows), default=0) or 1
    height = ROW * len(rows) + 44
    span = 100 - LABEL - 16  # leave room for the numbers
    bars = format_html_join(
        "",
        '<g><text x="0" y="{y_text}" class="chart-label">{label}</text>'
        '<rect x="{x}%" y="{y}" width="{w}%" height="18" class="chart-bar"/>'
        '<rect x="{x}%" y="{y}" width="{pw}%" height="18" class="chart-part"/>'
        '<text x="{x_num}%" y="{y_text}" class="chart-number">{total} ({part})</text></g>',
        (
            {
                "label": label[:28],
                "x": LABEL,
                "y": ROW * i + 4,
                "y_text": ROW * i + 18,
                "w": round(span * total / widest, 2),
                "pw": round(span * part / widest, 2),
                "x_num": round(LABEL + span * total / widest + 1, 2),
                "total": total,
                "part": part,
            }
            for i, (label, total, part) in enumerate(rows)
        ),
    )
    key_y = ROW * len(rows) + 16
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" width="100%" '
        'height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">{title}</title><desc id="chart-desc">{desc}</desc>{bars}'
        '<rect x="0" y="{ky}" width="10" height="10" class="chart-bar"/>'
        '<text x="14" y="{kt}" class="chart-key">{l1}</text>'
        '<rect x="0" y="{ky2}" width="10" height="10" class="chart-part"/>'
        '<text x="14" y="{kt2}" class="chart-key">{l2}</text></svg>',
        h=height,
        title=title,
        desc="; ".join(f"{label}: {total} ({part})" for label, total, part in rows),
        bars=bars,
        ky=key_y - 9,
        kt=key_y,
        ky2=key_y + 9,
        kt2=key_y + 18,
        l1=legend[0],
        l2=legend[1],
    )


SERIES_ROW = 14  # px per bar of one series


def series_chart(*, title: str, rows: list[tuple[str, list]], legend: list[str]) -> SafeString:
    """Horizontal bars, one per series, grouped per row (a month, a cohort): each bar labelled
    with its number as the table shows it. A value that is not a number (suppressed, or none)
    draws no bar, only its text. At most four series."""
    numbers = [v for _l, values in rows for v in values if isinstance(v.value, int | float)]
    widest = max([abs(float(v.value)) for v in numbers], default=0) or 1
    group = SERIES_ROW * len(legend) + 10
    span = 100 - LABEL - 14
    parts = []
    for i, (label, values) in enumerate(rows):
        top = group * i
        parts.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>',
                top + SERIES_ROW,
                label[:28],
            )
        )
        for j, value in enumerate(values):
            y = top + SERIES_ROW * j + 2
            number = value.value if isinstance(value.value, int | float) else None
            width = round(span * abs(float(number)) / widest, 2) if number else 0
            parts.append(
                format_html(
                    '<rect x="{x}%" y="{y}" width="{w}%" height="{h}" class="chart-s{j}"/>'
                    '<text x="{tx}%" y="{ty}" class="chart-number">{text}</text>',
                    x=LABEL,
                    y=y,
                    w=width,
                    h=SERIES_ROW - 3,
                    j=j,
                    tx=round(LABEL + width + 1, 2),
                    ty=y + SERIES_ROW - 4,
                    text=str(value),
                )
            )
    key_top = group * len(rows) + 6
    keys = format_html_join(
        "",
        '<rect x="0" y="{}" width="10" height="10" class="chart-s{}"/>'
        '<text x="14" y="{}" class="chart-key">{}</text>',
        ((key_top + 16 * j, j, key_top + 16 * j + 9, name) for j, name in enumerate(legend)),
    )
    height = key_top + 16 * len(legend) + 4
    description = "; ".join(
        f"{label}: "
        + ", ".join(f"{name} {value}" for name, value in zip(legend, values, strict=False))
        for label, values in rows
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{title}" width="100%" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg"><title>{title}</title><desc>{desc}</desc>'
        "{bars}{keys}</svg>",
        title=title,
        desc=description,
        h=height,
        bars=format_html_join("", "{}", ((p,) for p in parts)),
        keys=keys,
    )
