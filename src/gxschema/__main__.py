"""``python -m gxschema``: the command line, as the ``gxschema`` script runs it."""

from gxschema.cli import main

main()
