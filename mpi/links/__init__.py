"""Links between source Patients and their golden record."""
