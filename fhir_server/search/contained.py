"""Contained resources in search (FHIR R4 search.html#contained and #chaining).

A contained resource's search values go to idx_contained, apart from its container's, so a
normal search never matches a container through what it contains. Each row carries the
container's rid and type, the contained resource's type (`ctype`) and id (`cid`), and a
value in the typed slot columns. Rows with cid '' are the container's own `#id` references
(b '#id', a the contained resource's type); rows with param `_id` list the contained
resources. This serves chains through `#id` references (`Observation?subject.name=x` where
subject is a contained Patient) and `_contained=true|both` searches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fhir_server.errors import bad_request
from fhir_server.search import near
from fhir_server.search.clauses import IdClause, IndexClause
from fhir_server.search.expression import split_union
from fhir_server.search.extract import compile_expression
from fhir_server.search.params.composite import SLOT_COLUMNS, slot_sql, to_slot
from fhir_server.search.registry import registry
from fhir_server.search.sql import SqlArgs
from fhir_server.search.typed import Extractor
from fhir_server.storage.models import Stored
from fhir_server.storage.statements import SLOT

if TYPE_CHECKING:
    from fhir_server.search.clauses import Clause
    from fhir_server.search.query import SearchQuery

TABLE = "idx_contained"
CONTAINER = ""  # the cid of rows about the container itself
Row = tuple[Any, ...]
IndexRows = Callable[[dict[str, Any]], dict[str, list[Row]]]


# --- the write path ------------------------------------------------------------------------

_RESOLVE_IS = re.compile(r"^(.+)\.where\(resolve\(\) is (\w+)\)$")

Plan = list[tuple[tuple[str, ...], Extractor, str | None]]


def _reference_plan(resource_type: str) -> Plan:
    """The reference parameters of a type as (codes, extractor, target type required).

    `x.where(resolve() is Patient)` cannot resolve `#id` by itself, so it is read as `x`
    with the contained target's type checked against Patient.
    """
    key = ("contained-references", resource_type)
    cache = registry().derived
    if key not in cache:
        groups: dict[str, list[str]] = {}
        for p in registry().params(resource_type).values():
            if p.type == "reference":
                for alternative in split_union(p.expression):
                    groups.setdefault(alternative, []).append(p.code)
        cache[key] = [_plan_entry(a, tuple(codes), resource_type) for a, codes in groups.items()]
    plan: Plan = cache[key]
    return plan


def _plan_entry(alternative: str, codes: tuple[str, ...], resource_type: str
                ) -> tuple[tuple[str, ...], Extractor, str | None]:
    match = _RESOLVE_IS.match(alternative)
    path, required = (match.group(1), match.group(2)) if match else (alternative, None)
    return codes, compile_expression(path, resource_type).extract, required


def _local_target(value: Any) -> str | None:
    """`#id` of a Reference (or canonical) to a contained resource, else None."""
    text = value.get("reference") if type(value) is dict else value
    return text if type(text) is str and len(text) > 1 and text[0] == "#" else None


def _local_references(resource: dict[str, Any], cid: str, types: dict[str, str],
                      container_type: str) -> list[Row]:
    """Rows for the `#id` references of the container (cid '') or of a contained resource."""
    ctype = resource["resourceType"]
    rows: list[Row] = []
    for codes, extract, required in _reference_plan(ctype):
        for value, _ in extract(resource):
            target = _local_target(value)
            kind = types.get(target[1:]) if target is not None else None
            if kind is not None and required in (None, kind):
                slot = to_slot("idx_reference", (kind, target, None))
                rows += [(container_type, code, ctype, cid, *slot) for code in codes]
    return rows


def index_rows(resource: dict[str, Any], index_rows_of: IndexRows) -> list[Row]:
    """idx_contained rows of a container (`res_type, param, ctype, cid, slot...`).

    index_rows_of is the ordinary indexer, applied to each contained resource.
    """
    container_type = resource["resourceType"]
    contained = [c for c in resource["contained"] if type(c) is dict
                 and type(c.get("id")) is str and c.get("resourceType") in registry().by_type]
    types = {c["id"]: c["resourceType"] for c in contained}
    rows = _local_references(resource, CONTAINER, types, container_type)
    for item in contained:
        ctype, cid = item["resourceType"], item["id"]
        rows.append((container_type, "_id", ctype, cid, *to_slot("idx_uri", (cid,))))
        for table, table_rows in index_rows_of(item).items():
            if table in SLOT_COLUMNS:
                rows += [(container_type, row[1], ctype, cid, *to_slot(table, row[2:]))
                         for row in table_rows]
        rows += _local_references(item, cid, types, container_type)
    return list(dict.fromkeys(rows))


# --- clauses about a contained resource ----------------------------------------------------

def clause_sql(clause: Clause, rid: str, cid: str, args: SqlArgs) -> str | None:
    """A clause compiled for a type, as SQL about the contained resource (rid, cid) of that
    type; None when the clause cannot apply to contained resources (`_has`, full text...)."""
    from fhir_server.search.chain import ChainClause

    if isinstance(clause, IndexClause):
        return _index_sql(clause, rid, cid, args)
    if isinstance(clause, IdClause):
        return f"{cid} = ANY({args.add(list(clause.values))}::text[])"
    if isinstance(clause, ChainClause):
        return _chain_sql(clause, rid, cid, args)
    if isinstance(clause, near.NearClause):
        return _near_sql(clause, rid, cid, args)
    return None


def _index_sql(clause: IndexClause, rid: str, cid: str, args: SqlArgs) -> str | None:
    """As `IndexClause.sql`, over the contained resource's rows of idx_contained."""
    if clause.kind.TABLE not in SLOT_COLUMNS:
        return None  # composite values of contained resources are not indexed
    head = (f"SELECT 1 FROM {TABLE} i WHERE i.rid = {rid} AND i.cid = {cid} "
            f"AND i.ctype = {args.shared(clause.resource_type)} "
            f"AND i.param = {args.add(clause.code)}")
    if clause.modifier == "missing":
        return f"{'NOT ' if clause.values[0] else ''}EXISTS ({head})"
    alternatives = " OR ".join(
        f"({slot_sql(clause.kind, v, clause.value_modifier, args)})" for v in clause.values)
    negation = "NOT " if clause.negated else ""
    return f"{negation}EXISTS ({head} AND ({alternatives}))"


def _near_sql(clause: near.NearClause, rid: str, cid: str, args: SqlArgs) -> str:
    """`near` on a contained Location: its latitude row joined to its longitude row."""
    la, lo = args.alias("la"), args.alias("lo")
    value = SLOT[SLOT_COLUMNS[near.TABLE]["value"]][0]
    head = (f"SELECT 1 FROM {TABLE} {la} JOIN {TABLE} {lo} ON {lo}.rid = {la}.rid "
            f"AND {lo}.cid = {la}.cid AND {lo}.param = {args.add(near.LONGITUDE)} "
            f"WHERE {la}.rid = {rid} AND {la}.cid = {cid} "
            f"AND {la}.ctype = {args.shared(near.BASE)} AND {la}.param = {args.add(near.LATITUDE)}")
    return clause.exists_sql(head, f"{la}.{value}", f"{lo}.{value}", args)


def _chain_sql(clause: Any, rid: str, cid: str, args: SqlArgs) -> str:
    """A chain from a contained resource: to a stored resource, or to another resource
    contained in the same container (`#id`)."""
    k, t = args.alias("k"), args.alias("t")
    stored = " OR ".join(f"({t}.res_type = {args.shared(target)} AND ({inner.sql(t, args)}))"
                         for target, inner in clause.inner)
    local = [f"({k}.a = {args.shared(target)} AND {condition})" for target, inner in clause.inner
             if (condition := clause_sql(inner, f"{k}.rid", f"substr({k}.b, 2)", args))]
    sibling = f" OR ({k}.b LIKE '#%' AND ({' OR '.join(local)}))" if local else ""
    return (f"EXISTS (SELECT 1 FROM {TABLE} {k} WHERE {k}.rid = {rid} AND {k}.cid = {cid} "
            f"AND {k}.ctype = {args.shared(clause.resource_type)} "
            f"AND {k}.param = {args.add(clause.code)} AND (EXISTS (SELECT 1 FROM resource {t} "
            f"WHERE {t}.res_type = {k}.a AND {t}.res_id = {k}.b AND NOT {t}.deleted "
            f"AND ({stored})){sibling}))")


def chain_arm(resource_type: str, code: str, target: str, inner: Clause,
              args: SqlArgs) -> str | None:
    """`SELECT rid` of the resource_type containers whose `code` reference is `#id` of a
    contained `target` satisfying inner (search.html#chaining: chains reach into contained
    resources); None when inner cannot apply to contained resources."""
    link = args.alias("l")
    condition = clause_sql(inner, f"{link}.rid", f"substr({link}.b, 2)", args)
    if condition is None:
        return None
    return (f"SELECT {link}.rid FROM {TABLE} {link} "
            f"WHERE {link}.ctype = {args.shared(resource_type)} "
            f"AND {link}.param = {args.add(code)} AND {link}.cid = '' "
            f"AND {link}.a = {args.shared(target)} AND ({condition})")


# --- _contained and _containedType ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ContainedOptions:
    """`_contained` (true: contained resources only, both: those and normal ones) and
    `_containedType` (container: return the containers, contained: the resources alone)."""

    contained: str
    contained_type: str


def contained_options(result_params: list[tuple[str, str]]) -> ContainedOptions | None:
    """The options of a search, None for the default `_contained=false`; a 400 if invalid."""
    values = dict(result_params)
    contained = values.get("_contained", "false")
    contained_type = values.get("_containedType", "container")
    if contained not in ("true", "false", "both"):
        raise bad_request(f"_contained must be true, false or both, not '{contained}'")
    if contained_type not in ("container", "contained"):
        raise bad_request(f"_containedType must be container or contained, not "
                          f"'{contained_type}'")
    return None if contained == "false" else ContainedOptions(contained, contained_type)


@dataclass(frozen=True, slots=True)
class ContainedMatch:
    """One result of a `_contained` search: a container, and the id of the contained
    resource that matched (None when the entry is the container itself)."""

    container: Stored
    cid: str | None

    @property
    def cursor(self) -> str:
        """Where the next page starts after this match (`_cursor`)."""
        rid = self.container.rid
        return str(rid) if self.cid is None else f"{rid}.{self.cid}"

    def resource(self) -> dict[str, Any]:
        """The entry's resource: the contained resource alone, or the container."""
        container = self.container.resource()
        if self.cid is None:
            return container
        return next(c for c in container["contained"] if c.get("id") == self.cid)

    def full_url(self, base: str) -> str:
        """`[base]/[type]/[id]`, with `#[contained id]` for a contained resource."""
        url = f"{base}/{self.container.res_type}/{self.container.res_id}"
        return url if self.cid is None else f"{url}#{self.cid}"


_COLUMNS = "r.rid, r.res_type, r.res_id, r.version, r.last_updated, r.deleted, r.body"


def _matches_sql(query: SearchQuery, options: ContainedOptions, args: SqlArgs) -> str:
    """`SELECT rid, cid` of the matches: contained ones, and with `both` top-level ones
    (cid '')."""
    kind = args.add(query.resource_type)
    conditions = [clause_sql(c, "x.rid", "x.cid", args) for c in query.clauses]
    if None in conditions:
        raise bad_request("a parameter of this search cannot apply to contained resources",
                          code="not-supported")
    contained = (f"SELECT x.rid, x.cid FROM {TABLE} x WHERE x.ctype = {kind} "
                 f"AND x.param = '_id' AND x.cid <> ''"
                 + "".join(f" AND ({c})" for c in conditions))
    if options.contained == "true":
        return contained
    where = " AND ".join(f"({c.sql('t', args)})" for c in query.clauses) or "TRUE"
    return (f"{contained} UNION ALL SELECT t.rid, '' FROM resource t "
            f"WHERE t.res_type = {kind} AND NOT t.deleted AND {where}")


def _after(cursor: str) -> tuple[int, str]:
    rid, _, cid = cursor.partition(".")
    if cursor and not rid.isdigit():
        raise bad_request("invalid _cursor")
    return int(rid or 0), cid


async def find_contained(conn: Any, query: SearchQuery, options: ContainedOptions,
                         limit: int, after: str = "") -> list[ContainedMatch]:
    """One page of a `_contained=true|both` search of query.resource_type, in storage order.

    With `_containedType=container` each matching container comes once (cid None); with
    `contained`, each matching contained resource (and with `both` each matching top-level
    resource, cid None). after is the previous page's last `ContainedMatch.cursor`.
    """
    args = SqlArgs(1)
    matches = _matches_sql(query, options, args)
    rid, cid = _after(after)
    if options.contained_type == "container":
        sql = (f"SELECT {_COLUMNS}, NULL AS cid FROM resource r WHERE r.rid IN "
               f"(SELECT m.rid FROM ({matches}) m) AND NOT r.deleted "
               f"AND r.rid > {args.add(rid)} ORDER BY r.rid LIMIT {int(limit)}")
    else:
        sql = (f"SELECT {_COLUMNS}, m.cid FROM ({matches}) m JOIN resource r ON r.rid = m.rid "
               f"WHERE NOT r.deleted AND (m.rid, m.cid) > ({args.add(rid)}::bigint, "
               f"{args.add(cid)}::text) ORDER BY m.rid, m.cid LIMIT {int(limit)}")
    rows = await conn.fetch(sql, *args.values)
    return [ContainedMatch(Stored(r["rid"], r["res_type"], r["res_id"], r["version"],
                                  r["last_updated"], r["deleted"], r["body"]), r["cid"] or None)
            for r in rows]


async def count_contained(conn: Any, query: SearchQuery, options: ContainedOptions) -> int:
    """How many entries `find_contained` gives over all pages (`_total`, `_summary=count`)."""
    args = SqlArgs(1)
    matches = _matches_sql(query, options, args)
    keys = "DISTINCT m.rid" if options.contained_type == "container" else "*"
    sql = (f"SELECT count({keys}) FROM ({matches}) m JOIN resource r ON r.rid = m.rid "
           f"WHERE NOT r.deleted")
    return int(await conn.fetchval(sql, *args.values))
