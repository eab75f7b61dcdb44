"""Files built to hang, exhaust or crash a reader, generated on demand (the large ones are never committed):
the test suite ingests them beside good files, bench/bench_hostile.py measures time and memory on each."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path


def descendants(pid: int) -> set[int]:
    """The process ids below `pid` (children, grandchildren …), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def pss(pid: int) -> int:
    """A process's proportional set size in bytes (pages shared with forked processes counted once); 0 when
    it is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF with these numbered objects (1, 2, …), a correct cross-reference table and trailer."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def reference_cycle_pdf(path: Path) -> Path:
    """Under 1 KB: the page tree's object refers to an object that refers back to it (pdfminer's resolve1
    follows it forever)."""
    path.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"]))
    return path


def resource_cycle_pdf(path: Path) -> Path:
    """Under 1 KB: one page whose resources refer to an object that refers back (pdfminer loops reading the
    page, past any check of the page tree): only the reader's time limit stops it."""
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 4 0 R /Contents 6 0 R >>",
        b"5 0 R",
        b"4 0 R",
        b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (Hello hostile) Tj ET\nendstream",
    ]))
    return path


def many_pages_pdf(path: Path, pages: int = 200_000) -> Path:
    """A page tree of `pages` blank pages, each its own object (about 20 MB at 200,000)."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    path.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids),
        *(page for _ in range(pages)),
    ]))
    return path


def nested_html(path: Path, depth: int = 100_000) -> Path:
    """About 1 MB of divs inside divs."""
    path.write_text("<html><body>" + "<div>a " * depth + "</div>" * depth + "</body></html>", encoding="utf-8")
    return path


def _zip(entries: list[tuple[bytes, bytes, int, int]]) -> bytes:
    """A ZIP of deflated entries (name, compressed data, CRC-32, uncompressed size as claimed)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0))
        out.write(name + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                  len(name), 0, 0, 0, 0, 0, offset))
        central.write(name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def _deflated(chunks) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join(compressor.compress(c) for c in chunks) + compressor.flush()


def lying_zip_bomb_docx(path: Path, inflated_mb: int = 2048) -> Path:
    """A DOCX whose document part claims 1 KB in the ZIP directory and inflates to `inflated_mb` (about
    2 MB on disk): a reader trusting the claimed sizes inflates gigabytes before the CRC check fails."""
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    megabyte = b"a" * (1 << 20)
    path.write_bytes(_zip([
        (b"[Content_Types].xml", _deflated([types]), zlib.crc32(types), len(types)),
        (b"word/document.xml", _deflated(megabyte for _ in range(inflated_mb)), 0, 1024),
    ]))
    return path
