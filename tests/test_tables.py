"""helpers.load_tables: the notebooks' API, typed as the schema says."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from helpers import load_tables
from helpers.config import CLEAN_DATA_DIR
from helpers.outputs import OutputError, csv_bytes
from helpers.outputs import CSV_OPTIONS
from helpers.pipeline import clean_reports, write_tables
from helpers.read.schema import columns_of
from helpers.present.tables import read_table, save_table


@pytest.fixture(scope="module")
def real_tables(raw_tables):
    """The clean tables of the committed report (the module's copy; copy again before changing them)."""
    return raw_tables


def test_load_tables_dtypes(real_tables, tmp_path):
    write_tables(real_tables, tmp_path / "c")
    t = load_tables(tmp_path / "c")
    ini = t.initiatives
    assert isinstance(ini["grade"].dtype, pd.CategoricalDtype) and ini["grade"].cat.ordered
    assert ini["grade"].min() == "A"  # A is the best grade and sorts first
    assert str(ini["row_no"].dtype) == "Int64"
    assert str(ini["is_relisted"].dtype) == "boolean"
    assert len(ini) == 56 and len(t.departments) == 67
    # a text cell survives the CSV round trip unchanged (line 202 "子育て広場　38回 延べ397" + "人")
    assert ini.loc[ini["row_no"] == 7, "result_text"].item() == "子育て広場　38回 延べ397人"


# ---------------------------------------------------------------------------
# issue 7 §2: the CSV-injection escape is reversed by load_tables


DANGEROUS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tX", "\nX",
             "＝１＋１", "＋12％）。", "－", "＠x", "'already quoted", "''two"]


#: the real row that gets DANGEROUS[k] as its comment: rows 7, 9, 11, … so that the row after each is untouched
DANGEROUS_ROW = {text: 7 + 2 * k for k, text in enumerate(DANGEROUS)}


@pytest.fixture(scope="module")
def dangerous_written(real_tables, tmp_path_factory):
    """The real report with a SYNTHETIC comment from DANGEROUS in each row of DANGEROUS_ROW, written once (one
    folder for the twelve cases: issue 16 §1) and read back both as plain CSV text and with load_tables."""
    t = copy.copy(real_tables)
    ini = t.initiatives.copy()
    for text, row in DANGEROUS_ROW.items():
        ini.loc[ini["row_no"] == row, "comment"] = text
    t.initiatives = ini
    folder = tmp_path_factory.mktemp("dangerous") / "c"
    write_tables(t, folder)
    raw = pd.read_csv(folder / "initiatives.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return ini, raw, load_tables(folder).initiatives


@pytest.mark.parametrize("text", DANGEROUS, ids=[repr(t[:6]) for t in DANGEROUS])
def test_dangerous_first_character_round_trip(dangerous_written, text):
    # synthetic comment on a real row (DANGEROUS_ROW); everything else is the real report
    ini, raw, back = dangerous_written
    row = DANGEROUS_ROW[text]
    printed = raw.loc[raw["row_no"] == str(row), "comment"].item()
    assert printed == "'" + text  # in the CSV: one leading apostrophe, so Excel shows text
    assert back.loc[back["row_no"] == row, "comment"].item() == text  # pandas users get the text as printed
    assert back.loc[back["row_no"] == row + 1, "comment"].item() == ini.loc[ini["row_no"] == row + 1, "comment"].item()
    assert (row + 1) not in DANGEROUS_ROW.values()  # the row after it is the report's own


def test_a_carriage_return_in_text_is_refused_not_written(real_tables, tmp_path):
    # Python's csv writer leaves a lone CR unquoted, so every reader would split the row there
    t = copy.copy(real_tables)
    ini = t.initiatives.copy()
    ini.loc[ini["row_no"] == 7, "comment"] = "\rX"
    t.initiatives = ini
    with pytest.raises(OutputError, match="carriage return"):
        write_tables(t, tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_numbers_are_never_escaped(real_tables, tmp_path):
    write_tables(real_tables, tmp_path / "c")
    # trends, row 1: 1歳歯科健診 9回 (line 17) -> 8回 (line 32): change -1, rate -1/9
    text = (tmp_path / "c" / "trends.csv").read_text(encoding="utf-8-sig")
    assert ",9,8,8,-1,-0.1111," in text and "'-" not in text
    tr = load_tables(tmp_path / "c").trends
    row = tr[tr["indicator"] == "1歳歯科健診"].iloc[0]
    assert (row.change, row.change_rate) == (-1, -0.1111)


def test_committed_text_starting_with_fullwidth_plus(raw_lines):
    # line 309 of the report is the wrapped comment line "＋12％）。"; data/clean keeps it escaped on disk
    assert raw_lines[308] == "＋12％）。"
    committed = (CLEAN_DATA_DIR / "source_lines.csv").read_text(encoding="utf-8-sig")
    assert ",comment,'＋12％）。\n" in committed
    src = load_tables().source_lines
    assert src.loc[src["line_no"] == 309, "text"].item() == "＋12％）。"


def test_read_table_keeps_codes_as_text(tmp_path):
    # synthetic: a remarks value printed "0012" and "1e3" stays text
    df = pd.DataFrame({c: [pd.NA, pd.NA] for c in columns_of("grade_legend")})
    df["grade"], df["label"], df["meaning"], df["min_achievement_pct"] = ["A", "B"], ["0012", "1e3"], ["x", "y"], [90, 75]
    path = tmp_path / "grade_legend.csv"
    path.write_bytes(csv_bytes(df, **CSV_OPTIONS))
    back = read_table(path, "grade_legend")
    assert back["label"].tolist() == ["0012", "1e3"]


# ---------------------------------------------------------------------------
# save_table writes its own file only


def test_save_table_writes_only_its_file(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    df = pd.DataFrame({"department": ["=cmd|' /C calc'!A0", "健康福祉課"], "total": [-1, 28]})
    path = save_table(df, "by_department", notebook="99", folder=tmp_path)
    assert path == tmp_path / "99_by_department.csv"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in {".helpers-lock", "helpers-manifest.json"}) == ["99_by_department.csv", "notes.txt"]
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "'=cmd|' /C calc'!A0,-1\n" in data.decode("utf-8-sig")
    assert save_table(df, "by_department", notebook="99", folder=tmp_path).read_bytes() == data


def test_save_table_refuses_symlink_folder_and_odd_names(tmp_path):
    victim = tmp_path / "victim.csv"
    victim.write_text("user data")
    (tmp_path / "99_x.csv").symlink_to(victim)
    (tmp_path / "99_y.csv").mkdir()
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(OutputError, match="symlink"):
        save_table(df, "x", notebook="99", folder=tmp_path)
    with pytest.raises(OutputError, match="folder"):
        save_table(df, "y", notebook="99", folder=tmp_path)
    with pytest.raises(ValueError, match="plain file name"):
        save_table(df, "../../etc/x", notebook="99", folder=tmp_path)
    assert victim.read_text() == "user data"


def test_load_tables_refuses_an_edited_or_half_swapped_folder(raw_path, tmp_path):
    """Issue 17 §8: load_tables() reads a folder only as the tool wrote it."""
    import json

    from helpers.outputs import MANIFEST, OutputError
    from helpers.pipeline import clean_reports, write_tables

    out = tmp_path / "clean"
    write_tables(clean_reports([raw_path], with_metrics=False), out)
    assert len(load_tables(out).initiatives) == 56
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**doc, "state": "writing"}), encoding="utf-8")  # a kill -9 mid-swap
    with pytest.raises(OutputError, match="interrupted in the middle"):
        load_tables(out)
    (out / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    with open(out / "departments.csv", "a", encoding="utf-8") as f:
        f.write("x,y\n")
    with pytest.raises(OutputError, match="departments.csv changed since the tool wrote it"):
        load_tables(out)
