"""Bytes or text to one ``Page``: decoding and decompression, the HTML and text parsers, layout, dates and tokens.

Everything a signal reads is built here once (``loader.load_page``); nothing here imports I/O, the
model, the CLI or training.
"""
