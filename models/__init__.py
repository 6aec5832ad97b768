"""The bundled model as package data (installed as ``classifier.models``; see ``classifier/settings.py``)."""
