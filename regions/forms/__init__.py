"""The regional coordinator's forms, one module per area."""
