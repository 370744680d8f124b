"""Reads for the vaccinator's pages, one module per area."""
