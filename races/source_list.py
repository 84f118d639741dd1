"""The list of sources in a data folder's SOURCES.md, read as data.

SOURCES.md holds markdown tables whose first column is a source's short code,
the code the data files name in their `src` columns. Two layouts are read:

    | code | URL |
    | code | where | what it gave |

A cell may hold several URLs (mirrors, further pages), and one row may stand
for several codes that share a stem ("zr1.net-t310 / t328 / t365"). A code's
qualifier in brackets ("zoompics-2004almo(seed)") is a remark, not part of
the code; in a `src` column it becomes the citation's note.
"""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from . import aliases

URL = re.compile(r"https?://[^\s,;)]+")
QUALIFIED = re.compile(r"^(?P<code>[^()]*?)\s*(?:\((?P<note>[^()]*)\))?$")


class SourceListError(ValueError):
    pass


@dataclass
class SourceRecord:
    """One source as SOURCES.md describes it."""

    code: str
    url: str = ""
    other_urls: tuple[str, ...] = ()
    gave: str = ""
    where: str = ""  # the place of a source without a URL

    @property
    def publisher(self) -> str:
        return publisher_of(self.url)

    @property
    def title(self) -> str:
        return title_of(self.url) or self.where


def split_code(text: str) -> tuple[str, str]:
    """('dewiki', 'row truncated') from 'dewiki(row truncated)'."""
    match = QUALIFIED.match(text.strip())
    if match is None or not match["code"]:
        raise SourceListError(f"{text!r} is not a source code")
    return match["code"].strip(), (match["note"] or "").strip()


def expand_codes(cell: str) -> list[str]:
    """'gt-eins-alms4 / -alms5 / -alms6' -> the three codes it stands for."""
    first, *more = [part.strip() for part in cell.split(" / ")]
    codes = [split_code(first)[0]]
    for part in more:
        if part.startswith("-"):
            stem = codes[0].rsplit("-", 1)[0]
            codes.append(stem + part)
        else:
            stem = re.sub(r"[^-.]+$", "", codes[0])
            codes.append(stem + part)
    return codes


def table_rows(text: str) -> list[list[str]]:
    """The cells of every markdown table row except headers and rules."""
    rows = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        is_header = next_line.startswith("|") and set(next_line) <= set("|-: ")
        if is_header or set(line) <= set("|-: "):
            continue
        rows.append(cells)
    return rows


def read_source_list(text: str) -> dict[str, SourceRecord]:
    """Every source of SOURCES.md by code; a code listed twice is one source."""
    records: dict[str, SourceRecord] = {}
    for cells in table_rows(text):
        if len(cells) not in (2, 3) or not cells[0]:
            continue
        codes = expand_codes(cells[0])
        urls = [complete_url(url, records) for url in urls_in(cells[1])]
        gave = cells[2] if len(cells) == 3 else remark(cells[1])
        where = "" if urls or len(cells) == 2 else place(cells[1])
        for position, code in enumerate(codes):
            # A row for several codes lists their URLs in the same order.
            own = [urls[position]] if len(codes) == len(urls) else urls
            record = records.setdefault(code, SourceRecord(code=code))
            record.url = record.url or (own[0] if own else "")
            extra = [url for url in own[1:] if url not in record.other_urls]
            record.other_urls = (*record.other_urls, *extra)
            record.gave = record.gave or gave
            record.where = record.where or where
    return records


def urls_in(cell: str) -> list[str]:
    """The cell's URLs; a part like '?t=328' or 'alms5.html' after a URL is
    read relative to it."""
    urls: list[str] = []
    for part in re.split(r"\s+[,;]\s+", cell):
        found = URL.findall(part)
        relative = re.sub(r"\s*\(.*$", "", part.strip())
        if found:
            urls += found
        elif urls and re.fullmatch(r"[?\w][\w.?=&/-]*", relative):
            urls.append(urljoin(urls[-1], relative))
    return urls


def complete_url(url: str, records: dict[str, "SourceRecord"]) -> str:
    """A URL shortened with '/.../' completed from an earlier URL of the same
    site that has the same tail."""
    if "/.../" not in url:
        return url
    head, tail = url.split("/.../", 1)
    anchor = "/" + tail.split("/", 1)[0] + "/"
    for record in records.values():
        if record.url.startswith(head + "/") and anchor in record.url:
            return record.url[: record.url.index(anchor)] + "/" + tail
    return ""


def place(cell: str) -> str:
    """'A public GitHub source file' from a where cell without a URL."""
    text = re.sub(r"\(.*", "", cell).strip()
    return text[:1].upper() + text[1:]


def remark(cell: str) -> str:
    """What a URL cell says besides its URLs, e.g. 'Sebring qualifying only'."""
    text = URL.sub("", cell)
    text = re.sub(r"\((?:and |also )?(?:mirror)?\s*\)", "", text)
    text = text.strip(" ;,=")
    match = re.search(r"\(([^()]+)\)\s*$", text)
    if match:
        return match[1].strip()
    return "" if text.startswith("(") else text


def read_token(token: str) -> tuple[str, str]:
    """The code and note of a `src` token, the files' other spellings of
    codes resolved: 'cavac' -> the Mosport page's code, and a token the
    list itself writes with a remark ('zoompics-2004almo(seed)') -> its code
    alone, as the remark says nothing about the row."""
    token = token.strip()
    if token in aliases.SOURCE_CODES:
        return aliases.SOURCE_CODES[token], ""
    code, note = split_code(token)
    return aliases.SOURCE_CODES.get(code, code), note


def resolve_code(token: str, known: set[str]) -> tuple[str, str]:
    """The known code and note a `src` token names; SourceListError if it
    names none."""
    code, note = read_token(token)
    if code not in known:
        raise SourceListError(f"source {code!r} is not in the list of sources")
    return code, note


def resolve_codes(cell: str, known: set[str]) -> list[tuple[str, str]]:
    """Each (code, note) of a `src` cell ('a;b(note)'), in order, once."""
    found: dict[str, str] = {}
    for token in cell.split(";"):
        if token.strip():
            code, note = resolve_code(token, known)
            found.setdefault(code, note)
    return list(found.items())


PUBLISHERS = {
    "en.wikipedia.org": "Wikipedia (English)",
    "de.m.wikipedia.org": "Wikipedia (German)",
    "wiki-gateway.eudic.net": "Wikipedia mirror",
    "home.cydlabs.com": "Wikipedia (Kiwix copy)",
    "wikimili.com": "WikiMili",
    "cavac.at": "Cavacopedia (Wikipedia copy)",
    "zoompics.com": "Zoompics",
    "www.geocities.ws": "Lola History (GeoCities)",
    "pirro.com": "Emanuele Pirro",
    "www.marco-werner.de": "Marco Werner",
    "archive-focgb.co.uk": "Ferrari Owners' Club GB",
    "www.italiaracing.net": "Italiaracing",
    "totalmotorsport.com": "Total Motorsport",
    "newcarbuyingguide.com": "New Car Buying Guide",
    "www.motorsport.com": "Motorsport.com",
    "www.audi-mediacenter.com": "Audi MediaCenter",
    "www.autosport.com": "Autosport",
    "gt-eins.de": "GT-Eins",
    "zr1.net": "ZR1.net forum",
    "speedheads.de": "Speedheads",
    "motorsporten.dk": "Motorsporten.dk",
    "www.tampabay.com": "Tampa Bay Times",
    "de.knowledgr.com": "Knowledgr",
    "www.porsche.at": "Porsche Austria",
    "www.motorline.cc": "Motorline",
    "www.dysonracing.com": "Dyson Racing",
    "dev.dysonracing.com": "Dyson Racing",
    "archive.dailysportscar.com": "Dailysportscar",
}


def publisher_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return PUBLISHERS.get(host, host.removeprefix("www."))


def title_of(url: str) -> str:
    """A readable title from the URL's last path part that reads as a page
    name (three words or more); empty when none does."""
    parts = [unquote(part) for part in urlsplit(url).path.split("/") if part]
    titles = [words_of(part) for part in parts]
    titles = [title for title in titles if len(title.split()) >= 3]
    if not titles:
        return ""
    title = titles[-1]
    return title[:1].upper() + title[1:]


def words_of(part: str) -> str:
    part = re.sub(r"\.(html?|php|asp)$", "", part)
    part = re.sub(r"-\d+$", "", part)
    return re.sub(r"[-_+]+", " ", part).strip()
