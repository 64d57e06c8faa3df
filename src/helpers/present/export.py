"""The readers' HTML page of each notebook: ``python -m helpers.present.export NOTEBOOK... --out reports/html``.

One page per notebook, as ``make report`` builds them: no code (``--no-input``), ``lang="ja"``, the
notebook's title and the reports' display names as page title (:class:`helpers.present.pagetitle.PageTitle`), figures with their alt text (the classic template writes what
:func:`helpers.present.style.show_figure` stores), cells tagged ``widget`` left out (a page has no
kernel to drive them), and **no MathJax**: the page loads no script that could turn report text
such as ``$\\href{…}{…}$`` into maths or a link (template ``templates/reader``: nbconvert's classic
page without its MathJax block). Report text in sentences and tables is escaped where it is
rendered (:mod:`helpers.present.display`).

Each page is written by the one writer (:func:`helpers.outputs.write_file`: atomic, recorded in
the folder's manifest, never through a symlink, never over a page changed since it was written).

Exit codes: 0 written; 2 a refused target or an unreadable notebook (one line); 130 interrupted.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

__all__ = ["TEMPLATES", "html_page", "export_notebooks", "main"]

#: the folder holding the ``reader`` template
TEMPLATES = Path(__file__).resolve().parent / "templates"
_ALT_NOTICE = "Alternative text is missing on"


class _QuietAltText(logging.Filter):
    """nbconvert warns about every matplotlib image without alt text; the notebooks' figures carry theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.getMessage()).startswith(_ALT_NOTICE)


def _exporter():
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.template_name = "reader"
    c.HTMLExporter.language_code = "ja"
    c.TemplateExporter.exclude_input = True  # nbconvert's --no-input
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"widget"}
    c.HTMLExporter.preprocessors = ["helpers.present.pagetitle.PageTitle"]  # reports named by display name
    exporter = HTMLExporter(config=c)
    exporter.log.addFilter(_QuietAltText())
    return exporter


def html_page(notebook: str | Path) -> bytes:
    """The readers' page of one stored notebook, as UTF-8 bytes."""
    body, _ = _exporter().from_filename(str(notebook))
    return body.encode("utf-8")


def export_notebooks(notebooks: list[str | Path], out: str | Path) -> list[Path]:
    """Write ``out/<stem>.html`` for every notebook; returns the paths written."""
    from ..outputs import write_file

    written = []
    for nb in notebooks:
        nb = Path(nb)
        written.append(write_file(Path(out) / f"{nb.stem}.html", html_page(nb)))
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    from ..outputs import InterruptedAfterWrite, OutputError, shown

    args = list(sys.argv[1:] if argv is None else argv)
    if "--out" not in args or args.index("--out") + 1 >= len(args):
        print("usage: python -m helpers.present.export NOTEBOOK... --out FOLDER", file=sys.stderr)
        return 2
    k = args.index("--out")
    out, notebooks = args[k + 1], args[:k] + args[k + 2:]
    if not notebooks:
        print("usage: python -m helpers.present.export NOTEBOOK... --out FOLDER", file=sys.stderr)
        return 2
    try:
        for path in export_notebooks(notebooks, out):
            print(f"wrote {shown(path)}", file=sys.stderr)
    except OutputError as e:
        print(f"error: {e}; the page was not written", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:  # an unreadable or malformed notebook
        print(f"error: {shown(e, 300)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print("interrupted: " + ("the page was written" if isinstance(e, InterruptedAfterWrite) else "the page is unchanged"),
              file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
