"""Words of full text, the same for documents and queries, for PostgreSQL and Elasticsearch.

Text is folded as string search values are (compatibility forms, accents, case), then cut
into runs of letters and digits. Chinese, Japanese and Korean have no spaces between words:
a CJK run becomes its overlapping bigrams (`原发性高血压` -> 原发 发性 性高 高血 血压), a
lone CJK character stays a unigram, as Lucene's CJK bigram filter does. A query word is
matched as a phrase of its tokens, so `高血压` (高血 血压, adjacent) finds the text above.
"""

from __future__ import annotations

import re

from fhir_server.search.params.string import normalise

# Han (with extensions and compatibility ideographs), kana and Hangul syllables.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{_CJK}]+)|[^\\W_{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
# Resident ID numbers (15 or 18 characters) and phone numbers are never indexed in clear
# (privacy rule): every run of 7 or more digits, and 17 digits with the check letter x.
_PRIVATE = re.compile(r"\d{7,}|\d{17}x")
_fold = normalise.__wrapped__  # uncached: narratives would evict the names from its cache


def _scan(text: str, tails: list[str] | None) -> list[str]:
    found: list[str] = []
    for match in _RUNS.finditer(_fold(text)):
        run = match.group()
        if match.group(1) is None or len(run) == 1:
            found.append(run)
        else:
            found += [run[i : i + 2] for i in range(len(run) - 1)]
            if tails is not None:
                tails.append(run[-1])
    return found


def tokens(text: str) -> list[str]:
    """The tokens of text, in order (private numbers included: see `document_tokens`)."""
    return _scan(text, None)


def document_tokens(text: str) -> list[str]:
    """The tokens of a document: private numbers left out, and after them the last
    character of each CJK run as a unigram, so that a one-character query (`高*`, see
    `is_cjk_char`) finds a character wherever it stands: bigrams cover every other position.
    """
    tails: list[str] = []
    kept = [t for t in _scan(text, tails) if not (t[0].isdigit() and _PRIVATE.fullmatch(t))]
    return kept + list(dict.fromkeys(tails))


def is_cjk_char(token: str) -> bool:
    """A query token of one CJK character (matched as the prefix of indexed bigrams)."""
    return len(token) == 1 and _CJK_CHAR.fullmatch(token) is not None
