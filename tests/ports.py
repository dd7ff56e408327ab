"""A free TCP port on loopback for a server a test starts."""

from bench.system import free_port

__all__ = ["free_port"]
