"""Codes the county uses: laboratory items and each facility's local lab codes, the unified
formulary, diagnoses, vaccines, imaging procedures and our own code systems."""
