"""helpers.outputs: the manifest rule, atomic files, the CSV-injection escape, safe messages.

All data here is synthetic (labelled as such); the end-to-end cases on the real report are in
test_cli.py, test_tables.py and test_excel.py.
"""

from __future__ import annotations

import json
import os
import signal
import threading

import pandas as pd
import pytest

from helpers import outputs
from helpers.outputs import (
    MANIFEST,
    OutputError,
    check_output_folder,
    csv_bytes,
    escape_csv_text,
    escape_frame,
    shown,
    unescape_csv_text,
    unescape_frame,
    write_file_atomic,
    write_output_folder,
)


@pytest.mark.parametrize("first", list("=+-@\t\r\n＝＋－＠'"))
def test_escape_is_reversible_for_every_dangerous_first_character(first):
    text = first + "SUM(1)"
    assert escape_csv_text(text) == "'" + text
    assert unescape_csv_text(escape_csv_text(text)) == text


def test_safe_text_and_numbers_are_not_escaped():
    assert escape_csv_text("子育て広場") == "子育て広場"
    assert escape_csv_text(" =1") == " =1"  # a leading space: Excel reads it as text
    assert escape_csv_text(-0.25) == -0.25 and escape_csv_text(None) is None


def test_escape_frame_leaves_numeric_columns_and_escapes_headers_and_index():
    df = pd.DataFrame({"=x": ["-1", "a"], "n": [-1.5, 2.0], "k": pd.array([-3, None], dtype="Int64")})
    df.index = pd.Index(["@i", "j"], name="name")
    out = escape_frame(df)
    assert out.columns.tolist() == ["'=x", "n", "k"]
    assert out["'=x"].tolist() == ["'-1", "a"] and out["n"].tolist() == [-1.5, 2.0]
    assert out.index.tolist() == ["'@i", "j"]
    assert df.columns.tolist() == ["=x", "n", "k"]  # the input is not modified
    back = unescape_frame(pd.DataFrame({"'=x": ["'-1", "a"]}))
    assert back.to_dict("list") == {"=x": ["-1", "a"]}


def test_categorical_text_is_escaped_through_its_categories():
    s = pd.Series(pd.Categorical(["=a", "b", "=a"]))
    out = escape_frame(pd.DataFrame({"c": s}))["c"]
    assert out.tolist() == ["'=a", "b", "'=a"]


def test_csv_bytes_negative_numbers_stay_plain():
    data = csv_bytes(pd.DataFrame({"t": ["-5"], "v": [-5]}), index=False, lineterminator="\n")
    assert data == b"t,v\n'-5,-5\n"


def test_shown_escapes_controls_and_cuts():
    assert shown("a\x1b[31mb") == "a\\x1b[31mb"
    assert shown("\u202eevil") == "\\u202eevil"  # bidi override: shown, not obeyed
    assert shown("x" * 200, limit=5) == "xxxxx…(195 more)"
    assert shown("子育て広場　38回") == "子育て広場　38回"  # Japanese text and U+3000 unchanged


# ---------------------------------------------------------------------------
# output folders


def test_first_write_creates_folder_and_manifest(tmp_path):
    written, kept = write_output_folder({"a.csv": b"1", "b.csv": b"2"}, tmp_path / "out")
    assert [p.name for p in written] == ["a.csv", "b.csv", MANIFEST] and kept == []
    doc = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(doc["files"]) == ["a.csv", "b.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary sibling left


def test_a_foreign_manifest_is_not_trusted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"tool": "something else", "files": {"x": "0"}}))
    with pytest.raises(OutputError, match="did not write"):
        check_output_folder(out)


def test_manifest_entries_cannot_point_outside_the_folder(tmp_path):
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"1"}, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    doc["files"]["../victim.txt"] = outputs._sha256(b"keep")  # a tampered manifest
    (out / MANIFEST).write_text(json.dumps(doc))
    write_output_folder({"a.csv": b"2"}, out)
    assert victim.read_text() == "keep"


def test_temp_folder_of_a_running_writer_is_left_alone(tmp_path):
    busy = tmp_path / ".out.tmp-busy"
    busy.mkdir()
    (busy / ".helpers-tmp").write_text(json.dumps({"tool": "minami-welfare-eval helpers", "pid": os.getppid()}))
    write_output_folder({"a.csv": b"1"}, tmp_path / "out")
    assert busy.exists()


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
def test_ctrl_c_during_the_swap_is_held_until_the_folder_is_consistent(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"old", "b.csv": b"old"}, out)
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # after the manifest and the first file: a real Ctrl-C arrives
            os.kill(os.getpid(), signal.SIGINT)
        return real_replace(src, dst)
    monkeypatch.setattr(outputs.os, "replace", replace)
    write_output_folder({"a.csv": b"new", "b.csv": b"new"}, out)
    assert (out / "a.csv").read_bytes() == b"new" and (out / "b.csv").read_bytes() == b"new"


def test_write_file_atomic_replaces_only_its_file(tmp_path):
    (tmp_path / "other.txt").write_text("mine")
    target = tmp_path / "t.csv"
    write_file_atomic(target, b"1")
    write_file_atomic(target, b"2")
    assert target.read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "t.csv"]


def test_write_file_atomic_removes_a_dead_writers_temp(tmp_path):
    stale = tmp_path / ".t.csv.999999999.helpers-tmp"  # no such PID
    stale.write_bytes(b"partial")
    write_file_atomic(tmp_path / "t.csv", b"1")
    assert not stale.exists()


# ---------------------------------------------------------------------------
# the column-by-column CSV writer (issue 16 §2) writes exactly what pandas writes


def _pandas_csv(df: pd.DataFrame, **options) -> bytes:
    options = dict(options)
    encoding = options.pop("encoding", "utf-8")
    return outputs.escape_frame(df).to_csv(**options).encode(encoding)


def test_plain_csv_writer_matches_pandas_on_crafted_columns():
    df = pd.DataFrame({
        "text": pd.Series(["=1+1", "a,b", 'say "hi"', "", None, "＋12％", "line\nbreak", "'q", "-0.25", "ok"], dtype="str"),
        "obj": ["x", None, "", "@y", "z", "\t", "a", "b", "c", "d"],
        "n": pd.array([1, None, -3, 0, 10**14, 2, 3, 4, 5, 6], dtype="Int64"),
        "f": pd.array([0.73518, None, -0.0625, 68410.0, -0.0, 1e-9, 2.5, 3.0, 1 / 3, 0.1], dtype="Float64"),
        "b": [True, False] * 5,
        "i": list(range(10)),
        "g": [float("nan"), 1.5] * 5,
        "=formula header": ["x"] * 10,
    })
    assert outputs._plain_csv_text(df, {"index": False, "lineterminator": "\n", "float_format": outputs.format_float})
    assert csv_bytes(df, **outputs.CSV_OPTIONS) == _pandas_csv(df, **outputs.CSV_OPTIONS)
    empty = df.iloc[:0]
    assert csv_bytes(empty, **outputs.CSV_OPTIONS) == _pandas_csv(empty, **outputs.CSV_OPTIONS)
    one_empty = pd.DataFrame({"a": [""]})
    assert csv_bytes(one_empty, **outputs.CSV_OPTIONS) == _pandas_csv(one_empty, **outputs.CSV_OPTIONS) == b'\xef\xbb\xbfa\n""\n'


def test_plain_csv_writer_matches_pandas_on_the_clean_tables(two):
    for name, df in two.as_dict().items():  # the committed report and the synthetic next year
        assert outputs._plain_csv_text(df, {k: v for k, v in outputs.CSV_OPTIONS.items() if k != "encoding"}) is not None, name
        assert csv_bytes(df, **outputs.CSV_OPTIONS) == _pandas_csv(df, **outputs.CSV_OPTIONS), name


def test_plain_csv_writer_leaves_other_frames_to_pandas():
    options = {k: v for k, v in outputs.CSV_OPTIONS.items() if k != "encoding"}
    indexed = pd.DataFrame({"a": [1]}, index=pd.Index(["r"], name="report"))
    assert outputs._plain_csv_text(indexed, {**options, "index": True}) is None
    assert outputs._plain_csv_text(pd.DataFrame({"c": pd.Categorical(["x"])}), options) is None
    assert outputs._plain_csv_text(pd.DataFrame({"o": [pd.NA]}, dtype=object), options) is None
    assert outputs._plain_csv_text(pd.DataFrame({("a", "b"): [1]}), options) is None


def test_plain_csv_writer_refuses_a_carriage_return():
    with pytest.raises(OutputError, match="column a, row 2: the text holds a carriage return"):
        csv_bytes(pd.DataFrame({"a": ["ok", "x\ry"]}), **outputs.CSV_OPTIONS)
