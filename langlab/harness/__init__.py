"""The training harness: suite files, the training loop, the results store and executors.

- ``suite``: the suite file (pydantic models, positioned errors) and its expansion into runs;
- ``train``: ``train(...)``, one plain function, and ``run_one(job)``, one whole training run;
- ``store``: the SQLite results store (one row per finished run; only the parent writes);
- ``execute``: local process pool and Ray executors, progress, resume;
- ``results``: selection on validation and the per-bin summary (max over seeds, mean ± sd).
"""
