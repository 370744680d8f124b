from vaccinators.models.routes import (
    RouteList,
    RouteListGroupObjectPermission,
    RouteListUserObjectPermission,
    RouteStop,
    SafetyChecklist,
    VialEvent,
)

__all__ = [
    "RouteList",
    "RouteListGroupObjectPermission",
    "RouteListUserObjectPermission",
    "RouteStop",
    "SafetyChecklist",
    "VialEvent",
]
