"""The patch engines of the FHIR `patch` interaction (R4 http.html#patch).

JSON Patch (RFC 6902) and FHIRPath Patch (fhirpatch.html) both return a patched copy and
report failures as FhirError: 400 for a malformed patch, 422 for one that cannot apply.
"""

from fhir_server.patch.fhirpath_patch import apply_fhirpath_patch
from fhir_server.patch.json_patch import apply_json_patch

__all__ = ["apply_fhirpath_patch", "apply_json_patch"]
