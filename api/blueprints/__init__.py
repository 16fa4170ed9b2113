"""One blueprint per area; each view parses, calls one use case, shapes the result."""
