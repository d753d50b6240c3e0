"""What ``mfa-archive browse`` adds to stock Datasette, shipped as package data.

``plugins/`` holds the Datasette plugin (loaded with ``--plugins-dir``): a page
per release (``/-/release/ID``: its text with the statements marked, beside
its meetings, participants, statements and versions), a ranked search page
(``/-/search``), the codebook (``/-/codebook``), links from release ids to those pages, and ``raw_html`` kept
off the screen. ``templates/`` holds the pages and the home page, which puts
meetings, participants, statements, persons and search first.
"""
