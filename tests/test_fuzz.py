"""Fuzzing of the extractors (issue 17): small valid files (a Word document, PDFs, a web page, text files) are
mutated by hypothesis, and every mutant must end in practices or in a refusal that says why (an
`ExtractionError` with a message), within the time limit: never another exception, never a hang.

The mutations reach past each format's first check: a DOCX is unzipped, one of its XML parts changed (bytes,
elements cut or repeated, fragments and attribute values a parser may choke on) and zipped again, so that
the fuzzing reaches the XML parser and python-docx, not only the ZIP's CRC check; a PDF has its numbers,
references and names changed besides its bytes; a web page gets random nesting, tags, entities and
charsets; a text file random text, bytes and encodings.

Files are read in this process by the worker's own reading step (ingest/worker.py `_read`, under its alarm),
without its process. A file costs 10-100 ms here,
against 0.3-0.7 s through a worker (a fork each, the readers' libraries imported again), so the suite tries
ten times more inputs; `bench/bench_fuzz.py` runs longer, through the real workers. Runs are derandomized:
the same inputs every run, in CI too.
"""
from __future__ import annotations

import re
import signal
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import deadline
from ingest.blocks import ExtractionError
from ingest.worker import Job, _read, _time_limit_message
from kb.config import Settings
from kb.models import Practice

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
READ_SECONDS = 10.0  # a small file that takes longer is a reader stuck in a loop: the property fails

TEXT_SEEDS = (CORPUS / "walbrzych-lokal-na-start.txt", CORPUS / "poltava-hromadskyi-biudzhet.txt")
HTML_SEED = REPO / "bench" / "ingest-set" / "docs" / "milan-piazze-aperte-news.html"
DOCX_SEED = CORPUS / "zyrardow-mieszkanie-za-remont.docx"
PDF_SEED = CORPUS / "ghent-school-streets.pdf"


# -- reading one input ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Outcome:
    """How reading one file ended: "practices", "refused" (an ExtractionError, or a limit the worker
    refuses in words of its own), "time limit" (the alarm had to stop the reader) or "crash" (any other
    exception escaped the reader: the worker's "unexpected error" reason)."""

    kind: str
    detail: str
    seconds: float


def read_one(path: Path, config: Settings) -> Outcome:
    """Read one file with the worker's own reading step (ingest/worker.py `_read`), in this process: it turns
    every outcome into practices or a reason, and says which reasons are a time limit or a reader's bug."""
    previous = signal.getsignal(signal.SIGALRM)
    deadline.install()
    started = time.perf_counter()
    try:
        result = _read(Job(path, config, "fuzz"))
    finally:
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - started
    if isinstance(result, ExtractionError):
        reason = str(result)
        if reason == _time_limit_message(config):
            return Outcome("time limit", reason, seconds)
        return Outcome("crash" if reason.startswith("unexpected error") else "refused", reason, seconds)
    if not all(isinstance(p, Practice) for p in result.practices):
        return Outcome("crash", f"not a list of practices: {result.practices!r:.200}", seconds)
    return Outcome("practices", f"{len(result.practices)} practices", seconds)


def assert_result_or_refusal(outcome: Outcome) -> None:
    """The property: practices, or a refusal that says why."""
    assert outcome.kind in ("practices", "refused"), f"{outcome.kind}:\n{outcome.detail}"
    assert outcome.kind == "practices" or outcome.detail.strip(), "a refusal without a reason"


# -- byte mutations (any format) ------------------------------------------------------------------
Draw = Callable[[st.SearchStrategy], object]
_INTERESTING_BYTES = (0x00, 0xFF, 0x7F, 0x80, 0x0A, 0x0D, 0x3C, 0x3E, 0x26, 0x22, 0x25, 0x2F, 0x5C, 0xC3, 0xEF)


def _flip(draw: Draw, data: bytearray) -> bytearray:
    if data:
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= 1 << draw(st.integers(0, 7))
    return data


def _set_byte(draw: Draw, data: bytearray) -> bytearray:
    if data:
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.sampled_from(_INTERESTING_BYTES) | st.integers(0, 255))
    return data


def _truncate(draw: Draw, data: bytearray) -> bytearray:
    return data[:draw(st.integers(0, len(data)))]


def _insert(draw: Draw, data: bytearray) -> bytearray:
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]


def _duplicate(draw: Draw, data: bytearray) -> bytearray:
    """A chunk of the file repeated somewhere in it, up to 8 times."""
    start = draw(st.integers(0, len(data)))
    chunk = data[start:start + draw(st.integers(1, 4096))]
    at = draw(st.integers(0, len(data)))
    return data[:at] + chunk * draw(st.integers(1, 8)) + data[at:]


def _delete(draw: Draw, data: bytearray) -> bytearray:
    start = draw(st.integers(0, len(data)))
    return data[:start] + data[start + draw(st.integers(1, 4096)):]


BYTE_OPERATIONS = (_flip, _set_byte, _truncate, _insert, _duplicate, _delete)


def _mutate(draw: Draw, data: bytes, operations: tuple, most: int) -> bytes:
    """`data` changed by 1 to `most` operations drawn from `operations`."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, most))):
        out = bytearray(draw(st.sampled_from(operations))(draw, out))
    return bytes(out)


# -- structure-aware mutations (XML, PDF) -----------------------------------------------------------------
_TOKEN_VALUES = ("", "0", "-1", "1", "9", "10", "99", "2147483647", "4294967296", "99999999999999999999", "1e400",
                 "NaN", "-0", "1.5", "\u00b2", "\u0663", "\uff10", "true", "x" * 300, "Heading1", "Title", "&amp;")


def _between_tags(draw: Draw, data: bytearray) -> tuple[int, int]:
    """Two positions of '<' in the data, in order (a run of elements, or part of one)."""
    marks = [m.start() for m in re.finditer(rb"<", data)] or [0]
    first, second = sorted((draw(st.sampled_from(marks)), draw(st.sampled_from(marks))))
    return first, second


def _repeat_elements(draw: Draw, data: bytearray) -> bytearray:
    first, second = _between_tags(draw, data)
    return data[:second] + data[first:second] * draw(st.integers(1, 50)) + data[second:]


def _cut_elements(draw: Draw, data: bytearray) -> bytearray:
    first, second = _between_tags(draw, data)
    return data[:first] + data[second:]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_XML_FRAGMENTS = (
    b"<w:p><w:r><w:t>Ogr\xc3\xb3d spo\xc5\x82eczny</w:t></w:r></w:p>",
    b"<w:p><w:pPr><w:outlineLvl w:val=\"\xc2\xb2\"/></w:pPr><w:r><w:t>Poziom</w:t></w:r></w:p>",
    b"<w:p><w:pPr><w:pStyle w:val=\"NoSuchStyle\"/><w:numPr><w:numId w:val=\"999\"/></w:numPr></w:pPr></w:p>",
    b"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"5\"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>",
    b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr><w:tr/></w:tbl>",
    b"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p/></w:sdtContent></w:sdt>",
    b"<w:customXml><w:customXml><w:p><w:r><w:t>x</w:t></w:r></w:p></w:customXml></w:customXml>",
    b"<w:p><w:r><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:r></w:p>",
    b"<w:hyperlink>" * 300 + b"<w:r><w:t>deep</w:t></w:r>" + b"</w:hyperlink>" * 300,
    b"<w:t>&#0;&#xFFFE;&#1114112;&undefined;&amp;&lt;</w:t>",
    b"<![CDATA[<w:p>]]>", b"<?pi data?>", b"<!-- a comment -->", b"</w:body>", b"<w:body>", b"\xef\xbb\xbf",
    b"<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    b"<unknown:tag xmlns:unknown=\"urn:x\"/>", b"<w:p " + _W.encode() + b"/>",
)


def _insert_fragment(draw: Draw, data: bytearray) -> bytearray:
    first, _second = _between_tags(draw, data)
    return data[:first] + draw(st.sampled_from(_XML_FRAGMENTS)) + data[first:]


def _attribute_value(draw: Draw, data: bytearray) -> bytearray:
    """One attribute's value replaced by a value a reader may not expect (huge, negative, a superscript digit)."""
    values = [m.span(1) for m in re.finditer(rb'[\w:]+="([^"]*)"', data)]
    if not values:
        return data
    start, end = draw(st.sampled_from(values))
    return data[:start] + draw(st.sampled_from(_TOKEN_VALUES)).encode() + data[end:]


_WORD_TAGS = ("p", "r", "t", "tbl", "tr", "tc", "tcPr", "gridSpan", "vMerge", "tblGrid", "gridCol", "pPr", "pStyle",
              "numPr", "numId", "ilvl", "outlineLvl", "sdt", "sdtContent", "txbxContent", "hyperlink", "ins", "del",
              "rPr", "b", "style", "name", "basedOn", "body", "customXml", "smartTag", "fldSimple", "br", "tab")
_WORD_ATTRIBUTES = ("val", "styleId", "type", "default", "id", "customStyle")


def _element_edit(draw: Draw, data: bytearray) -> bytearray:
    """One element of the part repeated, removed, copied into another, nested in itself, given a child, an
    attribute value or a text: the XML stays well-formed, so the change reaches python-docx and our reader
    past the XML parser."""
    from copy import deepcopy

    from lxml import etree

    try:
        root = etree.fromstring(bytes(data), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return data
    elements = list(root.iter())
    element = draw(st.sampled_from(elements))
    parent = element.getparent()
    action = draw(st.sampled_from(("repeat", "remove", "copy", "nest", "child", "attribute", "bare", "text")))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        if action == "repeat" and parent is not None:
            for _ in range(draw(st.integers(1, 50))):
                parent.insert(parent.index(element), deepcopy(element))
        elif action == "remove" and parent is not None:
            parent.remove(element)
        elif action == "copy":
            draw(st.sampled_from(elements)).append(deepcopy(element))
        elif action == "nest" and parent is not None:
            outer = inner = etree.Element(element.tag if draw(st.booleans()) else w + draw(st.sampled_from(_WORD_TAGS)))
            for _ in range(draw(st.integers(0, 300))):
                inner = etree.SubElement(inner, outer.tag)
            parent.replace(element, outer)
            inner.append(element)
        elif action == "child":
            element.insert(draw(st.integers(0, len(element))), etree.Element(
                w + draw(st.sampled_from(_WORD_TAGS)), {w + "val": draw(st.sampled_from(_TOKEN_VALUES))}))
        elif action == "attribute":
            element.set(w + draw(st.sampled_from(_WORD_ATTRIBUTES)), draw(st.sampled_from(_TOKEN_VALUES)))
        elif action == "bare":  # without its attributes, required ones included
            element.attrib.clear()
        elif action == "text":
            element.text = draw(st.text(max_size=40) | st.sampled_from(_TOKEN_VALUES))
    except ValueError:  # a text XML cannot hold (a control character)
        return data
    return bytearray(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# Mostly edits that keep the XML well-formed: a byte flipped anywhere mostly stops at the XML parser.
XML_OPERATIONS = (_flip, _truncate, _duplicate, _repeat_elements, _cut_elements, _insert_fragment,
                  _attribute_value) + (_element_edit,) * 14

_PDF_NAMES = (b"/Pages", b"/Page", b"/Kids", b"/Count", b"/Parent", b"/Resources", b"/Font", b"/Contents",
              b"/Length", b"/Filter", b"/FlateDecode", b"/Type", b"/Catalog", b"/XObject", b"/Annots", b"/MediaBox",
              b"/Subtype", b"/Form", b"/Encoding", b"/ToUnicode", b"/Widths", b"/Root", b"/Info", b"/Prev")


def _pdf_number(draw: Draw, data: bytearray) -> bytearray:
    numbers = [m.span() for m in re.finditer(rb"-?\d+(?:\.\d+)?", data[:200_000])]
    if not numbers:
        return data
    start, end = draw(st.sampled_from(numbers))
    return data[:start] + draw(st.sampled_from(_TOKEN_VALUES[1:13])).encode() + data[end:]


def _pdf_reference(draw: Draw, data: bytearray) -> bytearray:
    """An indirect reference pointed at another object of the file (loops included)."""
    references = [m.span(1) for m in re.finditer(rb"(\d+) 0 R", data)]
    objects = [m.group(1) for m in re.finditer(rb"(\d+) 0 obj", data)]
    if not references or not objects:
        return data
    start, end = draw(st.sampled_from(references))
    return data[:start] + draw(st.sampled_from(objects)) + data[end:]


def _pdf_name(draw: Draw, data: bytearray) -> bytearray:
    names = [m.span() for m in re.finditer(rb"/[A-Za-z]+", data[:200_000])]
    if not names:
        return data
    start, end = draw(st.sampled_from(names))
    return data[:start] + draw(st.sampled_from(_PDF_NAMES)) + data[end:]


def _pdf_keyword(draw: Draw, data: bytearray) -> bytearray:
    """A structural keyword removed (a stream without its end, an object without endobj, no xref …)."""
    keywords = [m.span() for m in re.finditer(rb"endstream|endobj|stream|xref|trailer|startxref|obj|>>|<<", data)]
    if not keywords:
        return data
    start, end = draw(st.sampled_from(keywords))
    return data[:start] + data[end:]


PDF_OPERATIONS = BYTE_OPERATIONS + (_pdf_number, _pdf_number, _pdf_reference, _pdf_reference, _pdf_name,
                                    _pdf_keyword, _repeat_elements)


# -- inputs, by format ----------------------------------------------------------------------------------
@cache
def _docx_parts() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(DOCX_SEED) as zf:
        return tuple((name, zf.read(name)) for name in zf.namelist())


_DOCX_TARGETS = ("word/document.xml",) * 6 + (
    "word/styles.xml", "word/numbering.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
    "docProps/core.xml", "word/header1.xml", "word/settings.xml")


def _zipped(parts: list[tuple[str, bytes]]) -> bytes:
    out = BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        warnings.simplefilter("ignore")  # a part named twice, on purpose
        for name, data in parts:
            zf.writestr(name, data)
    return out.getvalue()


@st.composite
def docx_inputs(draw: Draw) -> tuple[str, bytes]:
    """The seed DOCX with an XML part changed (mostly word/document.xml), a part dropped, added or repeated,
    zipped again with good CRCs; now and then the ZIP's own bytes changed after."""
    parts = list(_docx_parts())
    for _ in range(draw(st.integers(1, 3))):
        change = draw(st.sampled_from(("xml",) * 6 + ("drop", "add", "repeat")))
        if change == "xml":
            name = draw(st.sampled_from(_DOCX_TARGETS))
            parts = [(n, _mutate(draw, d, XML_OPERATIONS, 3) if n == name else d) for n, d in parts]
        elif change == "drop":
            dropped = draw(st.sampled_from([n for n, _ in parts] or [""]))
            parts = [(n, d) for n, d in parts if n != dropped]
        elif change == "add":
            parts.append((draw(st.sampled_from(("word/document.xml", "word/extra.xml", "../escape.xml", "a" * 300))),
                          draw(st.binary(max_size=256))))
        elif parts:
            parts.append(draw(st.sampled_from(parts)))
    data = _zipped(parts)
    if draw(st.integers(0, 9)) == 0:
        data = _mutate(draw, data, BYTE_OPERATIONS, 2)
    return ".docx", data


@cache
def _plain_pdf() -> bytes:
    """A small PDF with its page content uncompressed and a standard font, so that mutations reach
    pdfminer's parsing of objects, streams and text operators."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.set_creation_date(datetime(2024, 6, 3, tzinfo=UTC))
    pdf.set_title("School streets in Ghent")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, "School streets: car-free school gates in Ghent", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for paragraph in (
        "Since 2019 the city of Ghent closes the streets in front of primary schools to motor traffic for half "
        "an hour when the school day starts and ends. Volunteers from the parents' association place a barrier "
        "and the police check the first weeks.",
        "The city provides the barriers, the signs and an insurance for the volunteers; a school applies with a "
        "short form and the neighbours are consulted before the street closes.",
        "Results: 42 school streets, fewer children driven to school, cleaner air at the gates measured by "
        "citizen sensors, and no accidents reported at the closed streets.",
    ):
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


@st.composite
def pdf_inputs(draw: Draw) -> tuple[str, bytes]:
    """The uncompressed PDF (mostly) or a corpus PDF, its numbers, references, names, keywords and bytes changed."""
    seed = _plain_pdf() if draw(st.integers(0, 3)) else PDF_SEED.read_bytes()
    return ".pdf", _mutate(draw, seed, PDF_OPERATIONS, 4)


_TAGS = ("p", "div", "span", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "article",
         "main", "section", "script", "style", "nav", "header", "footer", "svg", "button", "br", "img", "a", "b",
         "form", "noscript", "template", "iframe", "math", "x-custom", "html", "body", "head", "title", "meta")
_ENTITIES = ("&amp;", "&lt;", "&nbsp;", "&shy;", "&#0;", "&#x0;", "&#xD800;", "&#1114112;", "&#99999999999;",
             "&#x110000;", "&unknown;", "&", "&#", "&#x;", "&ampamp", "&#65279;", "&#x202E;", "&#128;")
_WORDS = ("Ogród", "społeczny", "na", "osiedlu", "Громадський", "бюджет", "міста", "Полтава", "school", "street",
          "Wałbrzych", "cookies", "Share", "Menu", "Kontakt:", "a@b.pl", "1/2", "2024.", "·", "|", "»")
_CHARSETS = ("utf-8", "utf-16", "utf-7", "windows-1250", "windows-1251", "iso-8859-1", "x-user-defined", "koi8-u",
             "no-such-charset", "", "utf-32", "cp1252")
_ATTRIBUTES = ("", "", ' class="cookie-bar"', ' id="main"', ' lang="uk"', ' style="display:none"', " hidden",
               ' charset="{}"', ' http-equiv="content-type" content="text/html; charset={}"', ' href="javascript:x"',
               ' a="' + "x" * 200 + '"', " broken=\"", " =")
_text_run = st.lists(st.sampled_from(_WORDS) | st.sampled_from(_ENTITIES) | st.text(max_size=8), max_size=8).map(" ".join)


@st.composite
def _element(draw: Draw, children: st.SearchStrategy) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attributes = draw(st.sampled_from(_ATTRIBUTES)).format(draw(st.sampled_from(_CHARSETS)))
    inner = "".join(draw(st.lists(children, max_size=4)))
    return f"<{tag}{attributes}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else "")


@st.composite
def _nested(draw: Draw) -> str:
    """One tag nested up to 400 deep (past the 200 levels the reader allows, setting max_depth), closed or not."""
    tag, depth = draw(st.sampled_from(_TAGS)), draw(st.integers(1, 400))
    return f"<{tag}>" * depth + draw(_text_run) + (f"</{tag}>" * depth if draw(st.booleans()) else "")


html_fragments = st.recursive(_text_run, _element, max_leaves=30) | _nested() | st.sampled_from(
    ("<!--", "-->", "<![CDATA[x]]>", "<!DOCTYPE html>", "</html>", "<body>", "</body><body>", "<" * 50, "\x00",
     "<?xml version='1.0' encoding='utf-16'?>", "<article>", "</article>", "<main>"))
_HTML_ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "utf-16", "windows-1250", "windows-1251", "latin-1")


def _mhtml(draw: Draw, page: bytes) -> bytes:
    """The page in a web archive ("Save page as… single file"), quoted-printable or base64, with a charset."""
    import base64
    import quopri

    encoding = draw(st.sampled_from(("quoted-printable", "base64", "8bit")))
    body = {"quoted-printable": quopri.encodestring, "base64": base64.encodebytes}.get(encoding, bytes)(page)
    charset = draw(st.sampled_from(_CHARSETS))
    return (b"From: <Saved by Blink>\r\nSubject: page\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n------B\r\n'
            b"Content-Type: text/html" + (f"; charset={charset}".encode() if charset else b"") + b"\r\n"
            b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n\r\n" + body + b"\r\n------B--\r\n")


@st.composite
def html_inputs(draw: Draw) -> tuple[str, bytes]:
    """The seed page (or an empty one) with random elements, nesting, entities and charsets inserted, encoded
    in a random encoding, now and then saved as a web archive (.mhtml), its bytes changed."""
    page = HTML_SEED.read_text(encoding="utf-8") if draw(st.integers(0, 3)) else "<!doctype html><html><body></body></html>"
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(page)))
        page = page[:at] + draw(html_fragments) + page[at:]
    data = page.encode(draw(st.sampled_from(_HTML_ENCODINGS)), errors="replace")
    suffix = draw(st.sampled_from((".html",) * 4 + (".htm", ".mhtml")))
    if suffix == ".mhtml":
        data = _mhtml(draw, data)
    if draw(st.booleans()):
        data = _mutate(draw, data, BYTE_OPERATIONS, 2)
    return suffix, data


_TEXT_ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "windows-1250",
                   "windows-1251", "koi8-u", "iso-8859-2", "gb18030", "shift_jis", "mac-cyrillic")
_TEXT_PIECES = st.text(max_size=40) | st.sampled_from(
    ("\n# ", "\n- ", "**", "[x](http://a)", "[^1]", "[footnoteRef:1]", "\u00ad", "\x00", "\r", "\u2028", "\ufeff",
     "\n\n\n", "\n1) ", "\n" + "słowo " * 2000, "\n" + "Krótka linia\n" * 50, "<html>", "<!doctype html>"))


@st.composite
def text_inputs(draw: Draw) -> tuple[str, bytes]:
    """A seed text (Polish, Ukrainian) with random text inserted, in a random encoding, its bytes changed;
    or random bytes."""
    suffix = draw(st.sampled_from((".txt", ".txt", ".md")))
    if draw(st.integers(0, 7)) == 0:
        return suffix, draw(st.binary(min_size=1, max_size=4096))
    text = draw(st.sampled_from(TEXT_SEEDS)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_TEXT_PIECES) + text[at:]
    data = text.encode(draw(st.sampled_from(_TEXT_ENCODINGS)), errors="replace")
    if draw(st.booleans()):
        data = _mutate(draw, data, BYTE_OPERATIONS, 3)
    return suffix, data


FORMATS: dict[str, st.SearchStrategy] = {
    "docx": docx_inputs(), "pdf": pdf_inputs(), "html": html_inputs(), "text": text_inputs(),
}


# -- the tests ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Settings:
    return Settings().with_values(data_dir=tmp_path_factory.mktemp("fuzz") / "data", model="hashing",
                                  read_seconds=READ_SECONDS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("inputs")


def _check(folder: Path, config: Settings, example: tuple[str, bytes]) -> None:
    suffix, data = example
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    assert_result_or_refusal(read_one(path, config))


def _fuzz(examples: int):
    """Bounded, reproducible: the same inputs every run; no example database, no per-example deadline
    (the reader's own alarm is the time limit)."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_fuzz(300)
@given(example=docx_inputs())
def test_a_mutated_docx_ends_in_practices_or_a_refusal(folder, config, example):
    _check(folder, config, example)


@_fuzz(300)
@given(example=pdf_inputs())
def test_a_mutated_pdf_ends_in_practices_or_a_refusal(folder, config, example):
    _check(folder, config, example)


@_fuzz(400)
@given(example=html_inputs())
def test_a_mutated_web_page_ends_in_practices_or_a_refusal(folder, config, example):
    _check(folder, config, example)


@_fuzz(400)
@given(example=text_inputs())
def test_a_mutated_text_file_ends_in_practices_or_a_refusal(folder, config, example):
    _check(folder, config, example)


@pytest.mark.parametrize("seed", [*TEXT_SEEDS, HTML_SEED, DOCX_SEED, PDF_SEED, "plain.pdf"], ids=lambda s: Path(s).name)
def test_the_seeds_are_read_into_practices(seed, folder, config):
    """The fuzzing starts from files that hold practices, so that mutants reach the segmentation too."""
    if seed == "plain.pdf":
        seed = folder / "plain.pdf"
        seed.write_bytes(_plain_pdf())
    outcome = read_one(Path(seed), config)
    assert outcome.kind == "practices" and not outcome.detail.startswith("0 "), outcome


def test_the_property_fails_on_a_raw_exception_or_a_hang(folder, config):
    """The property can fail: a reader's bug, a reader stopped by its time limit and a reason left blank are
    each caught as such (the hang is real: pdfminer loops on a page whose resources refer to themselves)."""
    from . import hostile

    hang = read_one(hostile.resource_cycle_pdf(folder / "loop.pdf"), config.with_values(read_seconds=0.3))
    assert hang.kind == "time limit" and hang.seconds < 5
    with pytest.raises(AssertionError, match="time limit"):
        assert_result_or_refusal(hang)
    with pytest.raises(AssertionError, match="crash"):
        assert_result_or_refusal(Outcome("crash", "unexpected error while reading (KeyError: 'no such key')", 0.0))
    with pytest.raises(AssertionError, match="without a reason"):
        assert_result_or_refusal(Outcome("refused", " ", 0.0))


# -- what the fuzzing found -------------------------------------------------------------------------------
def test_a_docx_whose_properties_part_is_damaged_is_read_without_its_title(folder, config):
    """Found by the fuzzing: one bit flipped in docProps/core.xml's namespace ("package" → "paccage") made
    python-docx's core properties a plain element, and reading the title raised AttributeError."""
    parts = [(name, data.replace(b"openxmlformats.org/package/2006/metadata", b"openxmlformats.org/paccage/2006/metadata")
              if name == "docProps/core.xml" else data) for name, data in _docx_parts()]
    path = folder / "damaged-properties.docx"
    path.write_bytes(_zipped(parts))
    outcome = read_one(path, config)
    assert outcome.kind == "practices" and not outcome.detail.startswith("0 "), outcome


def test_a_pdf_page_billions_of_points_wide_is_refused_at_once(folder, config):
    """Found by the fuzzing: a MediaBox 2,147,483,647 points wide and a line of text placed 4,294,967,296 points
    to the right kept pdfminer's layout analysis walking its grid until the time limit."""
    data = _plain_pdf()
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ", data)
    data = data[:box.start(1)] + b"2147483647" + data[box.end(1):]
    data = re.sub(rb"BT [\d.]+ ([\d.]+ Td \(School)", rb"BT 4294967296 \1", data, count=1)
    path = folder / "wide.pdf"
    path.write_bytes(data)
    outcome = read_one(path, config)
    assert outcome.kind == "refused" and "the PDF format allows" in outcome.detail, outcome
    assert outcome.seconds < 5, outcome


@pytest.mark.parametrize("changes", [
    [(b'<w:pStyle w:val="Heading2"/>', b"<w:pStyle/>")],  # a style reference without its id
    [(b"<w:body>", b"<w:ignored>"), (b"</w:body>", b"</w:ignored>")],  # no body
    [(b"<w:document ", b"<w:documentX "), (b"</w:document>", b"</w:documentX>")],  # the root is not a document
], ids=["style-without-id", "no-body", "not-a-document"])
def test_a_docx_damaged_where_python_docx_reads_lazily_is_refused(changes, folder, config):
    """Found by the fuzzing: python-docx raised InvalidXmlError and AttributeError from the walk over the body
    (outside the guard around opening the package): a raw exception, not a refusal."""
    parts = dict(_docx_parts())
    for old, new in changes:
        assert old in parts["word/document.xml"]
        parts["word/document.xml"] = parts["word/document.xml"].replace(old, new, 1)
    path = folder / "damaged-body.docx"
    path.write_bytes(_zipped(list(parts.items())))
    outcome = read_one(path, config)
    assert outcome.kind == "refused" and "could not be parsed" in outcome.detail, outcome
