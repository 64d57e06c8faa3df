"""helpers.read.files: the one reader of every input file (issue 17 §4). All inputs here are SYNTHETIC."""

from __future__ import annotations

import json
import os
import time

import pytest

from helpers.read.extract import ReportError
from helpers.read.files import (MAX_JSON_DEPTH, check_file_name, check_value, decode_utf8, load_json, read_csv_rows,
                                read_input)


@pytest.mark.parametrize("name", ["r\t2022.txt", "r\n2022.txt", "r\x1b[2J.txt", "r\u2028.txt", "r\u202e.txt", "r\x7f.txt",
                                  "r\x85.txt"])
def test_every_control_character_in_a_file_name_is_refused(name):
    with pytest.raises(ReportError, match=r"the file name holds the control character U\+"):
        check_file_name(f"data/raw/{name}")


def test_an_undecodable_byte_in_a_file_name_is_refused_with_one_message():
    name = os.fsdecode(b"r\xff_2022.txt")  # as the file system hands it to Python (surrogate escape)
    with pytest.raises(ReportError, match=r"the file name is not valid UTF-8 \(the byte 0xFF at position 2\)") as e:
        check_file_name(name)
    str(e.value).encode("utf-8")  # the message itself can be printed


@pytest.mark.parametrize("name", ["x`touch${IFS}PWNED`_2022.txt", "ward b_2021.txt", "a;b&c|d$(e)'f\"_2021.txt", "南区_2021.txt"])
def test_shell_metacharacters_and_spaces_are_plain_text(name):
    check_file_name(name)


def test_regular_files_only_and_the_cap_before_reading(tmp_path):
    fifo = tmp_path / "s.meta.json"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(ReportError, match="is a FIFO"):
        read_input(fifo, limit=100, what="sidecar")
    assert time.perf_counter() - start < 1  # never waits for a writer
    link = tmp_path / "z.meta.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(ReportError, match="is a character device"):
        read_input(link, limit=100, what="sidecar")
    big = tmp_path / "big.meta.json"
    with open(big, "wb") as f:
        f.truncate(200_000_000)  # sparse: 200 MB by its size, nothing read
    with pytest.raises(ReportError, match="has 200,000,000 bytes, more than the limit of 100"):
        read_input(big, limit=100, what="sidecar")
    with pytest.raises(ReportError, match="cannot read"):
        read_input(tmp_path / "missing", limit=100)


def test_utf8_strict_with_line_and_column(tmp_path):
    assert decode_utf8(b"\xef\xbb\xbfa\r\nb", "x") == "a\nb"
    with pytest.raises(ReportError, match=r"x:2: the file is not UTF-8: byte 0x93 at column 3"):
        decode_utf8("a\nbc".encode() + "南".encode("cp932"), "x")  # 南 in CP932 is 93 EC


def test_json_nesting_numbers_and_constants_are_bounded():
    start = time.perf_counter()
    with pytest.raises(ReportError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
        load_json("[" * 100_000 + "]" * 100_000, "s.meta.json")
    with pytest.raises(ReportError, match="the number at column 7 has more than 30 characters"):
        load_json('{"a": ' + "9" * 5000 + "}", "s.meta.json")
    assert time.perf_counter() - start < 1
    with pytest.raises(ReportError, match="NaN is not a number JSON allows"):
        load_json('{"a": NaN}', "s.meta.json")
    # "x" is not a key: every Python names line 2, column 2. (A trailing comma is placed at the
    # comma by 3.13 and at the brace by 3.11/3.12, so it cannot pin the line across versions.)
    with pytest.raises(ReportError, match=r"s.meta.json:2: the sidecar is not valid JSON: .*\(column 2\)"):
        load_json('{"a": 1,\n x}', "s.meta.json", what="sidecar")
    with pytest.raises(ReportError, match=r"s.meta.json:[12]: the sidecar is not valid JSON"):
        load_json('{"a": 1,\n}', "s.meta.json", what="sidecar")
    assert load_json('{"a": [1, 2.5, {"b": "c"}], "d": -1e3}', "s.meta.json") == {"a": [1, 2.5, {"b": "c"}], "d": -1e3}


@pytest.mark.parametrize(("text", "where"), [
    ('{"municipality": "新潟市\x1b[2J南区"}', r":1: control character U\+001B at column 22"),
    ('{\n "plan_name": "南区\u2028計画"}', r":2: control character U\+2028 at column 18"),
    ('{"series": "a\\u001bb"}', r":1: a text value holds the control character U\+001B \(escaped at column 14\)"),
    ('{"series": "a\\nb"}', r":1: a text value holds the control character U\+000A"),
    ('{"series": "a\\u2028b"}', r":1: a text value holds the control character U\+2028"),
    ('{"series": "a\\tb"}', r":1: a text value holds the control character U\+0009"),
])
def test_control_characters_in_json_values_are_refused_with_line_and_column(text, where):
    with pytest.raises(ReportError, match="s.meta.json" + where):
        load_json(text, "s.meta.json")


def test_escaped_backslash_is_not_an_escape():
    assert load_json(json.dumps({"a": "C:\\new"}), "s.meta.json") == {"a": "C:\\new"}


def test_json_strings_are_length_capped():
    with pytest.raises(ReportError, match="longer than 2,000 characters"):
        load_json(json.dumps({"note": "あ" * 200_000}), "s.meta.json")


def test_csv_rows_fields_capped_and_checked():
    header, rows = read_csv_rows("a,b\n1, x \n", "o.csv")
    assert header == ["a", "b"] and rows == [(2, {"a": "1", "b": "x"})]
    with pytest.raises(ReportError, match=r"o.csv:2: line of 200,002 characters"):
        read_csv_rows("a,note\n1," + "x" * 200_000 + "\n", "o.csv")
    with pytest.raises(ReportError, match=r"o.csv:2: column 2 \(note\) has 3,000 characters"):
        read_csv_rows("a,note\n1," + "x" * 3_000 + "\n", "o.csv")
    with pytest.raises(ReportError, match=r"o.csv:2: control character U\+001B at column 4"):
        read_csv_rows("a,b\n1,x\x1b[2J\n", "o.csv")
    with pytest.raises(ReportError, match=r"o.csv:2: column 2 \(b\) holds the control character U\+000A"):
        read_csv_rows('a,b\n1,"x\ny"\n', "o.csv")


def test_check_value():
    assert check_value("南区", "x") == "南区"
    with pytest.raises(ReportError, match="holds the control character U\\+0009 at position 2"):
        check_value("a\tb", "x")
