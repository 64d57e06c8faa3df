"""Tables as a reader sees them in a notebook and its HTML: Japanese headers, clean numbers.

:func:`show_table` displays a DataFrame as an HTML table (escaped: text from a report is data, never
markup; the table is marked for MathJax to skip, so "$…$" in a cell stays text) with

- Japanese headers: :data:`DISPLAY_LABELS` first (unambiguous words for "row of the table" and "line
  of the text"), then the clean-table schema's 項目名, then :data:`helpers.present.labels.COLUMN_LABELS`;
- coded values in the report's words (``estimate`` → 見込み, :data:`helpers.present.labels.CODE_LABELS`);
- integers without ``.0`` and with thousands separators, rates as ``73.5%``, booleans as ○ / blank;
- missing values as ``—``;
- long text wrapped in its cell.

The output is a plain ``IPython.display.HTML`` object, so a stored notebook holds stable text
(nbval compares it) and the HTML export shows the same table.

>>> import pandas as pd
>>> df = pd.DataFrame({"row_no": [2, 7], "result_value": [397.0, None], "achievement_rate": [0.73518, 0.7]})
>>> formatted(df, rates=["achievement_rate"]).values.tolist()
[['2', '397', '73.5%'], ['7', '—', '70.0%']]
>>> list(formatted(df).columns)
['表の行番号', '実績の値', '計画達成率']
"""

from __future__ import annotations

import html
import math
import string

import pandas as pd

from .labels import CODE_LABELS, COLUMN_LABELS

import re

_PLAIN = re.compile(r"year|row|line|_no$|^part$")
_FIELD_LISTS = ("field", "differing_fields")

__all__ = ["DISPLAY_LABELS", "Markdown", "Sentence", "sentence_html", "md_safe", "header", "formatted", "show_table",
           "table_html", "IGNORE_MATH"]

#: headers used in notebook tables before the schema's: "行" alone is ambiguous (a table row or a
#: line of the text), so these say which.
DISPLAY_LABELS = {
    "report": "報告書", "row_no": "表の行番号", "line_no": "テキストの行番号", "source_lines": "原文の行（テキストの行番号）",
    "source_first_line": "原文の最初の行", "source_last_line": "原文の最後の行", "relisted_row": "再掲の表の行番号",
    "original_row": "元の表の行番号", "prior_value": "前年度の値", "plan_value": "計画の値", "result_value": "実績の値",
    "change": "増減（実績−前年度）", "change_rate": "前年度比の増減率", "achievement_rate": "計画達成率",
    "achievement": "計画達成率（行）", "mean_achievement": "計画達成率（行の平均）", "rubric_grade": "凡例による評価", "grade": "評価",
    "indicator": "指標", "indicator_label": "指標（表示用）", "unit": "単位", "field_plan": "分野別計画",
    "initiative": "具体的な取り組み・事業", "department": "担当部署", "comment": "コメント・課題等",
    "result_note": "実績の注記", "measure": "種類",
}


def header(column: str) -> str:
    """The Japanese header of a column (the column itself when none is known).

    >>> header("row_no"), header("prior_status"), header("no_such_column")
    ('表の行番号', '前年度の区分', 'no_such_column')
    """
    if column in DISPLAY_LABELS:
        return DISPLAY_LABELS[column]
    from ..read.schema import SCHEMA

    for cols in SCHEMA.values():
        for c in cols:
            if c.name == column:
                return c.name_ja
    return COLUMN_LABELS.get(column, column)


def _cell(value, *, rate: bool, plain: bool = False) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if rate:
            return f"{value * 100:.1f}%"
        if float(value).is_integer():
            return str(int(value)) if plain else f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"
    return str(value)


def formatted(df: pd.DataFrame, *, rates: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of ``df`` as display strings with Japanese headers (see the module docstring)."""
    out = {}
    for col in df.columns:
        codes = CODE_LABELS.get(col) or (CODE_LABELS.get("status", {}) if col.endswith("_status") else {})
        values = [codes.get(v, v) if isinstance(v, str) else v for v in df[col].astype(object).tolist()]
        if col in _FIELD_LISTS:  # column names as values (result_text・comment) → their Japanese headers
            values = ["・".join(header(x) for x in v.split("・")) if isinstance(v, str) and v else v for v in values]
        plain = bool(_PLAIN.search(col))  # years, row and line numbers: no thousands separator
        out[header(col)] = [_cell(v, rate=col in rates, plain=plain) for v in values]
    return pd.DataFrame(out, index=range(len(df)))


def table_html(df: pd.DataFrame, *, rates: list[str] | tuple[str, ...] = (), wrap: int = 28) -> str:
    """Escaped HTML of :func:`formatted` with long text wrapped at about ``wrap`` characters."""
    f = formatted(df, rates=rates)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in f.columns)
    body = []
    for row in f.itertuples(index=False):
        cells = []
        for v in row:
            style = f' style="min-width:{wrap // 2}em;max-width:{wrap}em;white-space:normal"' if len(v) > wrap else ""
            align = ' style="text-align:right"' if v.replace(",", "").replace(".", "").replace("%", "").lstrip("-").isdigit() else style
            cells.append(f"<td{align}>{html.escape(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="dataframe {IGNORE_MATH}"><thead><tr>' + head + "</tr></thead><tbody>" + "".join(body)
            + "</tbody></table>")


def show_table(df: pd.DataFrame, *, rates: list[str] | tuple[str, ...] = (), wrap: int = 28) -> None:
    """Display ``df`` in the notebook as :func:`table_html` (see the module docstring)."""
    from IPython.display import HTML, display

    display(HTML(table_html(df, rates=rates, wrap=wrap)))


# ---------------------------------------------------------------------------
# sentences: report text is data, never markup

#: every rendered sentence and table sits in an element MathJax skips (MathJax 2 and 3 honour
#: ``tex2jax_ignore``, MathJax 3 also ``mathjax_ignore``): JupyterLab typesets maths in HTML and
#: Markdown outputs, and a report's "$…$" or "\(…\)" must stay text there too
IGNORE_MATH = "tex2jax_ignore mathjax_ignore"
_SLOT = re.compile("\ue000(\\d+)\ue001")


def _lines_html(text: str, inline) -> str:
    """Paragraphs (blank lines) of lines (``<br>``); ``inline`` turns one escaped line into HTML."""
    out = []
    for para in re.split(r"\n[ \t\u3000]*\n", text.strip("\n")):
        lines = para.split("\n")
        if inline is not None and lines and all(line.startswith("- ") for line in lines):
            out.append("<ul>" + "".join(f"<li>{inline(line[2:])}</li>" for line in lines) + "</ul>")
            continue
        parts = []
        for line in lines:
            if inline is not None and line.startswith("- "):
                parts.append("・" + inline(line[2:]))
            else:
                parts.append(inline(line) if inline is not None else html.escape(line, quote=False))
        out.append("<p>" + "<br>\n".join(parts) + "</p>")
    return "\n".join(out)


def _template_inline(line: str) -> str:
    """The template's own markup (escaped text): ``**bold**`` and ``code``, nothing else."""
    line = html.escape(line, quote=False)
    line = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", line)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", line)


def sentence_html(template: str, values: dict | None = None) -> str:
    r"""A notebook sentence as HTML: report text is literal text, whatever it holds.

    Without ``values`` the whole ``template`` is text: every character shows as it is (``<``,
    ``**``, backticks, ``[x](…)``, bare URLs, ``$…$``), lines end with ``<br>``, blank lines
    separate paragraphs. With ``values`` the template is the notebook's own text (its
    ``**bold**``, ``code`` and ``- `` list lines are kept) and each ``{name}`` field is filled
    with ``values[name]`` (format spec allowed) as literal text, escaped *after* the template's
    markup is read, so a value can never open or close any markup.

    >>> sentence_html("**{name}** は {n:,}件", {"name": "**<b>x</b>** https://e.example $x$", "n": 1200})
    '<p><strong>**&lt;b&gt;x&lt;/b&gt;** https://e.example $x$</strong> は 1,200件</p>'
    >>> sentence_html("`r`: [L](http://e.example/i) & **x**")
    '<p>`r`: [L](http://e.example/i) &amp; **x**</p>'
    """
    if not values:
        return _lines_html(str(template), None)
    formatter = string.Formatter()
    parts, slots = [], []
    for literal, field, spec, conversion in formatter.parse(str(template)):
        parts.append(literal.replace("\ue000", "").replace("\ue001", ""))
        if field is None:
            continue
        obj, _ = formatter.get_field(field, (), values)
        obj = formatter.convert_field(obj, conversion)
        slots.append(html.escape(formatter.format_field(obj, spec or ""), quote=False))
        parts.append(f"\ue000{len(slots) - 1}\ue001")
    rendered = _lines_html("".join(parts), _template_inline)
    return _SLOT.sub(lambda m: slots[int(m.group(1))], rendered)


class Sentence:
    """What :func:`Markdown` returns: shown as HTML (``text/html``) in JupyterLab and in the HTML export."""

    def __init__(self, template: str, values: dict | None = None):
        self.html = f'<div class="report-text {IGNORE_MATH}">{sentence_html(template, values)}</div>'

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "<helpers sentence>"


def md_safe(text: str) -> str:
    """``text`` as literal HTML text (the one escape of a sentence; see :func:`sentence_html`).

    >>> print(md_safe("育児相談会 <img src=x onerror=alert(1)> [a](javascript:b) & c"))
    <p>育児相談会 &lt;img src=x onerror=alert(1)&gt; [a](javascript:b) &amp; c</p>
    """
    return sentence_html(text)


def Markdown(text: str, /, **values) -> Sentence:  # noqa: N802 - a drop-in for IPython.display.Markdown
    """A notebook sentence with report text in it, rendered so that report text is never markup.

    ``Markdown(f"…{x}…")`` shows the whole sentence as literal text (no tag, link, autolink,
    emphasis, code span or maths from anything in it, the notebook's own ``**`` included).
    ``Markdown("…**{x}**…", x=value)`` keeps the template's ``**bold**``, ``code`` and ``- `` list
    lines and shows ``value`` as literal text. The result is HTML (no Markdown renderer and no
    MathJax ever reads it); see :func:`sentence_html`.
    """
    return Sentence(text, values or None)
