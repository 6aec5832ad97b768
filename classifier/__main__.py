"""``python -m classifier`` runs the newsqual command line."""

from .cli import main

main()
