#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run the whole suite
# against real PostgreSQL, Redis and Elasticsearch (the fixtures start them in temporary
# folders; Elasticsearch comes from Maven Central and runs on Debian's JDK 17).
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v npm >/dev/null || need+=(npm)
command -v mvn >/dev/null || need+=(maven)
compgen -G "/usr/lib/jvm/*/bin/jlink" >/dev/null || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m fhir_server.definitions   # fetch the official R4 package once (npm)
python3 -c 'import sys; sys.path.insert(0, "deploy/scripts"); import services
services.elasticsearch_zip()'       # fetch Elasticsearch once (Maven Central)

python3 -m ruff check fhir_server synthdata mpi tests interop_tests bench deploy
python3 -m mypy fhir_server synthdata mpi
python3 -m pytest -q -p no:cacheprovider "$@"
