"""The project's settings plus the fault-test spider (``SCRAPY_SETTINGS_MODULE=tests.faults.settings``)."""

from crawler.settings import *
from tests.faults.interrupt import interrupt_if_loading_settings

SPIDER_MODULES = ["crawler.spiders", "tests.faults.spiders"]

# Off unless FAULTS_INTERRUPT_AT names a moment (tests/faults/interrupt.py).
EXTENSIONS = {**globals().get("EXTENSIONS", {}), "tests.faults.interrupt.InterruptAt": 0}

interrupt_if_loading_settings()
