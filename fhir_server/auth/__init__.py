"""Identity and access (ARCHITECTURE.md `auth/`): who is asking, and what they may see."""

from fhir_server.auth.principal import DEVELOPMENT, BreakGlass, Principal, acting_as, current

__all__ = ["DEVELOPMENT", "BreakGlass", "Principal", "acting_as", "current"]
