"""seesaw: the seesaw phenomenon of multi-task learning (MMoE, KDD 2018; PLE, RecSys 2020) in JAX.

Importing seesaw changes nothing in the process. To shard a sweep's runs over every CPU core, call
`seesaw.host.use_cpu_cores()` before JAX starts its backend (the `seesaw` command and
`seesaw.experiments.runner.run_experiment` do): it makes each core its own XLA device.
"""
