"""The central server: intake, routing, SLA clocks, roles, the change feed, Open311."""
