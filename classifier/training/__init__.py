"""Everything only ``train`` and ``evaluate`` use: the labelled dataset, feature extraction and its cache,
generated training pages and their adversarial check, the fitting recipe and trainer, evaluation, the
report and the plots. The scoring path imports nothing from here (``tests/test_layout.py`` checks).
"""
