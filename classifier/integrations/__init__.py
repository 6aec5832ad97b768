"""Adapters that plug newsqual into other tools (Scrapy)."""
