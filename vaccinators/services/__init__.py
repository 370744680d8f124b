"""Writes of the vaccinator's day, one module per area."""
