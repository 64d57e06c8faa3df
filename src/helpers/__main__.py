"""``python -m helpers`` — see :mod:`helpers.cli`.

Ctrl-C while the modules are still being imported (pandas takes a second) ends the run the same
way as later: one line, exit code 130, nothing read or written.
"""

import sys

try:
    from .cli import main
except KeyboardInterrupt:
    print("interrupted while starting: nothing read or written", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
