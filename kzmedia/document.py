"""The document model: an immutable text, its metadata, token columns, sentences and findings.

A :class:`Document` never alters its text (CRLF line endings, BOMs and odd spaces stay), so every
offset agrees with other tools' annotations of the same file. Token data is kept in compact
columns (:class:`Tokens`); a :class:`Token` is a light view created on demand.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import attrs

from .errors import DocumentError
from .morphology import ALT_LEMMAS, KIND, LEMMA, NORM, POS, TAG, TokenInfo, get_morphology
from .results import Finding
from .text import KIND_NAMES, NUMBER, PUNCT, WORD

#: default upper bound on a document's size; larger inputs are refused with a clear error
MAX_CHARS = 5_000_000
#: how a user lifts the limit, named in every refusal
MAX_CHARS_HINT = "raise the limit with max_chars= (CLI: --max-chars N)"

META_KEYS = ("outlet", "date", "url", "title", "language")


# --------------------------------------------------------------------------------------------
# Segments and tokens (findings live in :mod:`kzmedia.results`)
# --------------------------------------------------------------------------------------------

@attrs.frozen
class Segment:
    """A sentence or paragraph: character bounds and the half-open token range it covers."""

    start: int
    end: int
    token_start: int
    token_end: int

    def text(self, document: "Document") -> str:
        return document.text[self.start:self.end]


@attrs.frozen
class Token:
    """A view of one token: built on demand from the columns, not stored."""

    i: int
    start: int
    end: int
    text: str
    norm: str
    kind: str
    lemma: str
    pos: str | None
    tag: str | None
    alt_lemmas: frozenset[str] = frozenset()

    @property
    def grammemes(self) -> frozenset[str]:
        """pymorphy3 grammemes, e.g. ``{'NOUN', 'femn', 'sing', 'ablt'}``."""
        return frozenset(re.split(r"[ ,]", self.tag)) if self.tag else frozenset()


class Tokens(Sequence):
    """Column store of a document's tokens.

    ``starts``/``ends`` are character offsets; ``infos[i]`` is a :class:`kzmedia.TokenInfo`
    (a named tuple shared by every token with the same surface form: ``infos[i].lemma``,
    ``infos[i].pos``…; ``alt_lemmas`` holds the other readings pymorphy3 allows as a sorted tuple,
    or ``None``). Use :meth:`info`, :meth:`norm`, :meth:`lemma` etc. in hot loops, indexing
    (``tokens[i]``) when a full :class:`Token` with offsets and text is wanted.
    """

    __slots__ = ("text", "starts", "ends", "infos", "source", "_norms", "_forms")

    def __init__(self, text: str, starts: list[int], ends: list[int], infos: list[tuple],
                 source: tuple | None = None):
        self.text, self.starts, self.ends, self.infos = text, starts, ends, infos
        #: ``(morphology, generation)`` when every info came from that morphology's current
        #: vocabulary (lets a :class:`kzmedia.memo.FormMemo` skip checking the forms one by one)
        self.source = source
        self._norms = self._forms = None

    def __reduce__(self):
        # the columns travel; the morphology (a process-wide cache) does not
        return (Tokens, (self.text, self.starts, self.ends, self.infos))

    # -- columns for matchers: built once per document, shared by every analyzer --------------
    @property
    def norms(self) -> list[str]:
        """The folded form of every token (a column, so set and dict operations run in C)."""
        if self._norms is None:
            self._norms = list(map(itemgetter(NORM), self.infos))
        return self._norms

    @property
    def forms(self) -> dict[str, tuple]:
        """Each distinct folded form of the document → its info tuple. A matcher looks up what
        may start at a form once per form, not once per token."""
        if self._forms is None:
            self._forms = dict(zip(self.norms, self.infos))
        return self._forms

    def positions(self, norms: set[str] | frozenset[str]) -> list[int]:
        """Indices of the tokens whose folded form is in ``norms``, in text order."""
        if not norms:
            return []
        return list(itertools.compress(range(len(self.infos)), map(norms.__contains__, self.norms)))

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        info = self.infos[i]
        if i < 0:
            i += len(self)
        return Token(i, self.starts[i], self.ends[i], self.text[self.starts[i]:self.ends[i]],
                     info[NORM], KIND_NAMES[info[KIND]], info[LEMMA], info[POS], info[TAG],
                     frozenset(info[ALT_LEMMAS] or ()))

    def info(self, i: int) -> TokenInfo:
        """Token ``i``'s :class:`kzmedia.TokenInfo` (norm, kind, lemma, pos, tag, alt_lemmas)."""
        return self.infos[i]

    def norm(self, i: int) -> str:
        return self.infos[i][NORM]

    def lemma(self, i: int) -> str:
        return self.infos[i][LEMMA]

    def kind(self, i: int) -> int:
        return self.infos[i][KIND]

    def pos(self, i: int) -> str | None:
        return self.infos[i][POS]

    def tag(self, i: int) -> str | None:
        return self.infos[i][TAG]

    def is_word(self, i: int) -> bool:
        return self.infos[i][KIND] == WORD

    def surface(self, i: int) -> str:
        return self.text[self.starts[i]:self.ends[i]]

    def index_at(self, char_offset: int) -> int:
        """Index of the first token ending after ``char_offset``."""
        return bisect.bisect_right(self.ends, char_offset)

    def word_count(self) -> int:
        return sum(map(WORD.__eq__, map(itemgetter(KIND), self.infos)))  # the column, in C


# --------------------------------------------------------------------------------------------
# Sentences and paragraphs
# --------------------------------------------------------------------------------------------

_SENTENCE_END = frozenset(".!?…")
_ABBREVIATIONS = frozenset(
    "г гг т д др пр им ул просп пер обл р руб тыс млн млрд см ст рис им акад проф доц "
    "англ рус лат напр т.е т.д т.п н.э до н.э с.г ок вв".split()
)
_OPENERS = "«\"„“'([—–-"


_PARAGRAPH = re.compile(r"\S(?:[^\r\n]*\S)?")  # a line, without its leading/trailing blanks


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Each non-blank line is a paragraph (the unit of SemEval and of most news sites)."""
    return [m.span() for m in _PARAGRAPH.finditer(text)]


def _split_sentences(tokens: Tokens, para_start_tok: int, para_end_tok: int,
                     ends_at: list[int]) -> list[tuple[int, int]]:
    """Rule-based sentence boundaries inside one paragraph, as token index ranges.

    ``ends_at``: the document's ``.!?…`` tokens (only they can end a sentence), in order.
    """
    out = []
    begin = para_start_tok
    text, starts, ends = tokens.text, tokens.starts, tokens.ends
    resume = para_start_tok
    for k in range(bisect.bisect_left(ends_at, para_start_tok), len(ends_at)):
        i = ends_at[k]
        if i >= para_end_tok:
            break
        if i < resume:
            continue  # inside a run already swallowed
        surface = text[starts[i]:ends[i]]
        j = i + 1
        # swallow runs like "?!", "..." and closing quotes/brackets
        while j < para_end_tok and text[starts[j]:ends[j]] in '.!?…»"”)\'':
            j += 1
        if j >= para_end_tok:
            break
        nxt = text[starts[j]:ends[j]]
        prev = tokens.norm(i - 1) if i > begin else ""
        is_abbrev = surface == "." and (
            prev in _ABBREVIATIONS
            or (i > begin and len(tokens.surface(i - 1)) == 1 and tokens.surface(i - 1).isupper())
        )
        starts_new = nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] in _OPENERS
        if starts_new and not is_abbrev:
            out.append((begin, j))
            begin = j
        resume = j
    if begin < para_end_tok:
        out.append((begin, para_end_tok))
    return out


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------

def _meta_converter(value: Mapping | None) -> dict:
    return dict(value or {})


@attrs.frozen
class Document:
    """An immutable text with an id and metadata; tokens, sentences and paragraphs on demand.

    Build one with :meth:`from_text`, :meth:`from_file` or :meth:`from_dict` (one JSONL record).
    """

    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    id: str = attrs.field(default=None)
    meta: dict = attrs.field(factory=dict, converter=_meta_converter, eq=False)
    language: str = "ru"
    _cache: dict = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def __attrs_post_init__(self):
        if self.id is None:
            object.__setattr__(self, "id", "sha1:" + self.content_hash[:12])

    def __reduce__(self):
        # Ship plain data across process boundaries; the receiver re-tokenises on demand.
        return (_rebuild_document, (self.text, self.id, self.meta, self.language))

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str, id: str | None = None, *, language: str = "ru", **meta) -> "Document":
        return cls(text=text, id=id, meta=meta, language=language)

    @classmethod
    def from_file(cls, path: str | os.PathLike, *, encoding: str | None = None, id: str | None = None,
                  max_chars: int = MAX_CHARS, **meta) -> "Document":
        """Read a text file exactly as stored (no newline translation).

        UTF-8 is required unless ``encoding`` is given; a decoding failure names the file and the
        byte offset. The document id defaults to the path as given.
        """
        source = os.fspath(path)
        try:
            with open(path, "rb") as fh:
                raw = fh.read(max_chars * 4 + 1)
        except OSError as e:
            raise DocumentError(f"cannot read file: {e.strerror or e}", source=source) from None
        if len(raw) > max_chars * 4:
            raise DocumentError(f"file is larger than the {max_chars:,}-character limit; {MAX_CHARS_HINT}",
                                source=source)
        from .decoding import decode  # the one decoding policy (BOMs, UTF-16 without one, errors)

        text = decode(raw, source=source, encoding=encoding)
        if len(text) > max_chars:
            raise DocumentError(f"text has {len(text):,} characters, over the {max_chars:,} limit; {MAX_CHARS_HINT}",
                                source=source)
        return cls(text=text, id=id if id is not None else source, meta=meta)

    @classmethod
    def from_dict(cls, record: Mapping, *, text_field: str = "text", id_field: str = "id",
                  meta_fields: Sequence[str] | None = None, default_id: str | None = None) -> "Document":
        """Build a document from one mapping (e.g. a JSONL record).

        The text is taken from ``text_field`` (``content`` is accepted when ``text`` is absent);
        every other key, or only ``meta_fields``, becomes metadata.
        """
        if text_field not in record and text_field == "text" and "content" in record:
            text_field = "content"
        if text_field not in record:
            raise DocumentError(f"record has no {text_field!r} field (keys: {sorted(record)[:8]})",
                                source=default_id)
        text = record[text_field]
        if not isinstance(text, str):
            raise DocumentError(f"field {text_field!r} is {type(text).__name__}, not text", source=default_id)
        doc_id = record.get(id_field) or record.get("url") or default_id
        if meta_fields is None:
            meta = {k: v for k, v in record.items() if k not in (text_field, id_field)}
        else:
            meta = {k: record[k] for k in meta_fields if k in record}
        if isinstance(meta.get("meta"), Mapping):  # round-trip of to_dict()
            meta = {**meta.pop("meta"), **meta}
        language = meta.pop("language", None) or record.get("language") or "ru"
        return cls(text=text, id=str(doc_id) if doc_id is not None else None, meta=meta, language=language)

    def to_dict(self) -> dict:
        return {"id": self.id, "text": self.text, "language": self.language, "meta": dict(self.meta)}

    # -- derived data -----------------------------------------------------------------------
    @property
    def content_hash(self) -> str:
        """SHA-256 of the UTF-8 text: identifies the content whatever the id."""
        h = self._cache.get("hash")
        if h is None:
            h = self._cache["hash"] = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()
        return h

    @property
    def tokens(self) -> Tokens:
        t = self._cache.get("tokens")
        if t is None:
            morphology = get_morphology(self.language)
            generation = morphology.generation
            starts, ends, infos = morphology.tokenize(self.text)
            # a cache reset in the middle of this text: some infos predate the new vocabulary
            source = (morphology, generation) if morphology.generation == generation else None
            t = self._cache["tokens"] = Tokens(self.text, starts, ends, infos, source)
        return t

    @property
    def words(self) -> int:
        """Number of word tokens (the denominator of every per-1,000-words figure)."""
        n = self._cache.get("words")
        if n is None:
            n = self._cache["words"] = self.words_in(0, len(self.tokens))
        return n

    @property
    def paragraphs(self) -> list[Segment]:
        p = self._cache.get("paragraphs")
        if p is None:
            tokens = self.tokens
            p = []
            for a, b in _paragraph_bounds(self.text):
                ta = bisect.bisect_left(tokens.starts, a)
                tb = bisect.bisect_left(tokens.starts, b)
                p.append(Segment(a, b, ta, tb))
            self._cache["paragraphs"] = p
        return p

    @property
    def sentences(self) -> list[Segment]:
        s = self._cache.get("sentences")
        if s is None:
            tokens = self.tokens
            ends_at = tokens.positions(_SENTENCE_END)
            s = []
            for para in self.paragraphs:
                for ta, tb in _split_sentences(tokens, para.token_start, para.token_end, ends_at):
                    if ta < tb:
                        s.append(Segment(tokens.starts[ta], tokens.ends[tb - 1], ta, tb))
            self._cache["sentences"] = s
        return s

    def sentence_index(self) -> list[int]:
        """For each token, the index of its sentence (-1 outside any): a column for hot loops."""
        col = self._cache.get("sentence_of")
        if col is None:
            col = [-1] * len(self.tokens)
            for k, sent in enumerate(self.sentences):
                col[sent.token_start:sent.token_end] = [k] * (sent.token_end - sent.token_start)
            self._cache["sentence_of"] = col
        return col

    def words_in(self, token_start: int, token_end: int) -> int:
        """Number of word tokens in ``tokens[token_start:token_end]`` (O(1) after one pass)."""
        prefix = self._cache.get("word_prefix")
        if prefix is None:
            prefix = self._cache["word_prefix"] = [0, *itertools.accumulate(  # the column, in C
                map(WORD.__eq__, map(itemgetter(KIND), self.tokens.infos)))]
        return prefix[token_end] - prefix[token_start]

    def sentence_at(self, char_offset: int) -> Segment | None:
        """The sentence covering ``char_offset``, or ``None`` (between sentences, outside text)."""
        sents = self.sentences
        i = self.tokens.index_at(char_offset)
        if i >= len(self.tokens):
            return None
        k = self.sentence_index()[i]
        if k >= 0 and sents[k].start <= char_offset < sents[k].end:
            return sents[k]
        return None

    # -- evidence -------------------------------------------------------------------------
    def finding(self, analyzer: str, label: str, start: int, end: int, *, score: float | None = None,
                **extra: Any) -> Finding:
        """A :class:`Finding` whose text is taken from this document, so the invariant holds."""
        if not (0 <= start < end <= len(self.text)):
            raise ValueError(f"span {start}..{end} is outside the document ({len(self.text)} chars)")
        return Finding(analyzer=analyzer, label=label, start=start, end=end,
                       text=self.text[start:end], score=score, extra=extra)

    def check_finding(self, finding: Finding) -> None:
        """Raise ``ValueError`` unless ``self.text[finding.start:finding.end] == finding.text``."""
        if finding.end > len(self.text) or self.text[finding.start:finding.end] != finding.text:
            raise ValueError(f"finding {finding.label!r} at {finding.start}..{finding.end} "
                             f"does not match the text of document {self.id!r}")



def _rebuild_document(text, id, meta, language):
    return Document(text=text, id=id, meta=meta, language=language)


__all__ = ["Document", "Finding", "Segment", "Token", "Tokens", "WORD", "NUMBER", "PUNCT", "MAX_CHARS"]
