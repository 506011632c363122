"""`python -m bot`: the command line."""

import sys

try:
    from bot.cli import main
except KeyboardInterrupt:
    # Ctrl-C while the modules load, before click (which answers one later) is running:
    # the same line and exit code as then, not a traceback of the import machinery.
    print("Aborted.", file=sys.stderr)
    sys.exit(1)

main(prog_name="python -m bot")
