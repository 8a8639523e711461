"""Residents: the age/sex pyramid, households, names, resident ID numbers and phones."""
