"""Elasticsearch as the full-text engine: the index, its documents, and searches for rids.

One Elasticsearch document per resource that has text, with id the resource's rid, fields
`type`, `text` (narrative tokens) and `content` (content tokens), and no `_source`. The
token texts are the ones PostgreSQL indexes (`tokens.py`), analysed by the built-in
`whitespace` analyzer: Elasticsearch's `cjk` analyzer lives in the analysis-common module,
which the distribution on Maven Central does not carry, and one tokeniser for both engines
gives the same results whichever answers. Versions are external (the resource's version), so
writes indexed out of order, or indexed twice, end with the latest one.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import orjson
from elasticsearch import AsyncElasticsearch, Elasticsearch

from fhir_server.search.fulltext.clauses import RidClause, TextClause
from fhir_server.search.fulltext.documents import CONTENT, NARRATIVE, documents
from fhir_server.search.fulltext.expression import AllOf, AnyOf, Node, Not, Term
from fhir_server.search.fulltext.tokens import is_cjk_char
from fhir_server.settings import get_settings
from fhir_server.storage.models import Stored

log = logging.getLogger(__name__)
# After a failed search, Elasticsearch is left alone for this long: PostgreSQL answers, and a
# hung Elasticsearch does not cost every search its timeout.
PAUSE_AFTER_FAILURE = 30.0
_paused_until = [0.0]

FIELDS = {NARRATIVE: "text", CONTENT: "content"}
_TEXT = {"type": "text", "analyzer": "whitespace", "norms": False}
MAPPING: dict[str, Any] = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0},
    "mappings": {
        "dynamic": "strict",
        "_source": {"enabled": False},
        "properties": {"type": {"type": "keyword"}, "text": _TEXT, "content": _TEXT},
    },
}


@lru_cache(maxsize=4)
def search_client(url: str, timeout: float) -> Elasticsearch:
    """A client for searches, shared by the process; no retries, so a failure is quick."""
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def async_client(url: str, timeout: float) -> AsyncElasticsearch:
    """A client for indexing from the running event loop (close it when done)."""
    return AsyncElasticsearch(url, request_timeout=timeout, max_retries=2)


def query(node: Node, field: str) -> dict[str, Any]:
    """The Elasticsearch query for an expression on one field: a Term is a phrase."""
    if isinstance(node, Term):
        if len(node.tokens) == 1 and is_cjk_char(node.tokens[0]):  # as in clauses.py: a prefix
            return {"prefix": {field: node.tokens[0]}}
        return {"match_phrase": {field: " ".join(node.tokens)}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [query(node.part, field)]}}
    parts = [query(part, field) for part in node.parts]
    if isinstance(node, AllOf):
        return {"bool": {"must": parts}}
    assert isinstance(node, AnyOf)
    return {"bool": {"should": parts, "minimum_should_match": 1}}


def search_rids(client: Elasticsearch, index: str, resource_type: str, param: str,
                node: Node, cap: int) -> list[int] | None:
    """The rids of resource_type whose document matches node; None when more than cap match
    or Elasticsearch fails (the caller then asks PostgreSQL, which has the same documents)."""
    body = {"bool": {"filter": [{"term": {"type": resource_type}}, query(node, FIELDS[param])]}}
    try:
        found = client.search(index=index, query=body, size=cap, source=False,
                              sort=["_doc"], track_total_hits=cap + 1)
    except Exception as error:  # any failure: PostgreSQL answers instead
        log.warning("Elasticsearch search failed, PostgreSQL answers: %s", type(error).__name__)
        _paused_until[0] = time.monotonic() + PAUSE_AFTER_FAILURE
        return None
    if found["hits"]["total"]["value"] > cap:
        return None
    return [int(hit["_id"]) for hit in found["hits"]["hits"]]


def text_clause(resource_type: str, param: str, node: Node) -> RidClause | TextClause:
    """The clause for `_text`/`_content`: the rids Elasticsearch finds when it is configured
    and answers, else PostgreSQL full text (same documents, same tokens, same results).

    A bare `NOT x` asks Elasticsearch for x and excludes its rids, so resources that have no
    document match, as they do in PostgreSQL. The search client is synchronous (clauses are
    compiled synchronously): a short timeout and the pause after a failure bound the wait.
    """
    settings = get_settings()
    if settings.elasticsearch_url is None or time.monotonic() < _paused_until[0]:
        return TextClause(resource_type, param, node)
    negated = isinstance(node, Not)
    positive = node.part if isinstance(node, Not) else node
    client = search_client(settings.elasticsearch_url, settings.elasticsearch_timeout)
    rids = search_rids(client, settings.elasticsearch_index, resource_type, param, positive,
                       settings.elasticsearch_max_hits)
    if rids is None:
        return TextClause(resource_type, param, node)
    return RidClause(tuple(rids), negated)


def actions(stored: Stored, index: str) -> list[dict[str, Any]]:
    """Bulk operations that make the index hold this version of a resource (or not hold it,
    when it is deleted or has no text)."""
    found = {} if stored.body is None else documents(orjson.loads(stored.body))
    head = {"_index": index, "_id": str(stored.rid), "version": stored.version}
    if not found:
        return [{"delete": {**head, "version_type": "external"}}]
    doc = {"type": stored.res_type, **{FIELDS[param]: text for param, text in found.items()}}
    return [{"index": {**head, "version_type": "external_gte"}}, doc]


def failures(response: Any) -> list[str]:
    """The reasons of a bulk response's failed items, less version conflicts (an older version
    arriving after a newer one) and deletions of documents that were never indexed."""
    if not response.get("errors"):
        return []
    reasons = []
    for item in response["items"]:
        result = next(iter(item.values()))
        error = result.get("error")
        if error and result.get("status") != 409:
            reasons.append(str(error.get("type")))
    return reasons


async def ensure_index(client: AsyncElasticsearch, alias: str) -> None:
    """Create the first index behind alias (`alias-1`) unless the alias exists."""
    if await client.indices.exists_alias(name=alias):
        return
    await client.indices.create(index=f"{alias}-1", aliases={alias: {}}, **MAPPING)
