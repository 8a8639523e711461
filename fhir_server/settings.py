"""Platform settings: one pydantic-settings class; docs/configuration.md lists every variable."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the platform, read from `HIE_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="HIE_", extra="ignore")

    data_dir: Path = Field(default=Path(".hie-data"), description="Folder for embedded data.")
    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; unset means an embedded pgserver in data_dir."
    )
    broker_url: str | None = Field(
        default=None, description="Celery broker (Redis) URL; unset means jobs run in-process."
    )
    definitions_dir: Path = Field(
        default=Path.home() / ".cache" / "regional-hie",
        description="Cache of the FHIR R4 definition packages fetched from npm.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8080/fhir", description="Public FHIR base URL used in links."
    )
    max_body_bytes: int = Field(default=16 * 1024 * 1024, description="Largest request body.")
    max_json_depth: int = Field(default=64, description="Deepest nesting accepted in a body.")
    index_key: str = Field(
        default="regional-hie-development-index-key",
        description="Secret key of the HMAC that protected identifiers and phones are indexed "
        "under; change it in production (and reindex).",
    )
    protected_identifier_systems: list[str] = Field(
        default=["urn:oid:2.16.156.10011.1.3"],
        description="Identifier systems whose values are never indexed in clear.",
    )
    db_pool_min: int = Field(default=2, description="Smallest database pool per process.")
    db_pool_max: int = Field(default=16, description="Largest database pool per process.")
    default_page_size: int = Field(default=20, description="_count when the client gives none.")
    max_page_size: int = Field(default=1000, description="Largest _count honoured.")
    max_bundle_entries: int = Field(default=10000, description="Largest transaction or batch.")
    audit_synchronous_reads: bool = Field(
        default=True,
        description="Answer a read only once its audit event is flushed to disk (false: "
        "committed without waiting for the WAL flush; a database crash may lose the last "
        "fraction of a second of read events, never those of writes).",
    )
    audit_seal_interval: float = Field(
        default=2.0, description="Seconds between runs of the audit chain sealer in each process."
    )
    elasticsearch_url: str | None = Field(
        default=None, description="Elasticsearch URL for _text/_content; unset: PostgreSQL."
    )
    elasticsearch_index: str = Field(
        default="hie-fulltext", description="Alias of the Elasticsearch full-text index."
    )
    elasticsearch_max_hits: int = Field(
        default=10000, description="More Elasticsearch hits than this: PostgreSQL answers."
    )
    elasticsearch_timeout: float = Field(
        default=2.0, description="Seconds an Elasticsearch request may take."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
