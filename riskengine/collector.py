"""Python's cyclic garbage collector, held off while a run builds large structures.

Building an inventory of 10,000 systems and 50,000 integrations makes millions of objects, none of them
garbage; the collector, triggered by the allocations, walked them again and again (1.5 s of a 3 s load), and
the walks of the vendor analysis set off full passes over the whole inventory (0.2 s).

The collector's state is process-wide: only the processes riskengine owns change it (the ``riskengine``
program, which keeps it off until it exits, the CLI around each command, a batch worker between vendors), never a
library function, whose caller may have threads or collector settings of its own. A caller that owns its
process may do the same around a large load::

    with collector_paused():
        graph = SystemGraph(load_inventory(path))   # 10,000 systems: about half the time of a load with it running
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside the block; reference counting frees memory as usual. The collector
    resumes afterwards (if it was running): the new objects are then examined once, not at every
    allocation threshold."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
