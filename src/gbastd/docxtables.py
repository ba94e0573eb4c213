"""The tables of a Word document (DOCX), read with the standard library alone.

A DOCX is a zip archive whose ``word/document.xml`` holds the body; a table there is a
``w:tbl`` of ``w:tr`` rows of ``w:tc`` cells. A cell may span grid columns (``w:gridSpan``:
its text is in its first column, the others empty) or continue the cell above
(``w:vMerge``: it reads as that cell's text, as a person reads a publisher printed once beside
several rows). A row may skip grid columns at either end (``w:gridBefore``, ``w:gridAfter``).
Text is that of ``w:t`` elements; a line break (``w:br``, ``w:cr``) and a new paragraph start
a new line; tracked deletions are not text. The archive has been checked for size and
expansion before it comes here (``sheets``).
"""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from gbastd.errors import SheetError, clause
from gbastd.i18n import _
from gbastd.published import Grid, Line

_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict Open XML
)
_MIB = 1024 * 1024
MAX_BODY = 32 * _MIB
"""The largest document body read (``word/document.xml``, unpacked): Word writes about 3 to 5
KiB a row of a list, so a list of 267 is about 1 MiB. The body is parsed whole, at about 14
times its size in memory, so this bounds what a small, highly compressed DOCX may cost."""
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DOCUMENT_TYPE = "/officeDocument"
_DEFAULT_PART = "word/document.xml"
# Elements whose content is laid out as if they were not there.
_WRAPPERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"})
# Elements whose content is not text (tracked deletions and moves away, field codes).
_NOT_TEXT = frozenset({"del", "moveFrom", "instrText", "delText", "rPr", "pPr", "tcPr"})
# Elements that stand for a character.
_SYMBOLS = {"br": "\n", "cr": "\n", "tab": "\t", "noBreakHyphen": "-"}


def read_docx(path: Path, data: bytes) -> list[Grid]:
    """Every table of the document's body, outermost tables only, in document order.

    Raises:
        SheetError: the archive has no document part, or one larger than ``MAX_BODY``, or
            it is not well-formed XML, or it declares a document type (entities), which no
            Word document needs.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _document_part(archive)
            size = archive.getinfo(part).file_size
            if size > MAX_BODY:
                raise SheetError(
                    _(
                        "{path}: {part} unpacks to {size} MiB, more than the "
                        "{limit} MiB of any list of standards; it was not read."
                    ).format(
                        path=path,
                        part=part,
                        size=f"{size / _MIB:,.1f}",
                        limit=f"{MAX_BODY / _MIB:g}",
                    )
                )
            xml = archive.read(part)
    except KeyError:
        raise SheetError(
            _("{path} is a zip archive without a Word document in it.").format(path=path)
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise SheetError(
            _("{path} cannot be read as DOCX ({reason}).").format(path=path, reason=clause(error))
        ) from None
    head = xml[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise SheetError(
            _("{path}: {part} declares a document type, which no Word document has.").format(
                path=path, part=part
            )
        )
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise SheetError(
            _("{path}: {part} is damaged ({reason}).").format(
                path=path, part=part, reason=clause(error)
            )
        ) from None
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in _NAMESPACES:
        raise SheetError(
            _("{path}: {part} is not a Word document's body.").format(path=path, part=part)
        )
    w = f"{{{namespace}}}"
    try:
        return [
            Grid(list(_rows(table, w, number)), printed=True, name=_table_name(number))
            for number, table in enumerate(_tables(root, f"{w}tbl"), start=1)
        ]
    except RecursionError:  # content controls nested thousands deep
        raise SheetError(
            _("{path}: {part} nests its content too deep to read.").format(path=path, part=part)
        ) from None


def _table_name(number: int) -> str:
    """How a message names the document's table ``number``."""
    return _("table {number}").format(number=number)


def _document_part(archive: zipfile.ZipFile) -> str:
    """The main document's name, from the package relationships (``word/document.xml``)."""
    try:
        relationships = ElementTree.fromstring(archive.read("_rels/.rels"))
    except (KeyError, ElementTree.ParseError):
        return _DEFAULT_PART
    for relationship in relationships.iter(_RELATIONSHIPS):
        if relationship.get("Type", "").endswith(_DOCUMENT_TYPE):
            target = relationship.get("Target", _DEFAULT_PART)
            return posixpath.normpath(target.lstrip("/"))
    return _DEFAULT_PART


def _walk(
    root: ElementTree.Element, enter: Callable[[ElementTree.Element], bool]
) -> Iterator[ElementTree.Element]:
    """The elements under ``root`` in document order, not looking inside those that ``enter``
    refuses; without recursion, as a body may nest deeper than Python's stack."""
    stack = [iter(root)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        yield element
        if enter(element):
            stack.append(iter(element))


def _tables(root: ElementTree.Element, tag: str) -> Iterator[ElementTree.Element]:
    """The tables not inside another table, in document order."""
    return (element for element in _walk(root, lambda e: e.tag != tag) if element.tag == tag)


def _local(element: ElementTree.Element) -> str:
    return element.tag.rpartition("}")[2]


def _children(element: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    """The children called ``name``, also inside content controls and custom markup."""
    for child in element:
        local = _local(child)
        if local == name:
            yield child
        elif local in _WRAPPERS:
            yield from _children(child, name)


def _value(element: ElementTree.Element | None, w: str, default: str = "") -> str:
    return default if element is None else element.get(f"{w}val", default)


def _rows(table: ElementTree.Element, w: str, number: int) -> Iterator[Line]:
    above: list[str] = []  # the previous row's text by grid column, for vertical merges
    place = _table_name(number)
    for index, row in enumerate(_children(table, "tr"), start=1):
        properties = row.find(f"{w}trPr")
        before = _count(properties, w, "gridBefore")
        cells = [""] * before
        for cell in _children(row, "tc"):
            tc_properties = cell.find(f"{w}tcPr")
            span = max(_count(tc_properties, w, "gridSpan"), 1)
            merge = None if tc_properties is None else tc_properties.find(f"{w}vMerge")
            if merge is not None and _value(merge, w, "continue") == "continue":
                position = len(cells)
                text = above[position] if position < len(above) else ""
            else:
                text = _text(cell, w)
            cells.append(text)
            cells.extend([""] * (span - 1))
        cells.extend([""] * _count(properties, w, "gridAfter"))
        above = cells
        yield Line(index, cells, place=place)


def _count(properties: ElementTree.Element | None, w: str, name: str) -> int:
    element = None if properties is None else properties.find(f"{w}{name}")
    raw = _value(element, w, "0")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0


def _text(cell: ElementTree.Element, w: str) -> str:
    """A cell's text: its paragraphs, each a line; line breaks start new lines."""
    lines: list[str] = []
    for paragraph in cell.iter(f"{w}p"):
        lines.append("".join(_runs(paragraph)))
    return "\n".join(lines)


def _runs(paragraph: ElementTree.Element) -> Iterator[str]:
    """The text of a paragraph's runs, in order, without descending into a nested one."""
    for element in _walk(paragraph, _enters):
        local = _local(element)
        if local == "t":
            yield element.text or ""
        elif local in _SYMBOLS:
            yield _SYMBOLS[local]


def _enters(element: ElementTree.Element) -> bool:
    """Whether a paragraph's text goes on inside ``element``: not in what is not text, and
    not in a nested paragraph (a text box's, whose text is read as its own paragraph)."""
    local = _local(element)
    return local not in _NOT_TEXT and local != "p"
