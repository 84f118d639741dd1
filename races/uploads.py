"""Result files as untrusted input: read within limits, safely, and kept
between an import's preview and its confirm.

A file is refused before it is read when it is too large, while it is read
when it has too many rows, and before openpyxl opens it when it is an .xlsx
archive that unpacks to too much or declares XML entities (openpyxl also
parses through defusedxml, which it uses whenever it is installed). A
previewed file waits in the cache under a random token bound to the editor
and the race, for one confirm.
"""

import csv
import io
import re
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.core.cache import cache
from openpyxl.utils.exceptions import InvalidFileException

# What one uploaded or imported file may hold. A season's largest race has
# about 50 cars; these limits leave room and bound the work of one request.
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 500
# Lines read at most, blank ones included (Excel keeps formatted empty rows).
IMPORT_MAX_LINES = 10 * IMPORT_MAX_ROWS
IMPORT_MAX_COLUMNS = 50
# An .xlsx file is a zip archive of XML files.
XLSX_MAX_UNPACKED_BYTES = 20 * IMPORT_MAX_BYTES
XLSX_MAX_MEMBERS = 200
XLSX_MAX_COMPRESSION_RATIO = 100  # checked on members larger than 1 MB
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
# How long a previewed file waits for its confirm.
PENDING_IMPORT_SECONDS = 30 * 60

REQUIRED_COLUMNS = [
    "round",
    "pos",
    "class",
    "class_pos",
    "car_no",
    "team",
    "drivers",
    "chassis",
    "engine",
    "tyre",
    "laps",
    "status",
    "grid",
]


# A row of a read file: its text by column, and "_line", its line in the file.
RawRow = dict[str, Any]


class RowError(ValueError):
    """A row of a classification file that cannot be read."""


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def size_problem(name: str, size: int) -> str | None:
    if size <= IMPORT_MAX_BYTES:
        return None
    return (
        f"{name} is {size:,} bytes; the limit is {megabytes(IMPORT_MAX_BYTES)}. "
        "Remove the columns the import does not read, or split the file."
    )


def read_table(name: str, content: bytes) -> list[RawRow]:
    """The rows of a CSV or XLSX file as text keyed by the header row.

    Each row also gets `_line`, its line (or sheet row) number in the file.
    RowError says why a file is refused: too large, too many rows, not a
    file we can read, or a missing column.
    """
    if problem := size_problem(name, len(content)):
        raise RowError(problem)
    if name.lower().endswith(".xlsx"):
        lines = workbook_lines(name, content)
    else:
        lines = csv_lines(name, content)
    header = [column.strip() for column in next(lines, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RowError(f"{name} has no column {', '.join(missing)}")
    rows: list[RawRow] = []
    for line, cells in enumerate(lines, start=2):  # line 1 is the header
        if line > IMPORT_MAX_LINES + 1:
            raise RowError(
                f"{name} has more than {IMPORT_MAX_LINES} lines, blank ones "
                f"included; the limit is {IMPORT_MAX_LINES}."
            )
        if not any(cells):
            continue
        if len(rows) == IMPORT_MAX_ROWS:
            raise RowError(
                f"{name} has more than {IMPORT_MAX_ROWS} rows; the limit is "
                f"{IMPORT_MAX_ROWS}."
            )
        row: RawRow = dict(zip(header, cells, strict=False))
        row["_line"] = line
        rows.append(row)
    return rows


def csv_lines(name: str, content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RowError(f"{name} is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise RowError(
            f"{name}, line {reader.line_num}, cannot be read as CSV: {error}"
        ) from None


def workbook_lines(name: str, content: bytes) -> Iterator[list[str]]:
    """The first sheet's rows as text, read only if the archive looks safe."""
    check_workbook_archive(name, content)
    unsafe = f"{name} is not a workbook we can read safely"
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except (InvalidFileException, zipfile.BadZipFile, KeyError):
        raise RowError(f"{name} is not an Excel workbook (.xlsx)") from None
    # openpyxl raises many kinds of errors on malformed or hostile XML
    # (defusedxml's among them); each means the same to the editor.
    except Exception:
        raise RowError(f"{unsafe}.") from None
    try:
        sheet = workbook.worksheets[0]
        # Bounded, whatever size the sheet claims: openpyxl pads every row
        # to the sheet's width and yields the missing rows as empty ones.
        for row in sheet.iter_rows(
            max_row=IMPORT_MAX_LINES + 2, max_col=IMPORT_MAX_COLUMNS, values_only=True
        ):
            yield [cell_text(cell) for cell in row]
    except Exception:
        raise RowError(f"{unsafe}.") from None
    finally:
        workbook.close()


def check_workbook_archive(name: str, content: bytes) -> None:
    """Refuse a zip bomb or an XML entity bomb before openpyxl opens it."""

    def unsafe(why: str) -> RowError:
        return RowError(f"{name} is not a workbook we can read safely: {why}.")

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise RowError(f"{name} is not an Excel workbook (.xlsx)") from None
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            raise unsafe(f"it holds more than {XLSX_MAX_MEMBERS} files")
        # zipfile never unpacks more than a member's declared size.
        if sum(member.file_size for member in members) > XLSX_MAX_UNPACKED_BYTES:
            limit = megabytes(XLSX_MAX_UNPACKED_BYTES)
            raise unsafe(f"it unpacks to more than {limit}")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 2**20 and ratio > XLSX_MAX_COMPRESSION_RATIO:
                raise unsafe(f"{member.filename} is compressed {ratio:.0f} to 1")
        try:
            for member in members:
                if declares_xml_entities(archive, member):
                    raise unsafe(f"{member.filename} declares XML entities")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            raise RowError(f"{name} is not an Excel workbook (.xlsx)") from None
        except RuntimeError:  # encrypted
            raise unsafe("it is encrypted") from None


def declares_xml_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML member has a DOCTYPE or ENTITY declaration, which a
    workbook never needs and an entity bomb does."""
    if not member.filename.endswith((".xml", ".rels", ".vml")):
        return False
    overlap = max(len(declaration) for declaration in XML_DECLARATIONS)
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(64 * 1024):
            text = tail + chunk
            if any(declaration in text for declaration in XML_DECLARATIONS):
                return True
            tail = text[-overlap:]
    return False


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass
class PendingImport:
    """A previewed file waiting for its confirm, kept on the server."""

    user_id: int
    race_id: int
    filename: str
    content: bytes
    fingerprint: str


def pending_import_key(token: str) -> str:
    return f"pending-import:{token}"


def keep_pending_import(pending: PendingImport) -> str:
    """Keep a previewed file for its confirm; returns the token naming it."""
    token = secrets.token_urlsafe(32)
    cache.set(pending_import_key(token), pending, timeout=PENDING_IMPORT_SECONDS)
    return token


def pending_import(token: str, *, user_id: int, race_id: int) -> PendingImport | None:
    """The file previewed by this user for this race, if the token is one."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    pending = cache.get(pending_import_key(token))
    if (
        not isinstance(pending, PendingImport)
        or pending.user_id != user_id
        or pending.race_id != race_id
    ):
        return None
    return pending


def forget_pending_import(token: str) -> None:
    if TOKEN_PATTERN.fullmatch(token):
        cache.delete(pending_import_key(token))
