"""The HTTP routes, one router per area; each takes the running service as a dependency."""
