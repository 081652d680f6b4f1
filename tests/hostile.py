"""Hostile files, generated: PDFs built to exhaust a reader, and text with every line separator.

Used by the robustness tests and by the live probe (`eval/probe.py`), so that both attack
the service with the same files.
"""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, StreamObject


def font_resources(writer: PdfWriter) -> DictionaryObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    return DictionaryObject({NameObject("/F1"): writer._add_object(font)})


def text_page(writer: PdfWriter, fonts: DictionaryObject, stream: list[bytes]) -> None:
    """A Letter page whose content is `stream` (PDF operators, one per item), drawn with the font /F1."""
    page = writer.add_blank_page(width=612, height=792)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(b"\n".join(stream))
    page[NameObject("/Contents")] = writer._add_object(content)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nested_operands_pdf(depth: int = 50_000) -> bytes:
    """A content stream of `depth` nested arrays: a recursive reader runs out of stack."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf " + b"[" * depth + b"(x)" + b"]" * depth + b" TJ ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return written(writer)


def text_flood_pdf(pages: int = 20, uses: int = 2_000) -> bytes:
    """A few kilobytes that draw one block of text `uses` times a page: millions of characters when read."""
    writer = PdfWriter()
    fonts = font_resources(writer)
    form = DecodedStreamObject()
    form.set_data(b"BT /F1 8 Tf 10 10 Td (" + b"border police patrol the coast " * 30 + b") Tj ET")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(200), NumberObject(200)]),
            NameObject("/Resources"): DictionaryObject({NameObject("/Font"): fonts}),
        }
    )
    form_reference = writer._add_object(form)
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        page[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/Font"): fonts,
                NameObject("/XObject"): DictionaryObject({NameObject("/X0"): form_reference}),
            }
        )
        content = DecodedStreamObject()
        content.set_data(b"/X0 Do\n" * uses)
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    return written(writer)


def flate_bomb_pdf(megabytes: int = 200, filler: bytes = b" ") -> bytes:
    """A page whose content stream inflates from a few hundred kilobytes to `megabytes` of `filler`: spaces
    cost a reader time, a flood of operands ("0 ") costs it memory too."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): font_resources(writer)})  # without a font, no reader looks
    compressor = zlib.compressobj(9)
    chunk = filler * (1024 * 1024 // len(filler))
    text = b" BT /F1 12 Tf 10 10 Td (border police) Tj ET"
    packed = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.compress(text) + compressor.flush()
    stream = StreamObject()
    stream._data = packed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(packed))
    page[NameObject("/Contents")] = writer._add_object(stream)
    return written(writer)


# every character Python's str.splitlines() treats as a line end, and a few more that trip parsers
ODD_SEPARATORS = "\u0085\u2028\u2029\x0b\x0c\x1c\x1d\x1e\r\ufeff"


def odd_separators_text() -> bytes:
    """A brief whose sentences are joined by every odd separator in turn."""
    sentences = [f"Border police unit {i} patrols the northern crossing at night." for i in range(40)]
    text = "Odd Separators Brief\n\n" + "".join(s + ODD_SEPARATORS[i % len(ODD_SEPARATORS)] for i, s in enumerate(sentences))
    return text.encode("utf-8")
