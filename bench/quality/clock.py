"""Wall and CPU time of a piece of work, children processes included.

The benchmark machine is shared, so wall time swings with other people's
load; CPU time (user + system, of this process and of the `ganprior`,
`gmic` and other commands it waited for) is the steadier figure.
"""
import resource
import time


def _cpu():
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + c.ru_utime + c.ru_stime


class Stopwatch:
    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def split(self, n=1):
        """(wall, cpu) seconds since the start, divided by n."""
        return (time.perf_counter() - self.wall) / n, (_cpu() - self.cpu) / n
