"""The resource limits of one learner's kernel, whichever isolation runs it.

Standard library only: the limits-only mode must not need any part of the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one learner's kernel (and of everything it starts)."""

    cell_timeout: float = 30.0  # seconds of wall time per cell (enforced by the executor)
    notebook_timeout: float = 300.0  # seconds of wall time per notebook (enforced by the engine)
    memory_mb: int = 1024  # address space per process / cgroup memory of the whole sandbox
    processes: int = 64  # max processes+threads of the sandbox user/cgroup
    file_size_mb: int = 16  # RLIMIT_FSIZE: biggest file the learner code may write
    output_bytes: int = 1_000_000  # max bytes of outputs kept per notebook (enforced by the engine)
    cpu_seconds: int = 600  # RLIMIT_CPU hard stop
