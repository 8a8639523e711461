"""Load benchmark of a FHIR server's repository core (read, create, update, transaction).

The pieces: `patients` (bench/patients.py) makes the data, `workload` turns it into request
files, `wrk` replays them with bench/wrk/replay.lua, `cpu` says who burnt the CPU meanwhile,
`report` prints the table. `bench/fhir_load.py` is the command line.
"""
