"""Reads of the municipalities app, one module per area, with their joins applied. The SSI import
selectors are re-exported here, where their callers know them."""

from municipalities.selectors.imports import (
    REPORT_COUNTS,
    import_report,
    imports_of_municipality,
    imports_visible_to,
    national_imports,
)

__all__ = [
    "REPORT_COUNTS",
    "import_report",
    "imports_of_municipality",
    "imports_visible_to",
    "national_imports",
]
