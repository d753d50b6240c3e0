"""Offline mirrors of ministry sites, served on 127.0.0.1 from the project's own fixture data.

Each source's mirror reproduces the real site's structure (URLs, markup,
pagination, encoding, quirks) with releases written for this project.
``python -m crawler.mirror [KEY...]`` serves them and prints one
``KEY URL`` line per source; pass the URL to ``mfa-archive crawl KEY --base-url``.
"""
