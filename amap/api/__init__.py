"""The JSON API under /api/v1, for scripts holding a personal token."""
