"""The `jointcheck` command line: one module per command group (DESIGN.md §4)."""
