"""SYNTHETIC hostile PDFs for the PDF reader's limits (issue 14 §5) and ``make bench``.

Each function returns the bytes of a small crafted PDF, written by hand (a minimal writer below:
objects, a cross-reference table, a trailer).  None is a report; each must end in one clear
refusal (exit code 2), fast.
"""

from __future__ import annotations

import zlib

PAGE = b"/Type /Page /Parent 2 0 R /MediaBox [0 0 842 595]"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, *, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 1)  # fast; the bomb still packs 500 MB into about 2 MB
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def one_page(content: bytes, *, page_extra: bytes = b"", resources: bytes = b"", more: list[bytes] = ()) -> bytes:
    """Catalog, page tree, one page drawing ``content`` (object 4), then ``more`` objects (5, 6, …)."""
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< " + PAGE + b" /Contents 4 0 R " + resources + page_extra + b" >>",
        stream(content),
        *more,
    ])


def tiny_rectangles(n: int = 100_000) -> bytes:
    """A page of ``n`` filled 1 × 1 pt rectangles (each its own path)."""
    return one_page(b"".join(b"%d %d 1 1 re f\n" % (k % 800, (k // 800) % 590) for k in range(n)))


def tiny_rectangles_one_path(n: int = 70_000) -> bytes:
    """``n`` tiny rectangles as sub-paths of one path, filled once (content just under 1 MB)."""
    return one_page(b"".join(b"%d %d 1 1 re\n" % (k % 800, (k // 800) % 590) for k in range(n)) + b"f\n")


def deep_nesting(depth: int = 100_000) -> bytes:
    """An array nested ``depth`` levels deep in the page dictionary (and an empty page otherwise)."""
    return one_page(b"", page_extra=b" /Nest " + b"[" * depth + b"]" * depth)


def deep_page_tree(depth: int = 5_000) -> bytes:
    """A page tree ``depth`` levels deep, with one page at the bottom."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for k in range(depth):
        me = k + 2
        parent = b" /Parent %d 0 R" % (me - 1) if k else b""
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (me + 1, parent))
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 842 595] >>" % (depth + 1))
    return pdf(objs)


def many_pages(n: int = 60_000, *, declared: int | None = None) -> bytes:
    """``n`` empty pages; the page tree declares ``declared`` (default: ``n``) as its /Count."""
    kids = b" ".join(b"%d 0 R" % (k + 3) for k in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % (n if declared is None else declared)]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>"] * n
    return pdf(objs)


def compression_bomb(megabytes: int = 500) -> bytes:
    """A page whose content stream inflates to ``megabytes`` MB of blanks (500 MB pack into about 2 MB)."""
    return one_page(b"0 0 1 1 re f\n" + b" " * (megabytes * 1_000_000))


def form_fan_out(levels: int = 9, fan: int = 8) -> bytes:
    """Forms that each draw the next form ``fan`` times, ``levels`` deep (``fan ** levels`` drawings)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< " + PAGE + b" /Contents 4 0 R /Resources << /XObject << /F 5 0 R >> >> >>",
        stream(b"/F Do"),
    ]
    for level in range(levels):
        me = 5 + level
        if level < levels - 1:
            body = b"/F Do " * fan
            res = b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /F %d 0 R >> >>" % (me + 1)
        else:
            body, res = b"0 0 1 1 re f", b" /Type /XObject /Subtype /Form /BBox [0 0 10 10]"
        objs.append(stream(body, extra=res, compress=False))
    return pdf(objs)


def text_without_unicode() -> bytes:
    """A page of text in a composite font that says nothing about Unicode (no ToUnicode, no font file)."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /NoSuchFont /Encoding /Identity-H "
            b"/DescendantFonts [6 0 R] >>")
    cid = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoSuchFont "
           b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>")
    desc = b"<< /Type /FontDescriptor /FontName /NoSuchFont /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    return one_page(b"BT /F1 10 Tf 50 500 Td <0102030405> Tj ET",
                    resources=b"/Resources << /Font << /F1 5 0 R >> >>", more=[font, cid, desc])


def not_a_pdf_body() -> bytes:
    """A PDF header and end marker around bytes that are no PDF objects at all."""
    return b"%PDF-1.7\n" + b"this is not a PDF body, just text\n" * 200 + b"%%EOF\n"


def object_stream_bomb(megabytes: int = 400, *, where: str = "objects") -> bytes:
    """A PDF 1.5 whose catalog and page tree sit in a compressed object stream (``where="objects"``) or whose
    cross-reference stream (``where="xref"``) unpacks to ``megabytes`` MB: pdfminer unpacks both while it
    opens the file, before any page is read (400 MB pack into about 400 KB)."""
    import struct

    catalog, pages = b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    index = b"1 0 2 %d " % (len(catalog) + 1)
    body = index + catalog + b" " + pages
    pad = megabytes * 1_000_000 if where == "objects" else 0
    packed = zlib.compress(body + b" " * max(0, pad - len(body)), 9)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    off3 = len(out)
    out += b"3 0 obj\n<< " + PAGE + b" >>\nendobj\n"
    off4 = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(index), len(packed)) + packed + b"\nendstream\nendobj\n")
    off5 = len(out)
    # type 0: free; 2: in object stream 4 at index k; 1: at a byte offset
    rows = [(0, 0, 65535), (2, 4, 0), (2, 4, 1), (1, off3, 0), (1, off4, 0), (1, off5, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    if where == "xref":  # the rows, then blanks past /Size: pdfminer unpacks all of it
        table += b"\0" * (megabytes * 1_000_000)
    table = zlib.compress(table, 9)
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(table) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % off5
    return bytes(out)


def lzw_pack(codes: list[int]) -> bytes:
    """LZW codes as PDF's LZWDecode packs them (most significant bit first; EarlyChange 1: the code width
    grows one code early, at 511, 1023, 2047)."""
    bits, nbits, out, width, next_code = 0, 0, bytearray(), 9, 258
    for code in codes:
        bits, nbits = (bits << width) | code, nbits + width
        while nbits >= 8:
            nbits -= 8
            out.append((bits >> nbits) & 0xFF)
        bits &= (1 << nbits) - 1
        if code == 256:
            width, next_code = 9, 258
            continue
        next_code += 1  # (counts the first code after a clear too, so the width grows at 511, 1023, 2047)
        if next_code >= (1 << width) and width < 12:
            width += 1
    if nbits:
        out.append((bits << (8 - nbits)) & 0xFF)
    return bytes(out)


def lzw_growing_runs(rounds: int = 1) -> bytes:
    """LZW data whose every code names the entry just made: the strings grow by one byte a code (a, aa,
    aaa, …), so about 5 KB per round unpack to about 7 MB of ``a``."""
    codes = []
    for _ in range(rounds):
        codes += [256, 97] + list(range(258, 4094))
    return lzw_pack(codes + [257])
