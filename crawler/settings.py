"""Scrapy settings for mfa-archive. Our own settings carry the ``ARCHIVE_`` prefix.

Every deviation from a Scrapy default says so in a ``# default`` comment.
"""

from __future__ import annotations

import os

BOT_NAME = "mfa-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# Where sources come from (crawler/registry.py), in order: callables returning Source records.
ARCHIVE_SOURCE_PROVIDERS = ["crawler.registry.coded_sources",
                            "crawler.declared.provider.declared_sources"]

# Identify honestly, with a way to reach the operator.
ARCHIVE_CONTACT_URL = os.getenv("MFA_ARCHIVE_CONTACT", "https://github.com/mfa-archive/mfa-archive")
USER_AGENT = f"mfa-archive/0.1 (+{ARCHIVE_CONTACT_URL})"  # default "Scrapy/VERSION (+https://scrapy.org)"

# Politeness.
ROBOTSTXT_OBEY = True  # default False
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # default 8
DOWNLOAD_DELAY = 1.0  # default 0: one request per second per domain
AUTOTHROTTLE_ENABLED = True  # default False
AUTOTHROTTLE_START_DELAY = 1.0  # default 5.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # default 1.0 (stated for clarity)

# Bounded downloads: government pages are small; a 30 MB page is a fault.
DOWNLOAD_TIMEOUT = 60  # default 180
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # default 1 GiB; applies after decompression too
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024  # default 32 MiB
RETRY_TIMES = 3  # default 2
REDIRECT_MAX_TIMES = 10  # default 20
COOKIES_ENABLED = True  # default True (form postbacks need the jar)
TELNETCONSOLE_ENABLED = False  # default True
REMOTE_CONTROL_ENABLED = False  # default True: a code-running HTTP console, like telnet
# Items per response processed at once. Scrapy starts this many asyncio tasks for
# every response, however few items it yields; a release page yields one item, a
# listing page ~20 requests, and responses are already processed concurrently.
# 100 tasks per response cost the reactor thread ~1 s per 2,000 pages; 1 would make
# a listing page's requests wait for its frontier write (benchmarks/crawl.py: 2 best).
CONCURRENT_ITEMS = 2  # default 100
# Bytes of responses being processed (extraction included) before Scrapy stops
# taking new ones: what waits for the extraction workers is what memory holds.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000  # default 5_000_000
# Scrapy re-reads and parses a callback's source on every response to warn about
# `return value` in generators (its cache is keyed by short-lived bound methods).
WARN_ON_GENERATOR_RETURN_VALUE = False  # default True
LOG_LEVEL = "INFO"  # default "DEBUG"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # After OffsiteMiddleware (50), before RobotsTxtMiddleware (100), so robots.txt
    # is read from the mirror when --base-url points the crawl there.
    "crawler.middlewares.MirrorRebase": 60,
    "crawler.middlewares.LoopbackGuard": 70,
    # robots.txt with RFC 9309 semantics: 5xx or unreachable disallows the host.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtRFC9309": 100,
    # Retry honouring Retry-After, in Scrapy's RetryMiddleware place (550).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterRetry": 550,
    # Responses pass middlewares from high to low: after decompression (590).
    "crawler.middlewares.MislabelledEncoding": 580,
    # Next to the downloader: requests as sent, responses as received (crawler/warc.py).
    # Off unless ARCHIVE_WARC_DIR is set.
    "crawler.warc.WarcRecorder": 950,
    # Off, each costing the reactor thread on every response for nothing the archive
    # uses (benchmarks/crawl.py): byte counts in Scrapy's stats (which re-serialise
    # every response, body included) and HTTP auth (no source logs in).
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}

# Items named by type and URL in logs, never dumped whole (a ReleaseItem is a page).
SPIDER_MIDDLEWARES = {
    # Last on the way out: requests go to the mirror before they are scheduled.
    "crawler.middlewares.MirrorRebase": 10,
    # Off: each wraps every callback's output in one more async generator. Depth is
    # neither limited nor used (spiders page themselves, ARCHIVE_MAX_PAGES bounds
    # them); the meta-copy check warns about spider code copying response.meta,
    # which ours never does.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

LOG_FORMATTER = "crawler.logformatter.ArchiveLogFormatter"  # default scrapy.logformatter.LogFormatter

# The run in the archive (lock, run row, frontier, status): see crawler/extensions.py.
EXTENSIONS = {
    "crawler.extensions.ArchiveRun": 100,
    "crawler.progress.Progress": 500,  # only with ARCHIVE_PROGRESS
}

ITEM_PIPELINES = {
    "crawler.pipelines.Validate": 100,
    "crawler.pipelines.Extract": 200,
    "crawler.pipelines.Store": 300,
}

# --- mfa-archive settings -------------------------------------------------
ARCHIVE_DB_URL = None  # None: db.urls.database_url() (env MFA_ARCHIVE_DB)
ARCHIVE_BASE_URL = None  # a mirror to send every request to (tests, demo)
ARCHIVE_MAX_PAGES = 500  # listing pages per run, a guard against endless paging
ARCHIVE_EXTRACT_WORKERS = None  # processes for extraction; None: one per core, 0: a thread
ARCHIVE_SINCE = None  # ISO date: stop paging below it (also the spider argument `since`)
ARCHIVE_TODAY = None  # ISO date: the crawl day of declared sources (monthly walks, dates without a year); None: today, UTC
ARCHIVE_FULL = False  # re-fetch every archived release (conditional GET), walk every page
ARCHIVE_RETRY_BACKOFF = 3600  # seconds before a failed URL is retried; x4 per attempt, max 7 days
ARCHIVE_RETRY_AFTER_MAX = 300  # seconds: a longer Retry-After gives up (retried next run)
ARCHIVE_RETRY_AFTER_DELAY = 1.0  # seconds: a host's delay after it answered Retry-After
ARCHIVE_SQLITE_BUSY_TIMEOUT = None  # ms; None: db.session's default (30 s)
ARCHIVE_PROGRESS = False  # a progress line on stderr (crawl on a terminal): crawler/progress.py
ARCHIVE_WRITE_BATCH = 50  # releases per write transaction at most (each in a savepoint)
ARCHIVE_WARC_DIR = None  # a directory: also write every request/response as WARC 1.1 there
ARCHIVE_WARC_MAX_BYTES = 1_000_000_000  # a run's WARC file is rotated at this size (1 GB)
ARCHIVE_NODE = None  # the Scrapyd node a job runs on; set by `mfa-archive node` (its node_name)
