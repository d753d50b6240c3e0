"""The project's settings plus the fault-test spider (``SCRAPY_SETTINGS_MODULE=tests.faults.settings``)."""

from crawler.settings import *

SPIDER_MODULES = ["crawler.spiders", "tests.faults.spiders"]
