"""Tables as a reader sees them in a notebook and its HTML: Japanese headers, clean numbers.

:func:`show_table` displays a DataFrame as an HTML table (escaped: text from a report is data, never
markup; tables and sentences are marked for MathJax to skip, so "$…$" stays text) through the one
label table (:mod:`helpers.present.labels`) and the reports' display names (:mod:`helpers.present.names`):

- Japanese headers (:func:`helpers.present.labels.column_label`);
- coded values, lists of codes, column names held as values and layout notes in Japanese
  (:func:`helpers.present.labels.label_codes`), booleans as はい / いいえ;
- reports by their display name, the ``report`` column left out when the collection holds one
  report, initiative ids without the report's file stem (:func:`helpers.present.names.for_readers`);
- integers without ``.0`` and with thousands separators, rates as ``73.5%`` (the ``rates`` given and
  every ratio column, :func:`helpers.present.labels.is_rate`);
- missing values as ``—``;
- long text wrapped in its cell.

The output is a plain ``IPython.display.HTML`` object, so a stored notebook holds stable text
(nbval compares it) and the HTML export shows the same table.

>>> import pandas as pd
>>> df = pd.DataFrame({"row_no": [2, 7], "result_value": [397.0, None], "achievement_rate": [0.73518, 0.7]})
>>> formatted(df).values.tolist()
[['2', '397', '73.5%'], ['7', '—', '70.0%']]
>>> list(formatted(df).columns)
['表の行番号', '実績の値', '計画達成率']
"""

from __future__ import annotations

import html
import math
import re
import string

import pandas as pd

from .labels import READER_LABELS, column_label, is_rate, label_codes

_PLAIN = re.compile(r"year|row|line|_no$|^part$")

__all__ = ["DISPLAY_LABELS", "Markdown", "Sentence", "sentence_html", "md_safe", "named", "header", "formatted",
           "show_table", "table_html", "IGNORE_MATH"]

DISPLAY_LABELS = READER_LABELS  # kept under its old name; the labels live in helpers.present.labels


def header(column: str) -> str:
    """The Japanese header of a column (the column itself when none is known).

    >>> header("row_no"), header("prior_status"), header("no_such_column")
    ('表の行番号', '前年度の区分', 'no_such_column')
    """
    return column_label(column)


def _cell(value, *, rate: bool, plain: bool = False) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if rate:
            return f"{value * 100:.1f}%"
        if float(value).is_integer():
            return str(int(value)) if plain else f"{int(value):,}"
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"
    return str(value)


def formatted(df: pd.DataFrame, *, rates: list[str] | tuple[str, ...] = (), reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy of ``df`` as display strings with Japanese headers (see the module docstring)."""
    from .names import for_readers

    shown = for_readers(df, reports)
    numeric = {c: pd.api.types.is_numeric_dtype(shown[c].dtype) and not pd.api.types.is_bool_dtype(shown[c].dtype)
               for c in shown.columns}
    labelled = label_codes(shown)
    out = {}
    for col in labelled.columns:
        plain = bool(_PLAIN.search(str(col)))  # years, row and line numbers: no thousands separator
        rate = col in rates or (numeric[col] and is_rate(col))
        out[column_label(str(col), numeric=numeric[col])] = [_cell(v, rate=rate, plain=plain) for v in labelled[col].tolist()]
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


def named(text: str) -> str:
    """``text`` with every registered report's file stem replaced by its display name.

    A stem in backticks (```…_2021```) or standing alone (not part of a file name, an id or a path)
    becomes :func:`helpers.present.names.report_name`; a report without a sidecar keeps its stem.

    >>> import pandas as pd
    >>> from helpers.present.names import register, registered
    >>> before = registered()
    >>> register(pd.DataFrame({"report": ["m_2021"], "fiscal_year": [2021], "municipality": ["新潟市南区"],
    ...                        "plan_name": ["南区地域福祉計画"], "title": [None]}))
    >>> named("**`m_2021`**: m_2021 の表（m_2021.txt、m_2021:1-1-01）")
    '**新潟市南区「南区地域福祉計画」（2021年度）**: 新潟市南区「南区地域福祉計画」（2021年度） の表（m_2021.txt、m_2021:1-1-01）'
    >>> register(None)
    """
    from .names import registered, report_name

    for stem in sorted(registered(), key=len, reverse=True):
        name = report_name(stem)
        if name == stem or stem not in text:
            continue
        text = text.replace(f"`{stem}`", name)
        text = re.sub(rf"(?<![\w.:/`-]){re.escape(stem)}(?![\w.:/`-])", lambda _m: name, text)
    return text


def Markdown(text: str, /, **values) -> Sentence:  # noqa: N802 - a drop-in for IPython.display.Markdown
    """A notebook sentence with report text in it, rendered so that report text is never markup.

    ``Markdown(f"…{x}…")`` shows the whole sentence as literal text (no tag, link, autolink,
    emphasis, code span or maths from anything in it, the notebook's own ``**`` included).
    ``Markdown("…**{x}**…", x=value)`` keeps the template's ``**bold**``, ``code`` and ``- `` list
    lines and shows ``value`` as literal text. The result is HTML (no Markdown renderer and no
    MathJax ever reads it); see :func:`sentence_html`. Reports are named by their display names
    (:func:`named`), never by file stem.
    """
    values = {k: named(v) if isinstance(v, str) else v for k, v in values.items()}
    return Sentence(named(text), values or None)
