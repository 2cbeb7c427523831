"""An inverted index over the stand-in's record versions, so esearch terms resolve without scanning."""

from __future__ import annotations

import bisect
from collections import defaultdict

from litwatch.core.records import Record
from litwatch.standin.query import Term, normalise_value, words_of

# Running-text fields that untagged terms search, and which tags read which of them.
_TEXT_PARTS = {
    "ti": ("ti",),
    "ab": ("ab",),
    "tiab": ("ti", "ab"),
    "kw": ("kw",),
    "all": ("ti", "ab", "kw", "mh"),
}

# PubMed accepts a language by its code or its English name.
_LANGUAGE_NAMES = {
    "eng": "english",
    "fre": "french",
    "ger": "german",
    "spa": "spanish",
    "ita": "italian",
    "jpn": "japanese",
    "chi": "chinese",
    "rus": "russian",
    "por": "portuguese",
    "pol": "polish",
    "dut": "dutch",
    "kor": "korean",
    "tur": "turkish",
    "swe": "swedish",
    "dan": "danish",
    "nor": "norwegian",
    "cze": "czech",
    "hun": "hungarian",
    "heb": "hebrew",
    "gre": "greek",
    "ara": "arabic",
    "per": "persian",
}


class _Postings:
    """word -> {document: positions}; one per text part, so phrases stay inside one field."""

    def __init__(self) -> None:
        self.positions: dict[str, dict[int, list[int]]] = defaultdict(dict)
        self._sorted_words: list[str] | None = None

    def add(self, document: int, words: list[str], offset: int = 0) -> None:
        for position, word in enumerate(words, start=offset):
            self.positions[word].setdefault(document, []).append(position)
        self._sorted_words = None

    def words_with_prefix(self, prefix: str) -> list[str]:
        if self._sorted_words is None:
            self._sorted_words = sorted(self.positions)
        start = bisect.bisect_left(self._sorted_words, prefix)
        found = []
        for word in self._sorted_words[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def word_positions(self, word: str, truncated: bool) -> dict[int, set[int]]:
        """Documents and positions holding the word (or, truncated, any word it begins)."""
        candidates = self.words_with_prefix(word) if truncated else [word]
        merged: dict[int, set[int]] = defaultdict(set)
        for candidate in candidates:
            for document, positions in self.positions.get(candidate, {}).items():
                merged[document].update(positions)
        return merged

    def phrase(self, words: list[str], truncated: bool) -> set[int]:
        """Documents where the words stand consecutively; the last may be truncated."""
        if not words:
            return set()
        hits = self.word_positions(words[0], truncated and len(words) == 1)
        starts = {document: set(positions) for document, positions in hits.items()}
        for step, word in enumerate(words[1:], start=1):
            last = step == len(words) - 1
            following = self.word_positions(word, truncated and last)
            starts = {
                document: {p for p in positions if p + step in following[document]}
                for document, positions in starts.items()
                if document in following
            }
            starts = {document: positions for document, positions in starts.items() if positions}
        return set(starts)


class _Values:
    """normalised value -> documents, for headings and codes matched whole (or by prefix)."""

    def __init__(self) -> None:
        self.documents: dict[str, set[int]] = defaultdict(set)
        self._sorted_values: list[str] | None = None

    def add(self, document: int, value: str) -> None:
        normalised = normalise_value(value)
        if normalised:
            self.documents[normalised].add(document)
            self._sorted_values = None

    def match(self, value: str, truncated: bool) -> set[int]:
        normalised = normalise_value(value)
        if not truncated:
            return set(self.documents.get(normalised, ()))
        if self._sorted_values is None:
            self._sorted_values = sorted(self.documents)
        found: set[int] = set()
        start = bisect.bisect_left(self._sorted_values, normalised)
        for candidate in self._sorted_values[start:]:
            if not candidate.startswith(normalised):
                break
            found |= self.documents[candidate]
        return found


class TextIndex:
    """Words and headings of every indexed document (one document = one served record version)."""

    def __init__(self) -> None:
        self._text = {part: _Postings() for part in ("ti", "ab", "kw", "mh")}
        self._values = {field: _Values() for field in ("mh", "majr", "pt", "la", "au")}

    def add(self, document: int, record: Record) -> None:
        """Index one record version under the document number the caller chose."""
        self._text["ti"].add(document, words_of(record.title))
        self._add_separately(self._text["ab"], document, [s.text for s in record.abstract])
        self._add_separately(self._text["kw"], document, list(record.keywords))
        self._add_separately(self._text["mh"], document, list(record.mesh_terms))
        for heading in record.mesh_headings:
            self._values["mh"].add(document, heading.descriptor)
            for qualifier in heading.qualifiers:
                self._values["mh"].add(document, f"{heading.descriptor} {qualifier}")
            if heading.major:
                self._values["majr"].add(document, heading.descriptor)
        for publication_type in record.publication_types:
            self._values["pt"].add(document, publication_type)
        for language in record.languages:
            self._values["la"].add(document, language)
            if language.lower() in _LANGUAGE_NAMES:
                self._values["la"].add(document, _LANGUAGE_NAMES[language.lower()])
        for author in record.authors:
            if author.collective_name:
                self._values["au"].add(document, author.collective_name)
            else:
                self._values["au"].add(document, f"{author.last_name} {author.initials}")
                self._values["au"].add(document, f"{author.last_name} {author.fore_name}")

    @staticmethod
    def _add_separately(postings: _Postings, document: int, texts: list[str]) -> None:
        # A gap between sections or headings keeps a phrase from spanning two of them.
        offset = 0
        for text in texts:
            words = words_of(text)
            postings.add(document, words, offset)
            offset += len(words) + 1

    def documents(self, term: Term) -> set[int]:
        """Documents matching a text or value term (dates and PMIDs are the corpus's business)."""
        if term.field in self._values:
            value = term.text.replace("/", " ")  # "metformin/adverse effects"[mh]
            return self._values[term.field].match(value, term.truncated)
        words = words_of(term.text)
        if not words:
            return set()
        # Quoted or not, words that normalise apart ("b12-deficiency") must stand together.
        found: set[int] = set()
        for part in _TEXT_PARTS[term.field]:
            found |= self._text[part].phrase(words, term.truncated)
        return found
