"""Where and when a document was published: its outlet and date, one rule for every table, report and comparison.

The **outlet** is a metadata field (``outlet``, ``source``, ``site``, ``publisher``) or else the
*registered domain* of ``meta['url']`` — ``russian.rt.com`` and ``rt.com`` are one outlet,
``amp.ng.ru`` and ``www.ng.ru`` are ``ng.ru``, ``bbc.co.uk`` stays whole — found with the Public
Suffix List bundled in the ``publicsuffixlist`` package (read from the package, never fetched).
A host glued to the next URL (``russian.rt.comhttps``) is repaired to the known suffix. A user
mapping (:func:`load_outlet_map`, ``--outlet-map FILE`` with lines ``russian.rt.com = RT``) names
outlets: the most specific host key wins, then the registered domain, then a field value.

The **date** comes, in this order, from a user's file of document id → date (``--dates FILE``),
a user's field (``--date-field``), the metadata fields ``date``, ``published``, …, and the URL
(``/2018-02-13/``, ``/2018/02/13/``, also inside a query such as ``amp.ng.ru/?p=http://…/2018-03-21/…``).
Accepted forms: ISO (``2024-07-15T10:00``, ``2024-7``), ``15.07.2024``, ``15/07/2024``,
``15 июля 2024``, RFC 2822 (RSS). A date with no day is the first of its month. The month is
``YYYY-MM``. :func:`undated` counts the documents left without a date, which every grouped run
reports.

A **period** (``--since``/``--until``, :class:`DateScreen`) keeps the documents dated inside it
and counts those outside; an undated document is skipped too unless ``--keep-undated``, and the
run says how many of each it met.

The rules in force can be changed for one run: ``with configured(Metadata(outlet_map=…)):``
(the command line does this from its options); :func:`outlet_of`, :func:`date_of`,
:func:`month_of` and :func:`group_value` read the rules in force.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import email.utils
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from .compat import tomllib
from .errors import KzmediaError

__all__ = ["Metadata", "MetadataError", "configured", "current", "registered_domain", "host_of", "outlet_of",
           "date_of", "parse_date", "month_of", "group_value", "undated", "load_outlet_map", "load_dates",
           "add_metadata_arguments", "metadata_from_args", "screen_from_args", "DateScreen", "period_bound",
           "DATA_VERSION"]


class MetadataError(KzmediaError):
    """A metadata file (outlet map, dates) that cannot be read: names the file and line."""


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    raw = (resources.files("kzmedia") / "data" / "metadata.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    data["_sha"] = hashlib.sha256(raw).hexdigest()[:12]
    return data


def _data_version() -> str:
    d = _data()
    return f"{d['version']}+{d['_sha']}"


DATA_VERSION = _data_version()


# --- outlets ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _psl():
    # publicsuffixlist ships the list as a file inside the package and reads only that file
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def host_of(url: Any) -> str | None:
    """The lower-case host name of a URL (also without a scheme: ``ng.ru/x``), or ``None``."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    if "://" not in url[:12]:
        url = "//" + url.lstrip("/")
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unbalanced '[' in the netloc
        return None
    host = (host or "").strip(".").lower()
    return host or None


@functools.lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """The registered domain (public suffix + one label) of a host name: ``russian.rt.com`` →
    ``rt.com``; a last label glued to junk (``comhttps``) is cut back to a known suffix; an IP
    address, ``localhost`` or an unknown suffix is returned as given."""
    host = host.strip(".").lower()
    if not host or _IP.match(host) or "." not in host:
        return host
    psl = _psl()
    if psl.publicsuffix(host, accept_unknown=False) is None:
        head, _, last = host.rpartition(".")
        for cut in range(len(last) - 1, 1, -1):  # longest known prefix of the last label
            candidate = f"{head}.{last[:cut]}"
            if psl.publicsuffix(candidate, accept_unknown=False) is not None:
                host = candidate
                break
        else:
            return host
    return psl.privatesuffix(host, accept_unknown=False) or host


# --- dates --------------------------------------------------------------------------------------

_ISO = re.compile(r"^\s*((?:1[89]|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?(?:$|[T\s_]|[+-]\d\d:?\d\d|Z)")
_DMY = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./]((?:1[89]|20)\d\d)\b")
_WORDS = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\.?,?\s+((?:1[89]|20)\d\d)\b")
_URL_YMD = re.compile(r"(?<![\w])((?:19|20)\d\d)([-/_.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?![\d])")
_URL_YM = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/")


def _month_number(word: str) -> int | None:
    word = word.lower()
    best, best_len = None, 0
    for number, stems in _data()["months"].items():
        for stem in stems:
            if word.startswith(stem) and len(stem) > best_len:
                best, best_len = int(number), len(stem)
    return best


def _make(y, m, d=1) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d or 1))
    except ValueError:
        return None


def parse_date(value: Any) -> _dt.date | None:
    """A :class:`datetime.date` from a metadata value (see the module's accepted forms), or ``None``."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    m = _ISO.match(value)
    if m:
        return _make(m.group(1), m.group(2), m.group(3))
    m = _DMY.match(value)
    if m:
        return _make(m.group(3), m.group(2), m.group(1))
    m = _WORDS.match(value)
    if m:
        month = _month_number(m.group(2))
        return _make(m.group(3), month, m.group(1)) if month else None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def date_in_url(url: Any) -> _dt.date | None:
    """The publication date written in a news URL's path or query (``/2018-02-13/``,
    ``/2018/02/13/``, ``/2018/02/``), or ``None``."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    rest = unquote(parts.path + ("?" + parts.query if parts.query else ""))
    m = _URL_YMD.search(rest)
    if m:
        return _make(m.group(1), m.group(3), m.group(4))
    m = _URL_YM.search(rest)
    return _make(m.group(1), m.group(2)) if m else None


# --- the rules in force -------------------------------------------------------------------------

@attrs.frozen
class Metadata:
    """The metadata rules of one run: a user's outlet names (host or domain → name), dates by
    document id, and a field to read the date from first."""

    outlet_map: Mapping[str, str] = attrs.field(factory=dict, converter=lambda m: {
        str(k).strip().lower(): str(v) for k, v in dict(m).items()})
    dates: Mapping[str, Any] = attrs.field(factory=dict)
    date_field: str | None = None

    def outlet(self, meta: Mapping) -> str | None:
        """The outlet of a document from its metadata (see the module docstring)."""
        named = self.outlet_map
        for key in _data()["fields"]["outlet"]:
            value = meta.get(key)
            if value and isinstance(value, (str, int)):
                value = str(value).strip()
                return named.get(value.lower(), value)
        host = host_of(meta.get("url"))
        if not host:
            return None
        if named:
            labels = host.split(".")
            for i in range(len(labels) - 1):
                hit = named.get(".".join(labels[i:]))
                if hit is not None:
                    return hit
        domain = registered_domain(host)
        return named.get(domain, domain)

    def date(self, meta: Mapping, doc_id: str | None = None) -> _dt.date | None:
        """The publication date of a document, or ``None`` when nothing gives one."""
        if doc_id is not None and doc_id in self.dates:
            found = parse_date(self.dates[doc_id])
            if found:
                return found
        fields = _data()["fields"]["date"]
        if self.date_field:
            fields = [self.date_field, *fields]
        for key in fields:
            found = parse_date(meta.get(key))
            if found:
                return found
        return date_in_url(meta.get("url"))

    def month(self, meta: Mapping, doc_id: str | None = None) -> str | None:
        d = self.date(meta, doc_id)
        return f"{d.year:04d}-{d.month:02d}" if d else None

    def group(self, meta: Mapping, key: str, doc_id: str | None = None):
        """The value of ``--by KEY`` for a document: ``outlet``, ``month``, ``year``, ``date``, or
        any metadata field (lists and objects as JSON text)."""
        if key == "outlet":
            return self.outlet(meta)
        if key in ("month", "year", "date"):
            d = self.date(meta, doc_id)
            if d is None:
                return None
            return {"month": f"{d.year:04d}-{d.month:02d}", "year": f"{d.year:04d}", "date": d.isoformat()}[key]
        v = meta.get(key)
        return v if v is None or isinstance(v, (str, int, float, bool)) else json.dumps(v, ensure_ascii=False)


_ACTIVE: contextvars.ContextVar[Metadata] = contextvars.ContextVar("kzmedia_metadata", default=Metadata())


def current() -> Metadata:
    """The metadata rules in force."""
    return _ACTIVE.get()


@contextlib.contextmanager
def configured(rules: Metadata) -> Iterator[Metadata]:
    """Put ``rules`` in force for the block (the command line's ``--outlet-map``, ``--dates``)."""
    token = _ACTIVE.set(rules)
    try:
        yield rules
    finally:
        _ACTIVE.reset(token)


def outlet_of(meta: Mapping) -> str | None:
    """The outlet of a document's metadata under the rules in force."""
    return _ACTIVE.get().outlet(meta or {})


def date_of(meta: Mapping, doc_id: str | None = None) -> _dt.date | None:
    """The publication date under the rules in force (``doc_id`` for a user's dates file)."""
    return _ACTIVE.get().date(meta or {}, doc_id)


def month_of(meta: Mapping, doc_id: str | None = None) -> str | None:
    """``YYYY-MM`` of the publication date under the rules in force, or ``None``."""
    return _ACTIVE.get().month(meta or {}, doc_id)


def group_value(meta: Mapping, key: str, doc_id: str | None = None):
    """The ``--by KEY`` group of a document under the rules in force."""
    return _ACTIVE.get().group(meta or {}, key, doc_id)


def undated(documents: Iterable[Mapping]) -> tuple[int, int]:
    """``(undated, total)`` over analysis dicts (``{"document": {"id", "meta"}}``) or document dicts."""
    n = total = 0
    for item in documents:
        doc = item.get("document", item)
        total += 1
        if date_of(doc.get("meta") or {}, doc.get("id")) is None:
            n += 1
    return n, total


# --- user files ---------------------------------------------------------------------------------

def _pairs(path: str, what: str) -> Iterator[tuple[int, str, str]]:
    """``(line, key, value)`` from ``key = value`` / ``key<TAB>value`` / ``key,value`` lines
    (``#`` comments, quotes around either side allowed), or a CSV with a header; a ``.toml`` file
    is read as TOML (its top-level ``key = "value"`` pairs, or those of its one table)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except OSError as e:
        raise MetadataError(f"{path}: cannot read the {what} file: {e.strerror or e}") from None
    if path.lower().endswith(".toml"):
        yield from _toml_pairs(path, text, what)
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        for sep in ("=", "\t", ","):
            if sep in stripped:
                key, value = stripped.split(sep, 1)
                key, value = key.strip().strip('"'), value.strip().strip('"')
                break
        else:
            raise MetadataError(f"{path}:{lineno}: expected 'KEY = VALUE' in the {what} file, got {stripped[:60]!r}")
        if not key or not value:
            raise MetadataError(f"{path}:{lineno}: empty key or value in the {what} file")
        yield lineno, key, value


def _toml_pairs(path: str, text: str, what: str) -> Iterator[tuple[int, str, str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:  # its message ends "(at line N, column M)"
        at = re.search(r"line (\d+)", str(e))
        line = getattr(e, "lineno", None) or (at.group(1) if at else "?")
        raise MetadataError(f"{path}:{line}: not valid TOML in the {what} file: {str(e).split(' (at ')[0]}") from None
    tables = [v for v in data.values() if isinstance(v, dict)]
    if len(tables) == 1 and all(isinstance(v, dict) for v in data.values()):
        data = tables[0]  # e.g. [outlets] / [dates]
    lines = text.splitlines()
    for key, value in data.items():
        lineno = next((i for i, ln in enumerate(lines, 1) if ln.strip().strip('"').startswith(str(key))), 0)
        if isinstance(value, dict) or isinstance(value, list) or value in ("", None):
            raise MetadataError(f"{path}:{lineno}: {key!r} in the {what} file must be a text value, "
                                f"e.g. \"{key}\" = \"NAME\"")
        yield lineno, str(key), str(value)


def load_outlet_map(path: str | os.PathLike) -> dict[str, str]:
    """A user's outlet names: lines ``russian.rt.com = RT`` (a host, a domain or a field value),
    ``host,name`` CSV rows, or a ``.toml`` file of ``"russian.rt.com" = "RT"`` pairs."""
    return {k.lower(): v for _, k, v in _pairs(os.fspath(path), "outlet map")}


def load_dates(path: str | os.PathLike) -> dict[str, str]:
    """A user's dates: lines ``DOC_ID = 2018-03-21`` (or ``id,date`` CSV rows; a header row is skipped)."""
    out: dict[str, str] = {}
    path = os.fspath(path)
    for i, (lineno, doc_id, value) in enumerate(_pairs(path, "dates")):
        if parse_date(value) is None:
            if i == 0:
                continue  # a CSV header such as ``id,date``
            raise MetadataError(f"{path}:{lineno}: {doc_id}: {value!r} is not a date")
        out[doc_id] = value
    return out


# --- a period: --since / --until ----------------------------------------------------------------

def period_bound(value: str, *, end: bool = False) -> _dt.date:
    """``YYYY``, ``YYYY-MM`` or a full date as the first day of that period (``end=True``: its
    last day, so ``--until 2024-05`` keeps all of May). Raises ``ValueError`` otherwise."""
    value = str(value).strip()
    m = re.fullmatch(r"((?:1[89]|20)\d\d)(?:-(\d{1,2}))?", value)
    if m:
        year, month = int(m.group(1)), int(m.group(2) or (12 if end else 1))
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r}: no month {month}")
        if not end:
            return _dt.date(year, month, 1)
        nxt = _dt.date(year + month // 12, month % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)
    found = parse_date(value)
    if found is None:
        raise ValueError(f"{value!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    return found


@attrs.define
class DateScreen:
    """Keeps the documents dated within ``[since, until]`` and counts the rest.

    A document without a date cannot be placed in a period: when a period is given it is left
    out unless ``keep_undated`` (and counted either way). With no period every document passes and
    the screen only counts the undated ones, which every run that groups by date reports."""

    since: _dt.date | None = None
    until: _dt.date | None = None
    keep_undated: bool = False
    rules: Metadata | None = None  # None: the rules in force when a document is screened
    on_skip: Any = None  # called with each item :meth:`screen` leaves out (a progress bar counts it)
    seen: int = 0
    undated: int = 0
    outside: int = 0

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def kept(self) -> int:
        return self.seen - self.outside - (self.undated if self.active and not self.keep_undated else 0)

    def admits(self, meta: Mapping, doc_id: str | None = None) -> bool:
        """Count one document and say whether it is kept."""
        self.seen += 1
        d = (self.rules or current()).date(meta or {}, doc_id)
        if d is None:
            self.undated += 1
            return self.keep_undated or not self.active
        if (self.since and d < self.since) or (self.until and d > self.until):
            self.outside += 1
            return False
        return True

    def keeps(self, item) -> bool:
        """:meth:`admits` for an analysis dict, a document or an analysis object."""
        where = _meta_and_id(item)
        return where is None or self.admits(*where)

    @classmethod
    def of(cls, since: str | None = None, until: str | None = None, *, keep_undated: bool = False,
           rules: Metadata | None = None) -> DateScreen:
        """The screen of ``--since``/``--until`` written as on the command line (``"2024"``,
        ``"2024-05"`` — to the end of May for ``until`` — or a full date)."""
        return _period(period_bound(since) if since else None, period_bound(until, end=True) if until else None,
                       keep_undated, rules)

    def add_counts(self, other: DateScreen) -> None:
        """Add another screen's counts to this one's (the copies that screened on other processes)."""
        self.seen += other.seen
        self.undated += other.undated
        self.outside += other.outside

    def screen(self, items: Iterable, meta_of=None) -> Iterator:
        """The items it admits; ``meta_of(item) -> (meta, doc_id)`` (default: an analysis dict's
        ``document``, or an object's ``.meta`` and ``.id``). Items without metadata and failed
        inputs pass uncounted."""
        for item in items:
            where = (meta_of or _meta_and_id)(item)
            if where is None or self.admits(*where):
                yield item
            elif self.on_skip is not None:
                self.on_skip(item)

    def message(self) -> str:
        """One line for stderr: how many documents were undated, skipped and kept."""
        if self.active:
            undated = (f"{self.undated} undated kept" if self.keep_undated
                       else f"{self.undated} undated skipped (--keep-undated keeps them)")
            return (f"kzmedia: {self.seen} document(s): {self.outside} outside "
                    f"{self.since or '…'}..{self.until or '…'} skipped, {undated}, {self.kept} kept")
        return (f"kzmedia: {self.undated} of {self.seen} document(s) undated (no date in --dates, "
                f"--date-field, the metadata or the URL): left out of every per-month count")


def _meta_and_id(item) -> tuple[Mapping, str | None] | None:
    from .analysis import FailedDocument

    if isinstance(item, FailedDocument):  # a failed input passes uncounted: its error is reported
        return None
    if isinstance(item, Mapping):
        doc = item.get("document", item)
        return (doc.get("meta") or {}), doc.get("id")
    meta = getattr(item, "meta", None)
    if meta is None:
        doc = getattr(item, "document", None)
        meta = getattr(doc, "meta", None)
        if meta is None:
            return None
        return meta, getattr(doc, "id", None)
    return meta, getattr(item, "id", None)


# --- the command line ---------------------------------------------------------------------------

def _since(value: str) -> _dt.date:
    return _bound(value, end=False)


def _until(value: str) -> _dt.date:
    return _bound(value, end=True)


def _bound(value: str, *, end: bool) -> _dt.date:
    import argparse

    try:
        return period_bound(value, end=end)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def add_metadata_arguments(parser, *, period: bool = False, outlets: bool = True) -> None:
    """``--outlet-map`` (with ``outlets``), ``--dates``, ``--date-field`` (and ``--since``/``--until``/
    ``--keep-undated`` with ``period``) for every command that groups or filters documents by
    outlet or date. A command that takes ``period`` screens its documents with
    :func:`screen_from_args` and prints :meth:`DateScreen.message`."""
    g = parser.add_argument_group("metadata (outlets and dates; docs/corpus.md#outlets-and-dates)")
    if outlets:
        g.add_argument("--outlet-map", metavar="FILE",
                       help="name outlets: lines 'HOST-OR-DOMAIN = NAME', e.g. 'russian.rt.com = RT' "
                            "(or a .toml file)")
    g.add_argument("--dates", metavar="FILE",
                   help="publication dates by document id: lines 'ID = YYYY-MM-DD' (or 'id,date' CSV)")
    g.add_argument("--date-field", metavar="FIELD", help="read the date from this metadata field first")
    if period:
        g.add_argument("--since", type=_since, metavar="DATE",
                       help="keep documents published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
        g.add_argument("--until", type=_until, metavar="DATE",
                       help="keep documents published on or before DATE (YYYY-MM: to the end of that month)")
        g.add_argument("--keep-undated", action="store_true",
                       help="with --since/--until: keep the documents that have no date (default: skip them)")


def metadata_from_args(args) -> Metadata:
    """The :class:`Metadata` rules from the options :func:`add_metadata_arguments` added."""
    outlet_map = load_outlet_map(args.outlet_map) if getattr(args, "outlet_map", None) else {}
    dates = load_dates(args.dates) if getattr(args, "dates", None) else {}
    return Metadata(outlet_map=outlet_map, dates=dates, date_field=getattr(args, "date_field", None))


def screen_from_args(args, rules: Metadata | None = None) -> DateScreen:
    """The :class:`DateScreen` of ``--since``/``--until``/``--keep-undated`` (dating by ``rules``,
    default: the rules in force as it screens)."""
    return _period(getattr(args, "since", None), getattr(args, "until", None),
                   bool(getattr(args, "keep_undated", False)), rules)


def _period(since: _dt.date | None, until: _dt.date | None, keep_undated: bool, rules) -> DateScreen:
    if since and until and since > until:
        raise MetadataError(f"--since {since} is after --until {until}")
    return DateScreen(since=since, until=until, keep_undated=keep_undated, rules=rules)
