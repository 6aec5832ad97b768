"""Builds the optional C parts: the block walk (classifier/page/_cwalk.pyx) and the text channel's
counting and hashing (classifier/model/_ctext.pyx). Everything else is in pyproject.toml.

Both are optional: where Cython, lxml's headers or a compiler are missing, the install goes on
without them and newsqual uses the pure-Python code, which gives the same results.
"""

from setuptools import Extension, setup

#: No debug information: it triples the size of the modules and nobody steps through generated C.
_FLAGS = ["-O2", "-g0"]


def extensions() -> list[Extension]:
    """The C walk, or nothing when it cannot be cythonized here."""
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:
        return []
    exts = [
        Extension("classifier.page._cwalk", ["classifier/page/_cwalk.pyx"], include_dirs=lxml.get_include(),
                  extra_compile_args=_FLAGS, optional=True),
        Extension("classifier.model._ctext", ["classifier/model/_ctext.pyx"], extra_compile_args=_FLAGS,
                  optional=True),
    ]
    try:
        return cythonize(exts, quiet=True)
    except Exception:  # a Cython that cannot compile this file: fall back, never fail the install
        return []


setup(ext_modules=extensions())
