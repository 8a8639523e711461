"""Pure normalisation of the fields the MPI compares: ID numbers, names, phones, addresses."""
