"""Master patient index (issue 5): normalisation, blocking and evaluation against the truth."""
