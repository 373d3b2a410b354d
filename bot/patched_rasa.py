"""`python -m bot.patched_rasa <rasa arguments>`: Rasa's own command line with this project's
prediction patches to Rasa installed (bot/patches.py: rules first, the model thread), so `rasa test` checks the
dialogue exactly as the server runs it. `make test-stories` runs the story tests both ways.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def main() -> None:
    from bot import patches

    patches.install_prediction_patches()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
