"""Entry point for `python grader` and `python -m grader`."""

import sys
from pathlib import Path

if not __package__:  # `python grader`: Python put grader/ itself on sys.path
    root = Path(__file__).resolve().parent.parent
    sys.path[0] = str(root)

from grader.cli import main

sys.exit(main())
