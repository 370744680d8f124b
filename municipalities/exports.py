"""The municipalities' exports use the kernel's spreadsheet-safe CSV (``outreach.exports``)."""

from outreach.exports import csv_text, safe_cell

__all__ = ["csv_text", "safe_cell"]
