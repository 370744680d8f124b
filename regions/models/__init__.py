from regions.models.planning import PlanningRun
from regions.models.sessions import PopupSession, PopupSite, RouteDay, SessionBooking
from regions.models.staff import StaffAssignment, StaffMember
from regions.models.stock import (
    Consumable,
    StockBalance,
    StockBatch,
    StockHolder,
    StockMovement,
)

__all__ = [
    "Consumable",
    "PlanningRun",
    "PopupSession",
    "PopupSite",
    "RouteDay",
    "SessionBooking",
    "StaffAssignment",
    "StaffMember",
    "StockBalance",
    "StockBatch",
    "StockHolder",
    "StockMovement",
]
