"""Run the Alembic migrations shipped inside the package and those of the modules.

A module with tables of its own names the folder of its migration scripts through the
`regional_hie.migrations` entry-point group (the value is a Python package whose folder holds
the scripts). Its scripts form a branch of their own (`branch_labels`, `down_revision=None`,
`depends_on` the core revision they need), so the core's chain and each module's chain grow
independently and `heads` brings every one up to date.
"""

from __future__ import annotations

import os
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def version_locations() -> list[str]:
    """The core's versions folder, then each module's (from the entry points)."""
    folders = [str(MIGRATIONS / "versions")]
    for ep in entry_points(group="regional_hie.migrations"):
        package = import_module(ep.value)
        folders.extend(str(Path(p)) for p in package.__path__)
    return folders


def upgrade(dsn: str, revision: str = "heads") -> None:
    """Bring the database at dsn up to the given revision (default: every branch's head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(version_locations()))
    config.attributes["dsn"] = dsn
    command.upgrade(config, revision)
