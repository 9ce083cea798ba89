"""seesaw: the seesaw phenomenon of multi-task learning (MMoE, KDD 2018; PLE, RecSys 2020) in JAX.

Importing seesaw before JAX makes every CPU core its own XLA device (see `seesaw.host`), so the
run axis of a sweep is sharded over the cores.
"""

from seesaw.host import use_cpu_cores

use_cpu_cores()
