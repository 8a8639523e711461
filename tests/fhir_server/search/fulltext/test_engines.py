"""`_text` and `_content` answered by PostgreSQL full text and by Elasticsearch: same cases,
same hand-worked expected sets (R4 search.html#text), and PostgreSQL when Elasticsearch fails.

The data: four R4 examples (Patient example and f001, Condition example and stroke) and
hand-made Chinese resources (`CHINESE` below), in a database of their own; Elasticsearch
holds the same documents, built from PostgreSQL by `reindex_elastic`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from fhir_server.errors import FhirError
from fhir_server.search import compile_query, index_rows
from fhir_server.search.fulltext import elastic
from fhir_server.search.fulltext.clauses import RidClause, TextClause
from fhir_server.search.fulltext.indexing import reindex_elastic
from fhir_server.settings import Settings, get_settings
from fhir_server.storage.migrate import upgrade

from ..examples import example

pytestmark = pytest.mark.integration

DATABASE = "fulltext_cases"
ALIAS = "hie-test-fulltext-cases"
EXAMPLES = ("Patient-example", "Patient-f001", "Condition-example", "Condition-stroke")
XHTML = '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>'


def _condition(cid: str, narrative: str | None, code_text: str) -> dict[str, Any]:
    found: dict[str, Any] = {"resourceType": "Condition", "id": cid,
                             "subject": {"reference": "Patient/zh-pat"},
                             "code": {"text": code_text}}
    if narrative is not None:
        found["text"] = {"status": "generated", "div": XHTML.format(narrative)}
    return found


CHINESE = (
    _condition("zh-htn", "原发性高血压，血压控制良好", "原发性高血压"),
    _condition("zh-dm", "2型糖尿病，伴血糖升高", "2型糖尿病"),
    _condition("zh-both", "高血压合并<b>糖尿病</b>", "高血压 糖尿病"),
    _condition("zh-trad", "高血壓", "高血壓"),  # traditional: folded to 高血压
    _condition("zh-none", None, "慢性胃炎"),  # no narrative
    _condition("en-htn", "Essential hypertension, blood pressure well controlled",
               "Hypertension"),
    {"resourceType": "Patient", "id": "zh-pat",
     "text": {"status": "generated", "div": XHTML.format("患者王秀英，身份证 41022519900101123X")},
     "identifier": [{"system": "urn:oid:2.16.156.10011.1.3", "value": "41022519900101123X"}],
     "telecom": [{"system": "phone", "value": "13800138000"}],
     "name": [{"text": "王秀英"}]},
)
CONDITIONS = {"example", "stroke", "zh-htn", "zh-dm", "zh-both", "zh-trad", "zh-none", "en-htn"}
HTN = {"zh-htn", "zh-both", "zh-trad"}

CASES = [
    # R4 examples
    ("Patient?_content=chalmers", {"example"}),
    ("Patient?_text=CHALMERS", {"example"}),
    ("Patient?_text=amsterdam", {"f001"}),
    ("Patient?_content=0648352638", set()),  # f001's phone, in its narrative: never indexed
    ("Condition?_text=stroke", {"stroke"}),
    ('Condition?_text="severe burn"', {"example"}),
    ('Condition?_text="burn severe"', set()),  # a phrase keeps its order
    ("Condition?_text=burn OR stroke", {"example", "stroke"}),
    ("Condition?_text=burn,stroke", {"example", "stroke"}),
    ("Condition?_text=ear stroke", set()),  # words are ANDed
    ("Condition?_text=(burn OR stroke) NOT ear", {"stroke"}),
    ("Condition?_text=hypertension", {"en-htn"}),
    # Chinese: bigrams, folding, single characters
    ("Condition?_text=高血压", HTN),
    ("Condition?_content=高血压", HTN),
    ("Condition?_text=糖尿病", {"zh-dm", "zh-both"}),
    ("Condition?_text=高血压 糖尿病", {"zh-both"}),
    ("Condition?_text=高血压 AND 糖尿病", {"zh-both"}),
    ("Condition?_text=高血压 NOT 糖尿病", {"zh-htn", "zh-trad"}),
    ("Condition?_text=NOT 高血压", CONDITIONS - HTN),  # zh-none has no narrative: it matches
    ("Condition?_text=压", HTN),  # one character: anywhere in a word
    ("Condition?_text=血糖升高", {"zh-dm"}),
    ("Condition?_text=血压高", set()),  # 血压 and 压高 adjacent: nowhere
    ("Condition?_text=胃炎", set()),  # only in zh-none's code text
    ("Condition?_content=胃炎", {"zh-none"}),
    ("Condition?_content=2型糖尿病", {"zh-dm"}),
    ("Patient?_text=王秀英", {"zh-pat"}),
    ("Patient?_content=王秀英", {"zh-pat"}),
    ("Patient?_content=41022519900101123X", set()),  # resident ID: never indexed
    ("Patient?_content=13800138000", set()),  # phone: never indexed
]


def _resources() -> list[dict[str, Any]]:
    return [example(*name.split("-", 1)) for name in EXAMPLES] + list(CHINESE)


async def _load(dsn: str) -> None:
    resources = _resources()
    conn = await asyncpg.connect(dsn)
    try:
        for resource in resources:
            rid = await conn.fetchval(
                "INSERT INTO resource (res_type, res_id, version, last_updated, body) "
                "VALUES ($1, $2, 1, $3, $4) RETURNING rid", resource["resourceType"],
                resource["id"], datetime(2024, 1, 1, tzinfo=UTC), orjson.dumps(resource))
            for table, rows in index_rows(resource).items():
                if rows:
                    await conn.copy_records_to_table(table, records=[(rid, *r) for r in rows])
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def cases_db(postgres: str) -> AsyncIterator[tuple[str, asyncpg.Pool]]:
    """The database of the cases: (its DSN, a pool on it)."""
    admin = await asyncpg.connect(postgres)
    await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    await admin.execute(f"CREATE DATABASE {DATABASE}")
    await admin.close()
    dsn = postgres.rsplit("/", 1)[0] + "/" + DATABASE
    await asyncio.to_thread(upgrade, dsn)
    await _load(dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    yield dsn, pool
    await pool.close()


@pytest.fixture(scope="module")
async def es_cases(elasticsearch: str, cases_db: tuple[str, asyncpg.Pool]) -> str:
    """Elasticsearch holding the cases' documents, rebuilt from PostgreSQL; its URL."""
    settings = Settings(elasticsearch_url=elasticsearch, elasticsearch_index=ALIAS)
    assert await reindex_elastic(cases_db[0], settings=settings) == len(_resources())
    return elasticsearch


def _use(monkeypatch: pytest.MonkeyPatch, url: str | None, **extra: str) -> None:
    if url is None:
        monkeypatch.delenv("HIE_ELASTICSEARCH_URL", raising=False)
    else:
        monkeypatch.setenv("HIE_ELASTICSEARCH_URL", url)
    monkeypatch.setenv("HIE_ELASTICSEARCH_INDEX", ALIAS)
    for name, value in extra.items():
        monkeypatch.setenv(f"HIE_ELASTICSEARCH_{name.upper()}", value)
    get_settings.cache_clear()
    elastic._paused_until[0] = 0.0


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()
    elastic._paused_until[0] = 0.0


@pytest.fixture(params=["postgres", "elasticsearch"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each engine in turn: PostgreSQL alone, then Elasticsearch (answering every search)."""
    url = request.getfixturevalue("es_cases") if request.param == "elasticsearch" else None
    _use(monkeypatch, url)
    return str(request.param)


def _compile(query: str) -> Any:
    resource_type, _, text = query.partition("?")
    return compile_query(resource_type, [tuple(text.split("=", 1))])  # type: ignore[list-item]


async def search(pool: asyncpg.Pool, query: str) -> set[str]:
    """The ids a search finds, by whichever engine the settings name."""
    resource_type = query.partition("?")[0]
    where, args = _compile(query).where_sql("r", 2)
    rows = await pool.fetch(
        f"SELECT r.res_id FROM resource r WHERE r.res_type = $1 AND NOT r.deleted AND {where}",
        resource_type, *args)
    return {row["res_id"] for row in rows}


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_case(engine: str, cases_db: tuple[str, asyncpg.Pool], query: str,
                    expected: set[str]) -> None:
    kind = RidClause if engine == "elasticsearch" else TextClause
    assert isinstance(_compile(query).clauses[0], kind)
    assert await search(cases_db[1], query) == expected


@pytest.mark.parametrize("query", ['Condition?_text="open', "Condition?_text=(a",
                                   "Condition?_text=，。", "Condition?_text:exact=a"])
def test_bad_value_is_400(engine: str, query: str) -> None:
    with pytest.raises(FhirError) as error:
        _compile(query)
    assert error.value.status == 400


async def test_postgres_answers_when_elasticsearch_is_down(
        cases_db: tuple[str, asyncpg.Pool], monkeypatch: pytest.MonkeyPatch) -> None:
    import services

    _use(monkeypatch, f"http://127.0.0.1:{services.free_port()}")
    assert isinstance(_compile("Condition?_text=高血压").clauses[0], TextClause)
    assert await search(cases_db[1], "Condition?_text=高血压") == HTN
    assert elastic._paused_until[0] > 0  # and it is left alone for a while


async def test_postgres_answers_when_elasticsearch_finds_too_many(
        es_cases: str, cases_db: tuple[str, asyncpg.Pool],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, es_cases, max_hits="2")
    assert isinstance(_compile("Condition?_text=高血压").clauses[0], TextClause)
    assert await search(cases_db[1], "Condition?_text=高血压") == HTN
    assert isinstance(_compile("Condition?_text=糖尿病").clauses[0], RidClause)
