"""certification."""
