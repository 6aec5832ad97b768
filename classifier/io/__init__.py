"""Inputs and outputs around the scorer: targets and files (``sources``), safe fetching (``fetch``,
``fetch_many``, ``addresses``), WARC records (``warc``), result sinks (``output``) and byte sizes (``units``).
"""
