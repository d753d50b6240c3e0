"""The project's settings plus the fault-test spider (``SCRAPY_SETTINGS_MODULE=tests.faults.settings``)."""

from crawler.settings import *
from tests.faults.interrupt import interrupt_if_loading_settings

SPIDER_MODULES = ["crawler.spiders", "tests.faults.spiders"]

# Each write transaction held open FAULT_WRITE_DELAY seconds (kill tests: -s FAULT_WRITE_DELAY=0.05).
ITEM_PIPELINES = {**ITEM_PIPELINES, "crawler.pipelines.Store": None,
                  "tests.faults.pipelines.HeldStore": 300}
FAULT_WRITE_DELAY = 0.0  # seconds (a float: -s values are checked against its type)

# Off unless FAULTS_INTERRUPT_AT names a moment (tests/faults/interrupt.py); the run's
# lifecycle may skip the crawl lock (-s FAULT_NO_LOCK=True, tests/faults/extensions.py).
EXTENSIONS = {**EXTENSIONS, "tests.faults.interrupt.InterruptAt": 0,
              "crawler.extensions.ArchiveRun": None, "tests.faults.extensions.UnlockableRun": 100}
FAULT_NO_LOCK = False

interrupt_if_loading_settings()
