"""Blocking: the keys that bring candidate pairs together."""
