"""Decisions: Fellegi-Sunter weights, EM estimation and thresholds from versioned rules."""
