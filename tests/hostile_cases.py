"""Variants of the committed report for the hardening tests and ``make bench`` (issue 7 §3 §4).

Every variant is built from ``data/raw/*.txt`` at run time (synthetic data stays in tests/).
Line numbers below are those of the committed report (read with ``cat -n``):

* 1–5 the first column header, 7 the objective heading （１）…,
* 9 the initiative 多様な手法による子育て情報の発信, 10–11 its summary ending in 。,
  13 the department 健康福祉課, 15–22 / 24–29 / 31–36 its three period cells, 38 its grade A,
  39–40 its comment; 42–43 the next row's initiative.
* 204 a grade legend line (〔評価の指標〕 Ａ．目標を達成 …).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]


def raw_lines() -> list[str]:
    lines = RAW.read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines  # as cat -n counts them


def join(lines: list[str], eol: str = "\n") -> bytes:
    return (eol.join(lines) + eol).encode("utf-8")


def header_lines(lines: list[str]) -> list[int]:
    """0-based indices of the column header lines that start a page."""
    return [i for i, t in enumerate(lines) if t.strip(" ").startswith("目標 具体的な取り組み・事業")]


def with_line(lines: list[str], no: int, text: str) -> list[str]:
    """Replace 1-based line ``no``."""
    out = list(lines)
    out[no - 1] = text
    return out


# ---------------------------------------------------------------- honest dumps (§3)
def pdftotext_form_feeds() -> bytes:
    """pdftotext: each page after the first starts with a form feed; the file ends with one."""
    lines = raw_lines()
    for i in header_lines(lines)[1:]:
        lines[i] = "\f" + lines[i]
    return join(lines)[:-1] + b"\n\f"


def form_feed_before_header() -> bytes:
    """A form feed at the start of the line before each page's header (a blank line or a footer)."""
    lines = raw_lines()
    for i in header_lines(lines)[1:]:
        lines[i - 1] = "\f" + lines[i - 1]
    return join(lines)


def odd_blanks(fill: str) -> bytes:
    """Every blank line holds ``fill`` (U+3000, NBSP, spaces, tabs, zero-width spaces…)."""
    return join([fill if t == "" else t for t in raw_lines()])


def trailing_spaces_crlf() -> bytes:
    return join([t + "  " if t else t for t in raw_lines()], eol="\r\n")


DEPARTMENT_VARIANTS = {
    "bom": "\ufeff健康福祉課",
    "zero_width": "健康\u200b福祉課",
    "trailing_zero_width": "健康福祉課\u200b",
}


def department_variant(kind: str) -> bytes:
    """Line 13 (the first row's department 健康福祉課) printed with an invisible character."""
    return join(with_line(raw_lines(), 13, DEPARTMENT_VARIANTS[kind]))


def halfwidth_kana_department() -> tuple[bytes, list[int]]:
    """Every department line 地域包括支援センター printed in half-width kana (地域包括支援ｾﾝﾀｰ).

    Returns the bytes and the 1-based numbers of the changed lines.
    """
    lines = raw_lines()
    changed = [i + 1 for i, t in enumerate(lines) if t == "地域包括支援センター"]
    for no in changed:
        lines[no - 1] = "地域包括支援ｾﾝﾀｰ"
    return join(lines), changed


def blank_after_comment(fill: str = "\u3000") -> bytes:
    """Only line 41, the blank line between row 1's comment (39–40) and row 2's initiative (42), holds ``fill``."""
    return join(with_line(raw_lines(), 41, fill))


CONTROL_CHARACTERS = {
    "form_feed_inside": "\f",
    "esc": "\x1b[31m",
    "u2028": "\u2028",
    "u0085": "\u0085",
    "nul": "\x00",
}


def control_in_cell(kind: str, line: int = 1284) -> bytes:
    """A control character inside a comment line near the end (NUL lands after the first 8 KiB)."""
    lines = raw_lines()
    t = lines[line - 1]
    lines[line - 1] = t[:3] + CONTROL_CHARACTERS[kind] + t[3:]
    return join(lines)


# ---------------------------------------------------------------- hostile input (§4)
def digits_in_period_cell(n: int = 20_000) -> bytes:
    """A run of ``n`` digits in the first period cell (line 17: 1歳歯科健診　9回)."""
    return join(with_line(raw_lines(), 17, "1歳歯科健診　" + "1" * n))


def many_era_dates(n: int = 20_000) -> bytes:
    """``a.1回`` repeated ``n`` times on one period-cell line."""
    return join(with_line(raw_lines(), 17, "a.1回" * n))


def spaces_in_legend(n: int = 50_000) -> bytes:
    """``n`` U+3000 inside the first legend item (line 204)."""
    lines = raw_lines()
    t = lines[203]
    at = t.index("Ａ．") + 2
    lines[203] = t[:at] + "\u3000" * n + t[at:]
    return join(lines)


def short_lines_after_summary(n: int = 150_000) -> bytes:
    """``n`` one-character lines right after the first summary's 。 (line 11)."""
    lines = raw_lines()
    return join(lines[:11] + ["あ"] * n + lines[11:])


def _labels(n: int, offset: int = 0) -> list[str]:
    """``n`` distinct labelled amounts, one a line (CJK labels of two characters)."""
    return [f"項目{chr(0x4E00 + offset + k)}{chr(0x5E00 + k % 97)}　{k + 1}回" for k in range(n)]


def labelled_amounts(n: int = 1_000) -> bytes:
    """The first period cell (after line 17) continued by ``n`` lines of one labelled amount each."""
    lines = raw_lines()
    return join(lines[:17] + _labels(n) + lines[17:])


def labelled_amounts_each_period(n: int = 25) -> bytes:
    """Each of the first row's three period cells continued by ``n`` labelled amounts (pairing at its cap)."""
    lines = raw_lines()
    return join(lines[:17] + _labels(n) + lines[17:25] + _labels(n, 7) + lines[25:32] + _labels(n, 13) + lines[32:])


def huge_number(n: int = 5_000) -> bytes:
    """An amount with ``n`` digits (line 17)."""
    return join(with_line(raw_lines(), 17, "1歳歯科健診　" + "9" * n + "回"))


def huge_decimal(n: int = 400) -> bytes:
    """A decimal amount beyond float range (line 17)."""
    return join(with_line(raw_lines(), 17, "1歳歯科健診　" + "9" * n + ".5回"))


def concatenated_twice() -> bytes:
    return join(raw_lines() * 2)


def big_dump(megabytes: int = 50) -> bytes:
    """The report repeated to about ``megabytes`` MB."""
    one = join(raw_lines())
    return one * max(1, megabytes * 1_000_000 // len(one))


def truncated(at_line: int) -> bytes:
    """The report cut after line ``at_line``."""
    return join(raw_lines()[:at_line])
