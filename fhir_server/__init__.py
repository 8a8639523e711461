"""regional-hie FHIR R4 core. What modules (mpi, terminology, imaging, ...) may use is named here.

A module registers itself with `register(platform)` through the `regional_hie.modules`
entry-point group and works through these names only.
"""

from fhir_server.auth import Principal, acting_as
from fhir_server.auth import current as current_principal
from fhir_server.errors import FhirError, Issue, operation_outcome
from fhir_server.events import after_commit, before_commit
from fhir_server.interactions.writing import WriteResult
from fhir_server.operations.registry import (
    Operation,
    OperationCall,
    OperationRegistry,
    OperationResult,
)
from fhir_server.platform import Platform
from fhir_server.search import compile_query, index_rows
from fhir_server.search import register as register_search_parameter
from fhir_server.storage.models import Stored
from fhir_server.storage.postgres import Reader, Repository, Session
from fhir_server.validation import validate_resource

__all__ = [
    "FhirError",
    "Issue",
    "Operation",
    "OperationCall",
    "OperationRegistry",
    "OperationResult",
    "Platform",
    "Principal",
    "Reader",
    "Repository",
    "Session",
    "Stored",
    "WriteResult",
    "acting_as",
    "after_commit",
    "before_commit",
    "compile_query",
    "current_principal",
    "index_rows",
    "operation_outcome",
    "register_search_parameter",
    "validate_resource",
]
