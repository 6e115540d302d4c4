"""The /v1 routes, one module per group; each route is thin: parse, call an operation, answer."""
