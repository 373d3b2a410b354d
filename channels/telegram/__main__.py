import sys

from channels.telegram.webhook_cli import main

sys.exit(main())
