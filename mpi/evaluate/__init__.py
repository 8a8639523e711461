"""Evaluation of linkage against the synthetic county's truth files."""
