"""The sizes a demo inventory (numkit.demo) may have, apart from the generator, so that the
`numkit demo` command states its limits without loading NumPy and pyarrow for `--help`."""

MIN_SITES = 5           # Cust-1 has Site-A/B/C, Cust-2 two more
# The most sites a demo export has: each site's nodes and rows are built in memory.
MAX_SITES = 100_000
