"""Storage for mfa-archive: models, sessions, reads, writes and exports.

This package never imports Scrapy or :mod:`crawler`.
"""
