"""The command line: accounting, exit codes, clear messages, and an --out folder never half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "helpers", *args], capture_output=True, text=True, env=env)


def test_clean_places_every_line(raw_path, tmp_path):
    out = tmp_path / "clean"
    r = run("clean", str(raw_path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "1300 lines read = 360 blank + 102 boilerplate + 838 placed + 0 unplaced; 56 table rows" in r.stdout
    assert "+ 0 left over" in r.stdout  # every digit of the period cells is an amount or a name/date
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md", "data_dictionary.csv", "departments.csv", "grade_legend.csv", "initiatives.csv",
        "links.csv", "metrics.csv", "reports.csv", "series.csv", "source_lines.csv", "trends.csv"]


def test_blank_and_boilerplate_counts_match_the_text(raw_path):
    # independent count straight off the file: blank lines, and the furniture lines
    lines = raw_path.read_text(encoding="utf-8").split("\n")[:1300]
    blank = sum(1 for t in lines if not t.strip())
    furniture = sum(
        1 for t in lines
        if t.strip().startswith(("目標 具体的な", "評価 コメント", "2021年度実績", "（見込み）", "〔評価の指標〕", "　〔評価の指標〕",
                                 "基本目標 ", "分野別計画 ", "（１）", "（２）", "（３）", "（４）"))
    )
    assert (blank, furniture) == (360, 102)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.fixture()
def existing_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run")
    return out


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt: the file is binary"),
        ("memo.txt", "新潟市南区\n議事メモ\n".encode(), "memo.txt: no evaluation table"),
    ],
)
def test_bad_input_exit_2_without_traceback(tmp_path, existing_out, name, data, expected):
    path = write(tmp_path, name, data)
    r = run("clean", str(path), "--out", str(existing_out))
    assert r.returncode == 2
    assert expected in r.stderr
    assert "Traceback" not in r.stderr
    assert [p.name for p in existing_out.iterdir()] == ["keep.txt"]


def test_truncated_report_names_file_and_line(raw_path, tmp_path, existing_out):
    lines = raw_path.read_bytes().split(b"\n")
    cut = write(tmp_path, "cut.txt", b"\n".join(lines[:1280]) + b"\n")  # the row at 1264 loses its grade (1281)
    r = run("clean", str(cut), "--out", str(existing_out))
    assert r.returncode == 2
    assert f"{cut}:1264: the table row starting here has no grade" in r.stderr
    assert "Traceback" not in r.stderr
    assert [p.name for p in existing_out.iterdir()] == ["keep.txt"]


def test_unplaced_lines_exit_1_and_are_listed(raw_path, tmp_path, existing_out):
    data = "表紙のメモ\n".encode() + raw_path.read_bytes()
    path = write(tmp_path, "with_note.txt", data)
    r = run("clean", str(path), "--out", str(existing_out))
    assert r.returncode == 1
    assert "unplaced: with_note:1: 表紙のメモ" in r.stderr
    assert "+ 1 unplaced" in r.stdout
    assert [p.name for p in existing_out.iterdir()] == ["keep.txt"]


def test_forced_wrong_encoding_is_a_clear_error(raw_path, tmp_path):
    sjis = write(tmp_path, "sjis.txt", "\n".join(raw_path.read_text(encoding="utf-8").split("\n")[:212]).encode("cp932"))
    r = run("clean", str(sjis), "--out", str(tmp_path / "o"), "--encoding", "utf-8")
    assert r.returncode == 2 and "cannot decode the file as utf-8" in r.stderr
    assert main(["clean", str(sjis), "--out", str(tmp_path / "o"), "--encoding", "cp932", "-q"]) == 0


def test_success_replaces_the_out_folder_whole(raw_path, existing_out):
    assert main(["clean", str(raw_path), "--out", str(existing_out), "-q"]) == 0
    assert "keep.txt" not in [p.name for p in existing_out.iterdir()]
    assert not [p for p in existing_out.parent.iterdir() if p.name.startswith(".out.")]
