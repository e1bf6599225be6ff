"""The event store contract, run on every backend (STYLE.md, example 7)."""
