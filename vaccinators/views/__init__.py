"""The vaccinator's pages, one module per area."""
