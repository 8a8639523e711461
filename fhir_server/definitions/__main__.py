"""`python -m fhir_server.definitions`: fetch the R4 package and compile the type system once."""

from fhir_server.definitions.packages import package_dir
from fhir_server.definitions.structure import type_system

if __name__ == "__main__":
    print(f"R4 package: {package_dir()}")
    print(f"resource types: {len(type_system().resource_types)}")
