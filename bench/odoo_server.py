"""Odoo's server command for bench/load.py. The multi-process server runs its
own script again with ``gevent`` for its websocket process, which ``python
-m odoo`` cannot be and the load does not use: here that process only waits
for its server to stop."""

import os
import sys
import time

if sys.argv[1:2] == ["gevent"]:
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(5)
else:
    from odoo.cli.command import main

    main()
