"""Declared sources: a ministry described as data (``crawler/sources/<key>.toml``).

``schema`` holds the typed declaration, ``loader`` reads and validates the TOML
files, ``pages`` and ``spider`` are the generic page objects and spider that a
declaration drives.
"""
