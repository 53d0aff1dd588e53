"""``python -m micrograd_notes`` runs the ``micrograd-notes`` command."""

import sys

from micrograd_notes.cli import main

sys.exit(main())
