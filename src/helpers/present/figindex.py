"""The figure index ``reports/figures/README.md``: each figure with its title, notebook and tables.

Built from the figures themselves: :func:`helpers.present.style.save_figure` writes the title (PNG ``Title``)
and the stems of the tables holding the data (PNG ``Source``) into every PNG, so the index cannot
drift from the figures. Run ``python -m helpers.present.figindex`` (``make report`` does).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..config import FIGURES_DIR, NOTEBOOKS_DIR, REPORTS_DIR

__all__ = ["figure_rows", "index_markdown", "write_index"]


def figure_rows(folder: Path = FIGURES_DIR) -> list[dict]:
    """One dict per ``NN_*.png`` in ``folder``: figure, svg, title, notebook, tables (stems)."""
    from PIL import Image

    rows = []
    for png in sorted(Path(folder).glob("[0-9][0-9]_*.png")):
        with Image.open(png) as im:
            info = dict(im.info)
        nb = png.name[:2]
        notebook = next((p.name for p in sorted(NOTEBOOKS_DIR.glob(f"{nb}_*.ipynb"))), "")
        rows.append({"figure": png.name, "svg": png.with_suffix(".svg").name, "title": info.get("Title", ""),
                     "notebook": notebook, "tables": [t for t in info.get("Source", "").split() if t]})
    return rows


def md_text(text: str) -> str:
    r"""``text`` as literal Markdown text: every ASCII punctuation character backslash-escaped.

    A figure title may carry report text; in the index it is shown as printed, never as a link,
    emphasis, code, an HTML tag or a table cell break (CommonMark lets any ASCII punctuation be
    escaped; an escaped ``:`` also stops a bare-URL autolink).

    >>> print(md_text("a_b [L](https://e.example) **x** | <i>"))
    a\_b \[L\]\(https\:\/\/e\.example\) \*\*x\*\* \| \<i\>
    """
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", str(text))


def index_markdown(rows: list[dict]) -> str:
    """The README text (stable: sorted by file name, no dates); titles are literal text (:func:`md_text`)."""
    out = ["# 図の一覧（Figure index）", "",
           "`python -m helpers.present.figindex` が図のファイル（PNG のメタデータ）から生成します。手で編集しないでください。",
           "各図のデータは `reports/tables/` の表に、作り方は notebook にあります。PNG は 300 dpi、SVG は文字を編集できます。", "",
           "| 図 | 内容 | notebook | データの表 |", "|---|---|---|---|"]
    for r in rows:
        tables = "<br>".join(f"[{t}.csv](../tables/{t}.csv)" for t in r["tables"]) or "—"
        title = md_text(r["title"])
        out.append(f"| [{r['figure']}]({r['figure']}) ([SVG]({r['svg']})) | {title} | "
                   f"[{r['notebook']}](../../notebooks/{r['notebook']}) | {tables} |")
    return "\n".join(out) + "\n"


def write_index(folder: Path = FIGURES_DIR) -> Path:
    """Write ``folder/README.md`` through the one writer (:func:`helpers.outputs.write_file`)."""
    from ..outputs import write_file

    return write_file(Path(folder) / "README.md", index_markdown(figure_rows(folder)).encode("utf-8"))


def main() -> int:
    """``python -m helpers.present.figindex``: exit 0 written, 2 refused (one line), 130 interrupted."""
    from ..outputs import InterruptedAfterWrite, OutputError, shown

    try:
        p = write_index()
    except OutputError as e:
        print(f"error: {e}; the figure index was not written", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print("interrupted: " + ("the figure index was written" if isinstance(e, InterruptedAfterWrite)
                                 else "the figure index is unchanged"), file=sys.stderr)
        return 130
    print(f"wrote {shown(p.relative_to(REPORTS_DIR.parent))}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
