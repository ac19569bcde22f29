import sys

from kbgen.cli.main import main

sys.exit(main())
