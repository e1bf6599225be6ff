"""roth-ledger tests (a package so helpers and benchmarks import as ``tests.*``)."""
