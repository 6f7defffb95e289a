"""`python -m deconflict`: the same as the `deconflict` command."""

from deconflict.cli.main import main

main()
