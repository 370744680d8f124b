"""Writes of the municipalities app, one module per area. Each service is one transaction (or
says why not). The SSI import services are re-exported here, where their callers know them."""

from municipalities.services.imports import (
    checksum,
    ssi_list_import_enqueue,
    ssi_list_import_give_up,
    ssi_list_import_process,
    ssi_list_import_receive,
    ssi_list_import_receive_upload,
)

__all__ = [
    "checksum",
    "ssi_list_import_enqueue",
    "ssi_list_import_give_up",
    "ssi_list_import_process",
    "ssi_list_import_receive",
    "ssi_list_import_receive_upload",
]
