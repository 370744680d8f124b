"""The regional coordinator's pages, one module per area."""
