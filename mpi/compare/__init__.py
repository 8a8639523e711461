"""Comparison of two Patients' facts, field by field, into agreement levels."""
