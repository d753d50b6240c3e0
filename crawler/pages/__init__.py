"""Page objects: one module per source; they parse, never request, store or read settings."""
