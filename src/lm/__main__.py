"""`python -m lm`: the `lm` command."""

from lm.cli import main

main()
