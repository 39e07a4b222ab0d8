"""Every piece of text a PDF page draws, read from its content stream in the order it is drawn: the text, where
its baseline starts, its font, size and fill colour. Text extraction (pypdf's ``extract_text``) joins the pieces
of a text object that share a baseline, so it cannot tell whether two cells are drawn where they were."""

from __future__ import annotations

import io
import re
from typing import Any, NamedTuple

import pypdf
from pypdf.generic import ContentStream
from reportlab.pdfbase.pdfmetrics import stringWidth

from riskengine.report.fonts import register_fonts


class Piece(NamedTuple):
    text: str
    x: float
    y: float
    font: str
    size: float
    colour: tuple[float, ...]
    end: float
    """Where the next piece would start (x), the text's advance added."""


_ENTRY = re.compile(rb"<([0-9A-F]+)> <([0-9A-F]+)>")


def _decoder(font: Any) -> dict[int, str]:
    """A subset font's codes to their characters, from its ToUnicode map (reportlab's, one entry a code); a
    standard font's are Latin-1."""
    if "/ToUnicode" not in font:
        return {code: chr(code) for code in range(256)}
    data = font["/ToUnicode"].get_object().get_data().partition(b"beginbfchar")[2]
    return {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in _ENTRY.findall(data)}


def _product(a: list[float], b: list[float]) -> list[float]:
    """The 2-D affine matrix a x b, each as PDF writes it (a b c d e f)."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def drawn(pdf: bytes) -> list[list[Piece]]:
    """Each page's pieces of text (one a show-text operator), in drawing order; positions to 0.01 point."""
    register_fonts()  # the widths of the fonts, to follow the pieces along a line
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [_page(page, reader) for page in reader.pages]


def text_objects(pdf: bytes) -> list[int]:
    """How many text objects each page has that show text (reportlab starts a page with one that only sets a
    font)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    counts = []
    for page in reader.pages:
        count, showing = 0, False
        for _, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BT":
                showing = False
            elif operator in (b"Tj", b"TJ") and not showing:
                count, showing = count + 1, True
        counts.append(count)
    return counts


def joined(pieces: list[Piece]) -> list[Piece]:
    """Pieces drawn one after the other along a baseline in one font, size and colour, as one piece (reportlab
    draws a paragraph's text in several pieces where its markup has entities or tags)."""
    result: list[Piece] = []
    for piece in pieces:
        last = result[-1] if result else None
        if last and last.y == piece.y and last[3:6] == piece[3:6] and abs(last.end - piece.x) < 0.02:
            result[-1] = last._replace(text=last.text + piece.text, end=piece.end)
        else:
            result.append(piece)
    return result


def differences(ours: list[Piece], theirs: list[Piece]) -> list[str]:
    """How two pages' pieces differ: the text in another order, or a piece elsewhere (more than 0.01 point) or in
    another font, size or colour; empty when they draw the same. Pieces along a baseline are joined first
    (reportlab draws a paragraph with entities in several pieces, a string in one)."""
    ours, theirs = joined(ours), joined(theirs)
    if [piece.text for piece in ours] != [piece.text for piece in theirs]:
        return [f"text: {[piece.text for piece in ours]} != {[piece.text for piece in theirs]}"]
    return [f"{piece} != {expected}" for piece, expected in zip(ours, theirs, strict=True)
            if piece[3:6] != expected[3:6] or abs(piece.x - expected.x) > 0.01 or abs(piece.y - expected.y) > 0.01]


def _page(page: Any, reader: pypdf.PdfReader) -> list[Piece]:
    fonts = page["/Resources"].get("/Font", {})
    decoders = {name: _decoder(font.get_object()) for name, font in fonts.items()}
    base_fonts = {name: str(font.get_object()["/BaseFont"]).split("+")[-1].lstrip("/") for name, font in fonts.items()}
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    ctm, stack = identity, []
    colour: tuple[float, ...] = (0.0,)
    colours: list[tuple[float, ...]] = []
    line = text_matrix = identity
    font, size, leading, word_space = "", 0.0, 0.0, 0.0
    pieces: list[Piece] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        values = [float(value) for value in operands if isinstance(value, int | float)]
        if operator == b"q":
            stack.append(ctm)
            colours.append(colour)
        elif operator == b"Q":
            ctm, colour = stack.pop(), colours.pop()
        elif operator == b"cm":
            ctm = _product(values, ctm)
        elif operator in (b"rg", b"g", b"k"):
            colour = tuple(round(value, 4) for value in values)
        elif operator == b"BT":
            line = text_matrix = identity
        elif operator == b"Tm":
            line = text_matrix = values
        elif operator in (b"Td", b"T*"):
            dx, dy = values if operator == b"Td" else (0.0, -leading)
            line = text_matrix = _product([1, 0, 0, 1, dx, dy], line)
        elif operator == b"TL":
            leading = values[0]
        elif operator == b"Tw":
            word_space = values[0]
        elif operator == b"Tf":
            font, size = str(operands[0]), values[0]
        elif operator in (b"Tj", b"TJ"):
            shown = [operands[0]] if operator == b"Tj" else [item for item in operands[0] if isinstance(item, str)]
            text = "".join(decoders[font].get(code, "?") for item in shown for code in _codes(item))
            at = _product(text_matrix, ctm)
            advance = stringWidth(text, base_fonts[font], size) + word_space * text.count(" ")
            pieces.append(Piece(text, round(at[4], 2), round(at[5], 2), base_fonts[font], round(size * at[0], 2),
                                colour, round(at[4] + advance * at[0], 2)))
            text_matrix = _product([1, 0, 0, 1, advance, 0], text_matrix)
    return pieces


def _codes(shown: Any) -> bytes:
    """The bytes of a string operand as written (pypdf decodes some as text)."""
    return bytes(shown) if isinstance(shown, bytes) else shown.get_original_bytes()
