"""Reading report files, running both stages, and writing the clean tables safely.

``clean_reports`` is what ``python -m helpers clean`` and ``make data`` run.
``write_tables`` writes only the files listed in the folder's manifest
(``helpers-manifest.json``), through a temporary sibling folder, so ``--out`` is never
half-written and no file the tool did not write is ever touched (:mod:`helpers.outputs`).
"""

from __future__ import annotations

import functools
import gc
import json
from pathlib import Path

import pandas as pd

from .read import schema
from .outputs import CSV_OPTIONS, MANIFEST, OutputDir, csv_bytes, write_output_folder
from .read.extract import ReportError, extract_report
from .read.layout import Layout, LayoutError, declared_layout
from .read.pdf import PdfReport, is_pdf, read_pdf
from .read.sidecar import load_sidecar, sidecar_path
from .read.text import expand_inputs, read_report
from .read.tidy import Tables, _frame, build_tables, tidy_extraction, validate_tables

__all__ = ["clean_reports", "report_layout", "write_tables", "table_files"]


def _cyclic_gc_paused(fn):
    """Run ``fn`` with Python's cyclic garbage collector paused (and resumed after, however it ends).

    A clean run makes hundreds of thousands of small containers (fragments, records, rows) that
    all live until the tables are built; each time enough of them have been made, the collector
    scans them all again, in vain: that was about a sixth of a run (issue 16 §2).  Reference
    counting still frees everything as usual; only garbage held in reference cycles waits until
    the collector resumes.  Nothing a run computes depends on it: same tables, same bytes.
    """

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not gc.isenabled():  # already paused (a nested call) or switched off by the caller
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run


@_cyclic_gc_paused
def clean_reports(inputs: list[str | Path], *, encoding: str | None = None, with_metrics: bool = True,
                  max_bytes: int | None = None) -> Tables:
    """Run extract + tidy on every input and check the result.

    Args:
        inputs: report files (text dumps ``*.txt`` or PDFs ``*.pdf``) or folders of them.
        encoding: force the input encoding (default: detect).
        with_metrics: also derive the ``metrics`` and ``trends`` tables.
        max_bytes: size cap per input file (default: :func:`helpers.read.text.max_bytes_limit`).

    Returns:
        The combined :class:`~helpers.read.tidy.Tables`; ``accounting`` holds the
        per-report line counts, ``unplaced`` lines included.

    Raises:
        ReportError: bad input (exit code 2 in the CLI).
        ValidationError: a hard check failed.
    """
    paths = expand_inputs(inputs)
    names: dict[str, Path] = {}
    facts: dict[str, tuple[str, int]] = {}  # sha256 and size of the bytes read: each file is read once
    parts, texts = [], {}
    pdfs: dict[str, PdfReport] = {}
    stems: dict[str, Path] = {}
    for path in paths:  # before any file is read: a name given twice costs no parsing (a PDF takes seconds)
        if path.stem in stems:
            raise ReportError(path, f"another input has the same name '{path.stem}' ({stems[path.stem]}); report names must be unique")
        stems[path.stem] = path
    for path in paths:
        if is_pdf(path):  # the PDF reader hands tidy the same rows of cells as the text reader
            doc = read_pdf(path, max_bytes=max_bytes, layout=report_layout(path))
            name, ex, lines = doc.name, doc.extraction, doc.lines
            facts[name] = (doc.sha256, doc.size)
            pdfs[name] = doc
        else:
            rep = read_report(path, encoding=encoding, max_bytes=max_bytes)
            name, lines = rep.name, rep.lines
            facts[name] = (rep.sha256, rep.size)
            ex = extract_report(rep.text, path=path, layout=report_layout(path), lines=lines)
            ex.encoding = rep.encoding
        names[name] = path
        parts.append(tidy_extraction(ex, report=name, lines=lines))
        texts[name] = lines
    tables = build_tables(parts)
    if pdfs:  # where each run of a PDF is: page, cell, position
        tables.source_cells = _frame([r for doc in pdfs.values() for r in doc.source_cells()], "source_cells")
    validate_tables(tables, texts=texts)
    if with_metrics:
        try:
            _add_metrics(tables)
        except ReportError as e:  # raised with the report's name: name its file (and for a PDF, the page)
            if e.path in pdfs and e.line:
                raise ReportError(names[e.path], f"{pdfs[e.path].where(e.line)}: {e.message}") from None
            raise ReportError(names.get(e.path, e.path), e.message, e.line) from None
    _add_collection(tables, names, with_series=with_metrics, facts=facts)
    return tables


def report_layout(path: str | Path) -> Layout | None:
    """The layout declared in the report's sidecar (``"layout"`` in ``<stem>.meta.json``), checked; or None.

    Raises:
        ReportError: naming the sidecar, when its declaration cannot be used.
    """
    try:
        return declared_layout(load_sidecar(path))
    except LayoutError as e:
        raise ReportError(sidecar_path(path), e.message) from None


def _add_metrics(tables: Tables) -> None:
    from .read.metrics import add_metrics

    add_metrics(tables)


def _add_collection(tables: Tables, paths: dict[str, Path], *, with_series: bool, facts=None) -> None:
    """reports.csv, initiative_key + links.csv, series.csv (helpers.collect.collection, .link, .series)."""
    from .collect.collection import add_collection

    add_collection(tables, paths, with_series=with_series, facts=facts)


def _readme(tables: dict[str, pd.DataFrame]) -> str:
    lines = [
        "# Clean tables (made by `make data`; do not edit by hand)",
        "",
        "Generated by `python -m helpers clean` from `data/raw/`. Same input, same bytes.",
        "",
        "- Encoding: UTF-8 with BOM (Excel opens it as UTF-8); LF line ends; one header row of ASCII",
        "  snake_case names; no line breaks inside fields; empty field = missing value.",
        "- Column meanings (Japanese 項目名, type, unit): `data_dictionary.csv`.",
        "- Text columns keep the report's text as printed; a cell's lines are joined without separator.",
        "- A text field starting with = + - @ ＝ ＋ － ＠ ' TAB CR or LF is written with one extra leading `'`",
        "  so that Excel shows it as text; `helpers.load_tables()` removes exactly that one `'`.",
        f"- `{MANIFEST}` lists the files the tool wrote here (with SHA-256). A rerun replaces or removes",
        "  only those; any other file in this folder is left alone.",
        "",
        "| file | rows | content |",
        "|---|---:|---|",
    ]
    for name, df in tables.items():
        desc = schema.TABLE_DESCRIPTIONS.get(name, "")
        lines.append(f"| {name}.csv | {len(df)} | {desc} |")
    lines.append("| data_dictionary.csv | | 各表の列の定義（項目名・型・単位・説明） |")
    lines.append("| datapackage.json | | Frictionless データパッケージ（型・単位・キー・出典の SHA-256。`frictionless validate` で検証できる） |")
    lines.append(f"| {MANIFEST} | | このフォルダにツールが書いたファイルの一覧（SHA-256） |")
    return "\n".join(lines) + "\n"


class WrittenFiles(list):
    """The paths :func:`write_tables` wrote (manifest last); ``kept``: old files left in place.

    ``kept`` names files of the previous manifest that this run no longer writes but that were
    changed since the tool wrote them: they are no longer the tool's and are left alone.
    ``overwritten`` names the files ``force`` replaced although they were not the tool's or had
    been changed since it wrote them.
    """

    kept: list[str]
    overwritten: list[str]


def table_files(tables: Tables) -> dict[str, bytes]:
    """Every file of a clean-tables folder as bytes: one CSV per table, the data dictionary, the
    Frictionless data package ``datapackage.json`` (:func:`helpers.read.schema.datapackage`), the README.

    All CSVs go through :func:`helpers.outputs.csv_bytes` (the CSV-injection rule).
    """
    frames = tables.as_dict()
    files = {f"{name}.csv": csv_bytes(df, **CSV_OPTIONS) for name, df in frames.items()}
    dd = pd.DataFrame(schema.dictionary_rows())
    dd = dd[dd["table"].isin(list(frames))]
    files["data_dictionary.csv"] = csv_bytes(dd, **CSV_OPTIONS)
    package = schema.datapackage([t for t in schema.SCHEMA if t in frames], sources=_sources(frames.get("reports")))
    files["datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["README.md"] = _readme(frames).encode("utf-8")
    return files


def _sources(reports: pd.DataFrame | None) -> list[dict]:
    """The reports read, for the data package: display name, file, SHA-256 and size, the sidecar's municipality."""
    from .present.names import display_name

    out = []
    for r in ([] if reports is None else reports.to_dict("records")):
        src = {"title": display_name(r), "path": f"data/raw/{r['source_file']}", "hash": f"sha256:{r['sha256']}",
               "bytes": int(r["bytes"])}
        for key in ("municipality", "lg_code", "sidecar"):
            if isinstance(r.get(key), str) and r[key]:
                src[key] = r[key]
        out.append(src)
    return out


@_cyclic_gc_paused
def write_tables(
    tables: Tables, out_dir: str | Path | OutputDir, *, inputs: list[str | Path] | tuple = (), force: bool = False
) -> WrittenFiles:
    """Write every table as CSV (+ data dictionary, README, manifest) into ``out_dir``.

    The folder is the tool's only as far as its manifest (``helpers-manifest.json``) says: see
    :func:`helpers.outputs.write_output_folder` (risky targets refused before anything changes,
    files written to a temporary sibling and moved in one by one, files of the old manifest that
    the run no longer writes removed, every other file left alone).

    Args:
        tables: the clean tables.
        out_dir: the output folder (created if missing), or the locked
            :class:`~helpers.outputs.OutputDir` of :func:`helpers.outputs.open_output_folder`.
        inputs: the input files/folders (an output folder containing one is refused).
        force: accept a non-empty folder without manifest (files with other names are kept).

    Raises:
        helpers.outputs.OutputError: refused target; nothing was changed.
        OSError: a failed write.
    """
    done = write_output_folder(table_files(tables), out_dir, inputs=inputs, force=force)
    written, kept = done
    result = WrittenFiles(written)
    result.kept = kept
    result.overwritten = done.overwritten
    return result
