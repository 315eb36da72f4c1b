"""`python -m normwatch` runs the command line (the same as the `normwatch` script)."""

from .cli import main

main()
