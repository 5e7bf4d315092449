"""Reading an export file into a header and rows, whatever the tool did to it.

Real exports arrive as UTF-8 with or without a byte-order mark, as UTF-16 (Excel's
"Unicode text", tab-separated), with a few preamble lines before the header ("Report:
Inbox", "Date range: ..."), with ``#`` comment lines, and with commas, semicolons or tabs
between the cells. The header is the first line that names a column a layout knows
(:mod:`estimator.calibrate.layouts`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from estimator.calibrate.errors import ExportError

#: Lines looked at for the header: preambles are short.
_HEADER_SEARCH_LINES = 40


@dataclass(frozen=True)
class Table:
    """The cells of an export: its header and rows, with the file line of each row."""

    name: str  # the file's name, for messages
    encoding: str  # what the bytes were read as
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line_numbers: tuple[int, ...]  # 1-based file line of each row
    preamble_lines: int  # lines before the header (comments and preamble)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of an export and the encoding it was read as.

    A byte-order mark decides; without one, UTF-16 shows as NUL bytes in every other place,
    and text that is not UTF-8 is read as Windows-1252 (Excel's default on Windows).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ExportError(f"{name}: not valid UTF-16 text ({exc.reason})") from None
    sample = data[:4000]
    if sample and sample.count(0) > len(sample) // 4:
        little = sample[1::2].count(0) > sample[0::2].count(0)
        enc = "utf-16-le" if little else "utf-16-be"
        try:
            return data.decode(enc), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ExportError(f"{name}: not valid UTF-16 text ({exc.reason})") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _delimiter(lines: list[str]) -> str:
    counts = {d: sum(line.count(d) for line in lines) for d in ("\t", ",", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_table(
    data: bytes, name: str, is_header: Callable[[tuple[str, ...]], bool]
) -> Table:
    """Split an export into its header (the first line ``is_header`` accepts) and rows.

    Raises
    ------
    ExportError
        No line looks like a header: the message shows the columns of the line that looked
        most like one.
    """
    text, encoding = decode(data, name)
    lines = text.splitlines()
    candidates = [
        (i, line) for i, line in enumerate(lines[: _HEADER_SEARCH_LINES * 2])
        if line.strip() and not line.lstrip().startswith("#")
    ][:_HEADER_SEARCH_LINES]
    if not candidates:
        raise ExportError(f"{name}: the file is empty (no header line and no rows)")
    delimiter = _delimiter([line for _, line in candidates])
    widest: tuple[str, ...] = ()
    for i, line in candidates:
        cells = tuple(c.strip() for c in next(csv.reader([line], delimiter=delimiter)))
        if len(cells) > len(widest):
            widest = cells
        if is_header(cells):
            return _rows(name, encoding, lines, i, cells, delimiter)
    raise ExportError(f"{name}: no header line with the columns an export needs; saw "
                      f"{', '.join(repr(c) for c in widest[:12])}")


def _rows(name: str, encoding: str, lines: list[str], header_at: int,
          header: tuple[str, ...], delimiter: str) -> Table:
    body = "\n".join(lines[header_at + 1:])
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    rows, numbers = [], []
    for cells in reader:
        line = header_at + 1 + reader.line_num  # 1-based line in the file (where the row ends)
        if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in cells]
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        rows.append(tuple(cells))
        numbers.append(line)
    return Table(name=name, encoding=encoding, header=header, rows=tuple(rows),
                 line_numbers=tuple(numbers), preamble_lines=header_at)
