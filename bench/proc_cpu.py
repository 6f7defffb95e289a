"""CPU time of processes and their threads, and the machine's idle time, read from /proc.

Linux only: every reader answers None (or nothing) where /proc is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Cpu:
    """User and system CPU seconds."""

    user_s: float
    system_s: float

    @property
    def total_s(self) -> float:
        return self.user_s + self.system_s

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.user_s - other.user_s, self.system_s - other.system_s)


def _cpu_of(stat_path: Path) -> Cpu | None:
    try:
        stat = stat_path.read_text(encoding="ascii")
    except OSError:
        return None
    # Fields after the command name, which is in brackets and may hold spaces.
    fields = stat.rpartition(")")[2].split()
    return Cpu(int(fields[11]) * _TICK_S, int(fields[12]) * _TICK_S)


def process_cpu(pid: int) -> Cpu | None:
    """What the process has used so far, all its threads together."""
    return _cpu_of(Path(f"/proc/{pid}/stat"))


def thread_cpu(pid: int) -> dict[int, Cpu]:
    """What each live thread of the process has used so far, by thread id."""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return {}
    found = {tid: _cpu_of(Path(f"/proc/{pid}/task/{tid}/stat")) for tid in tids}
    return {tid: cpu for tid, cpu in found.items() if cpu is not None}


def machine_idle() -> tuple[int, int] | None:
    """(idle and I/O-wait ticks, all ticks) of every core since boot."""
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0]
    except OSError:
        return None
    ticks = [int(v) for v in first.split()[1:]]
    return ticks[3] + ticks[4], sum(ticks)
