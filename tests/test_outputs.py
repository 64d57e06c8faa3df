"""helpers.outputs: the manifest rule, atomic files, the CSV-injection escape, safe messages.

All data here is synthetic (labelled as such); the end-to-end cases on the real report are in
test_cli.py, test_tables.py and test_excel.py.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import strategies as st

from helpers import outputs
from helpers.outputs import (
    LOCK_NAME,
    MANIFEST,
    EditedOutputError,
    InterruptedAfterWrite,
    OutputDir,
    OutputError,
    check_output_folder,
    csv_bytes,
    escape_csv_text,
    escape_frame,
    shown,
    unescape_csv_text,
    read_owned,
    release_edits,
    unescape_frame,
    verify_folder,
    write_file,
    write_file_atomic,
    write_output_folder,
)

from .conftest import two_tiers


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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing written beside the folder
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [LOCK_NAME, "a.csv", "b.csv", MANIFEST]  # no staging left


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


def test_staging_folder_of_a_dead_run_is_removed_under_the_lock(tmp_path):
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"1"}, out)
    stale = out / ".helpers-staging-999999999"  # a run killed while staging (it held the lock; we hold it now)
    stale.mkdir()
    (stale / "a.csv").write_bytes(b"partial")
    (out / ".a.csv.999999999.helpers-tmp").write_bytes(b"partial")
    write_output_folder({"a.csv": b"2"}, out)
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME, "a.csv", MANIFEST]


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
def test_ctrl_c_during_the_swap_completes_it_and_says_so(tmp_path, monkeypatch):
    """Issue 17: Ctrl-C just after (or during) the swap: the new tables are all there and the caller is told."""
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"old", "b.csv": b"old"}, out)
    real_replace, calls = os.replace, []

    def replace(src, dst, **kw):
        calls.append(dst)
        if len(calls) == 2:  # after the interim manifest and the first file: a real Ctrl-C arrives
            os.kill(os.getpid(), signal.SIGINT)
        return real_replace(src, dst, **kw)
    monkeypatch.setattr(outputs.os, "replace", replace)
    with pytest.raises(InterruptedAfterWrite):
        write_output_folder({"a.csv": b"new", "b.csv": b"new"}, out)
    assert (out / "a.csv").read_bytes() == b"new" and (out / "b.csv").read_bytes() == b"new"
    verify_folder(out)  # consistent: the final manifest is in place


def test_a_folder_left_mid_swap_is_refused_by_readers(tmp_path, monkeypatch):
    """kill -9 between two renames: the interim manifest says so; read_owned refuses the mix."""
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"old", "b.csv": b"old"}, out)
    real_replace, calls = os.replace, []

    class Killed(BaseException):
        pass

    def replace(src, dst, **kw):
        calls.append(dst)
        if len(calls) == 3:  # interim manifest and a.csv moved in; the process dies before b.csv
            raise Killed
        return real_replace(src, dst, **kw)
    monkeypatch.setattr(outputs.os, "replace", replace)
    with pytest.raises(Killed):
        write_output_folder({"a.csv": b"new", "b.csv": b"new"}, out)
    monkeypatch.undo()
    assert (out / "a.csv").read_bytes() == b"new" and (out / "b.csv").read_bytes() == b"old"
    with pytest.raises(OutputError, match="interrupted in the middle"):
        read_owned(out, ["a.csv", "b.csv"])
    write_output_folder({"a.csv": b"new", "b.csv": b"new"}, out)  # a rerun recognises both runs' files as its own
    assert read_owned(out, ["a.csv", "b.csv"]) == {"a.csv": b"new", "b.csv": b"new"}


def test_symlink_planted_at_a_new_out_before_the_folder_is_opened(tmp_path, monkeypatch):
    """Issue 17 race, deterministic: the link appears between the check and the first write."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "README.md").write_text("theirs")
    out = tmp_path / "out"
    real_init = OutputDir.__init__

    def plant_then_open(self, path, **kw):
        if Path(path) == out and not out.exists():
            out.symlink_to(victim)
        real_init(self, path, **kw)
    monkeypatch.setattr(OutputDir, "__init__", plant_then_open)
    with pytest.raises(OutputError, match="is a symlink"):
        write_output_folder({"README.md": b"ours"}, out)
    assert (victim / "README.md").read_text() == "theirs" and sorted(p.name for p in victim.iterdir()) == ["README.md"]


def test_folder_swapped_for_a_symlink_while_staging_is_refused_and_nothing_leaks(tmp_path, monkeypatch):
    """Issue 17 race, deterministic: after staging, --out is renamed and a symlink put in its place."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "README.md").write_text("theirs")
    out = tmp_path / "out"

    def swap(d):
        out.rename(tmp_path / "moved")
        out.symlink_to(victim)
    monkeypatch.setattr(outputs, "_after_staging", swap)
    with pytest.raises(OutputError, match="was replaced while the run was writing"):
        write_output_folder({"README.md": b"ours", "a.csv": b"1"}, out)
    assert sorted(p.name for p in victim.iterdir()) == ["README.md"] and (victim / "README.md").read_text() == "theirs"


def test_symlink_at_a_target_is_refused_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("theirs")
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"1"}, out)
    (out / "README.md").symlink_to(victim)
    with pytest.raises(OutputError, match="is a symlink"):
        write_output_folder({"a.csv": b"2", "README.md": b"ours"}, out, force=True)
    with pytest.raises(OutputError, match="is a symlink"):
        write_file(out / "README.md", b"ours", force=True)
    assert victim.read_text() == "theirs" and (out / "a.csv").read_bytes() == b"1"


def test_an_edited_table_stops_the_write_and_force_lists_it(tmp_path):
    """Issue 17: an analyst's notes saved into a table the manifest owns are never overwritten silently."""
    out = tmp_path / "out"
    write_output_folder({"initiatives.csv": b"v1", "b.csv": b"v1"}, out)
    (out / "initiatives.csv").write_bytes(b"v1 + my notes")
    with pytest.raises(EditedOutputError, match=r"out/initiatives.csv was changed since this tool wrote it"):
        check_output_folder(out, names=["initiatives.csv", "b.csv"])
    with pytest.raises(EditedOutputError):
        write_output_folder({"initiatives.csv": b"v2", "b.csv": b"v2"}, out)
    assert (out / "initiatives.csv").read_bytes() == b"v1 + my notes" and (out / "b.csv").read_bytes() == b"v1"
    done = write_output_folder({"initiatives.csv": b"v2", "b.csv": b"v2"}, out, force=True)
    assert done.overwritten == ["initiatives.csv"]
    assert (out / "initiatives.csv").read_bytes() == b"v2"


def test_force_lists_a_foreign_file_it_overwrites_and_keeps_others(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("the user's own")
    (out / "notes.txt").write_text("mine")
    done = write_output_folder({"README.md": b"ours", "a.csv": b"1"}, out, force=True)
    assert done.overwritten == ["README.md"]
    assert (out / "notes.txt").read_text() == "mine"


def test_readers_refuse_a_table_changed_since_it_was_written(tmp_path):
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"1"}, out)
    assert read_owned(out, ["a.csv", "missing.csv"]) == {"a.csv": b"1", "missing.csv": None}
    (out / "a.csv").write_bytes(b"1, edited")
    with pytest.raises(OutputError, match="changed since the tool wrote it"):
        read_owned(out, ["a.csv"])
    (out / "a.csv").write_bytes(b"1")
    (out / "x.csv").write_bytes(b"someone else's")
    with pytest.raises(OutputError, match="not written by this tool"):
        read_owned(out, ["x.csv"])


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    out = tmp_path / "out"
    write_output_folder({"a.csv": b"1"}, out)
    with OutputDir(out) as holder:
        holder.lock(wait=False)
        with pytest.raises(OutputError, match=r"another run \(process \d+\) is writing .*out right now"):
            write_output_folder({"a.csv": b"2"}, out)
        with pytest.raises(OutputError, match="being written by another run"):
            read_owned(out, ["a.csv"], wait=0.2)
    assert (out / "a.csv").read_bytes() == b"1"


def test_two_runs_into_one_new_folder_one_is_refused_truthfully(tmp_path):
    """Issue 17: two runs starting at once into a new folder (the second arrives while the first writes)."""
    out = tmp_path / "new"
    # the first run holds the folder until the test tells it to go on (a line on its stdin), not for a
    # fixed sleep: the second run is tried while the first is certainly still writing, and nobody waits longer
    code = (
        "import sys; from helpers.outputs import open_output_folder, write_output_folder\n"
        "d = open_output_folder(sys.argv[1]); print('locked', flush=True); sys.stdin.readline()\n"
        "write_output_folder({'a.csv': b'first'}, d)\n"
    )
    import subprocess
    import sys

    first = subprocess.Popen([sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert first.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match="another run .* is writing") as e:
            write_output_folder({"a.csv": b"second"}, out)
        assert "did not write" not in str(e.value)
    finally:
        first.stdin.write("go\n")
        first.stdin.close()
        assert first.wait(timeout=60) == 0
    assert (out / "a.csv").read_bytes() == b"first"


def test_write_file_replaces_only_its_file_and_records_it(tmp_path):
    (tmp_path / "other.txt").write_text("mine")
    target = tmp_path / "t.csv"
    write_file_atomic(target, b"1")
    write_file(target, b"2")
    assert target.read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME, MANIFEST, "other.txt", "t.csv"]
    assert json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"] == {"t.csv": outputs._sha256(b"2")}


def test_write_file_refuses_an_edited_file_names_it_and_force_overwrites(tmp_path, capsys):
    target = tmp_path / "t.csv"
    write_file(target, b"1")
    target.write_bytes(b"1 with my notes")
    with pytest.raises(EditedOutputError, match="t.csv was changed since this tool wrote it"):
        write_file(target, b"2")
    assert target.read_bytes() == b"1 with my notes"
    write_file(target, b"2", force=True)
    assert target.read_bytes() == b"2" and "overwrote" in capsys.readouterr().err


def test_write_file_refuses_a_file_it_did_not_write(tmp_path):
    (tmp_path / "README.md").write_text("theirs")
    with pytest.raises(OutputError, match="was not written by this tool"):
        write_file(tmp_path / "README.md", b"ours")
    assert (tmp_path / "README.md").read_text() == "theirs"
    write_file(tmp_path / "README.md", b"theirs")  # the same bytes: nothing can be lost
    write_file(tmp_path / "README.md", b"ours")


def test_write_file_removes_a_dead_writers_temp(tmp_path):
    stale = tmp_path / ".t.csv.999999999.helpers-tmp"  # no such PID; we hold the lock, so its writer is gone
    stale.write_bytes(b"partial")
    write_file(tmp_path / "t.csv", b"1")
    assert not stale.exists()


def test_release_accepts_edits_for_a_forced_rerun(tmp_path, capsys):
    target = tmp_path / "tables" / "t.csv"
    write_file(target, b"1")
    target.write_bytes(b"edited")
    assert release_edits([tmp_path]) == [target]
    assert "will overwrite" in capsys.readouterr().err
    write_file(target, b"2")
    assert target.read_bytes() == b"2"


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


def test_joined_rows_match_the_csv_module():
    """_joined_csv writes what csv.writer (QUOTE_MINIMAL) writes: commas, quotes, spaces, empty fields,
    dangerous first characters, NUL; and leaves rows with line breaks (and one-field rows) to it."""
    import csv
    import io
    import random

    pieces = ["", "a", ",", '"', " ", "x,y", 'say "hi"', "=1", "\x00", "全角，", "'", "\u3000", ";"]
    rng = random.Random(16)
    for eol in ("\n", "\r\n"):
        for _ in range(300):
            ncol, nrow = rng.randint(2, 5), rng.randint(0, 4)
            header = ["".join(rng.choices(pieces, k=rng.randint(1, 3))) for _ in range(ncol)]
            columns = [["".join(rng.choices(pieces, k=rng.randint(0, 3))) for _ in range(nrow)] for _ in range(ncol)]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header)
            writer.writerows(zip(*columns))
            assert outputs._joined_csv(header, columns, eol) == buffer.getvalue()
    assert outputs._joined_csv(["a", "b"], [["x\ny"], ["z"]], "\n") is None
    assert outputs._joined_csv(["a"], [[""]], "\n") is None


def _plain_csv_writer_matches_pandas_on_any_text(rows):
    """Issue 16 §2: the dangerous first characters found by one regex scan of the joined column, and
    that joined text reused for the quoting test: the same bytes as pandas (escape_frame + to_csv)."""
    df = pd.DataFrame({"a": pd.Series([a for a, _ in rows], dtype="str"), "b": [b for _, b in rows]})
    assert csv_bytes(df, **outputs.CSV_OPTIONS) == _pandas_csv(df, **outputs.CSV_OPTIONS)


# 20 examples in make test, 80 in make test-e2e (tests/conftest.py two_tiers)
test_plain_csv_writer_matches_pandas_on_any_text, test_plain_csv_writer_matches_pandas_on_any_text_many_examples = two_tiers(
    _plain_csv_writer_matches_pandas_on_any_text,
    st.lists(st.tuples(st.one_of(st.none(), st.text(alphabet="=+-@\t\n＝＋－＠'a,\" \x00あ", max_size=4)),
                       st.text(alphabet="=-'b,\"\x00", max_size=3)), min_size=1, max_size=8),
    fast=20, full=80, deadline=None)


def test_integer_fields_around_the_table_of_texts_match_pandas():
    """Integers are written through a table of their texts up to 65,535; beyond, negative and missing
    values as before: the bytes pandas writes either way."""
    values = [0, 1, 9, 10, 65_534, 65_535, 65_536, 70_000, 2**40]
    for ints in (values, values + [-1], values[:6]):
        df = pd.DataFrame({"a": pd.array(ints, dtype="Int64"), "b": pd.array(ints, dtype="int64"),
                           "c": pd.array(ints + [None], dtype="Int64")[:-1]})
        assert csv_bytes(df, **outputs.CSV_OPTIONS) == _pandas_csv(df, **outputs.CSV_OPTIONS)
    with_na = pd.DataFrame({"a": pd.array([3, None, 70_000], dtype="Int64"), "b": ["x", None, "z"]})
    assert csv_bytes(with_na, **outputs.CSV_OPTIONS) == _pandas_csv(with_na, **outputs.CSV_OPTIONS) == "\ufeffa,b\n3,x\n,\n70000,z\n".encode()
