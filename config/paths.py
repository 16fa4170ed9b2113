"""Where the project's own files are: the root of the checkout, whatever the working directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
