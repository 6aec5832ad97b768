"""``python -m classifier`` runs the newsqual command line."""

from .cli_score import main

main()
