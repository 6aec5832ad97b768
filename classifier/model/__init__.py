"""The scoring model: the verified ``.npz`` bundle with its additive step functions (``bundle``) and the
hashed n-gram text channel (``textchannel``). Scoring needs numpy alone; fitting lives in ``classifier.training``.
"""
