from tests.faults.workers import workers

__all__ = ["workers"]
