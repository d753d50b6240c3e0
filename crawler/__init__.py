"""mfa-archive's Scrapy project: spiders, page objects, extraction and the command line."""
