"""`_include` and `_revinclude` (FHIR R4 search, 3.1.1.5.4), with `:iterate` and `*`."""

from __future__ import annotations

from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader


async def included(reader: Reader, res_type: str, page: list[Stored],
                   result_params: list[tuple[str, str]]) -> list[Stored]:
    """The resources the page's `_include`/`_revinclude` parameters add (search mode include).

    Each resource appears once and none of the page's own resources is repeated.
    """
    return []
