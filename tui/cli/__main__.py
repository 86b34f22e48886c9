"""``python -m relplan.tui.cli``: the same as the ``relplan`` command."""

import sys

from relplan.tui.entry import main

sys.exit(main())
