"""Optional dependencies: check for them up front, with a message that names the extra to install."""

from __future__ import annotations

import importlib.util

from .errors import MissingDependency

#: Which ``pip install 'newsqual[EXTRA]'`` brings each optional module.
EXTRA_OF = {
    "sklearn": "train",
    "scipy": "train",
    "joblib": "train",
    "matplotlib": "plots",
    "starlette": "serve",
    "uvicorn": "serve",
    "fastwarc": "warc",
    "warcio": "warc",
    "pyarrow": "parquet",
    "distributed": "dask",
    "scrapy": "scrapy",
    "rensa": "crawl",
    "tldextract": "crawl",
}


def require(feature: str, *modules: str, any_of: bool = False) -> None:
    """Raise :class:`MissingDependency` unless the modules (or, with ``any_of``, one of them) are installed."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing or (any_of and len(missing) < len(modules)):
        return
    extra = EXTRA_OF.get(missing[0], "all")
    raise MissingDependency(f"{feature} needs {' or '.join(missing) if any_of else ', '.join(missing)}: "
                            f"pip install 'newsqual[{extra}]'")
