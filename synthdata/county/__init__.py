"""The modelled county: administrative divisions, villages, facilities and their staff."""
