"""Types of the compiled block walk (``_cwalk.pyx``)."""

import lxml.etree

from .page import Block, Link

def walk(root: lxml.etree._Element) -> tuple[tuple[Block, ...], tuple[Link, ...]]: ...
