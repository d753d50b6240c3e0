"""One spider per ministry; the spider's name is the source key (ISO 3166 alpha-2)."""
