"""Running the ``Scorer`` over many targets: a process pool on one machine (``parallel``) and Dask shards
across a cluster (``distributed``).
"""
