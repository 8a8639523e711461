"""ASGI entry point for uvicorn workers: `fhir_server.api.asgi:app`."""

from fhir_server.api.app import create_app

app = create_app()
