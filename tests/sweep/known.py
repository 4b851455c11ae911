"""Leaks the sweep finds in today's code, each with the operations and checks it fails.

The integrator empties this list as the fixes land. A listed leak still fails the run (one
`test_known_leak_today[...]` each, so it shows as a failure, never as a skip or xfail); the
operation's own test accepts exactly its listed failures and fails when a listed leak no longer
reproduces there (remove the operation from the entry, or the entry), so the list cannot go
stale. Anything not listed is a new failure of its operation's test.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

from tests.sweep.runner import Failure


@dataclass(frozen=True)
class KnownLeak:
    id: str
    title: str
    ops: tuple[str, ...]  # operation ids, exactly as the sweep's test ids
    check: str | tuple[str, ...]  # checks, or their start: "marker:H", "hidden", "write"
    users: str | tuple[str, ...] = "*"  # globs over user labels ("itat@*")
    targets: str | tuple[str, ...] = "*"  # globs over "case / object" ("closed*"; "-": none)
    #: For marker checks: the marker fields (world.py's field codes) the leak shows; a failure
    #: with any other marker is not this leak.
    fields: tuple[str, ...] = ()

    def matches(self, op_id: str, failure: Failure) -> bool:
        return (
            op_id in self.ops
            and any(failure.check.startswith(c) for c in _many(self.check))
            and any(fnmatch(failure.user, u) for u in _many(self.users))
            and any(fnmatch(failure.target, t) for t in _many(self.targets))
            and (not self.fields or all(t[5:-1] in self.fields for t in failure.tokens))
        )


def _many(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _both(*names: str) -> tuple[str, ...]:
    """A page's GET and POST (a function view answers both)."""
    return tuple(f"{method} {name}" for name in names for method in ("GET", "POST"))


KNOWN_LEAKS_TODAY: list[KnownLeak] = []
