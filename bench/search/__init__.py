"""Search benchmark of issue 3: datasets at two sizes, the query set under wrk, EXPLAIN plans.

Run through bench/run_search.sh (which puts the repository, bench/ and deploy/scripts on the
path): `build` makes a dataset, `measure` runs the queries with 16 clients, `explain` checks
the plans PostgreSQL uses for them. See docs/benchmarks.md, "Search (issue 3)".
"""
