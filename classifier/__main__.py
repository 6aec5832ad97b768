"""``python -m classifier`` runs the newsqual command line."""

from .entry import main

main()
