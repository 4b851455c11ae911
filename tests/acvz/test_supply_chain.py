"""The install is reproducible: every dependency of pyproject.toml is pinned with hashes in
requirements.lock (the production image), and with the test extra in requirements-test.lock
(`make`'s virtualenv); `make lock` regenerates both. Each pin lies in the project's own range."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def locked(name: str) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) of a lock file."""
    text = (ROOT / name).read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s\\;]+)", block)
        if match:
            pins[canonicalize_name(match.group(1))] = (
                match.group(2),
                block.count("--hash=sha256:"),
            )
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))]
)
def test_every_dependency_is_pinned_with_hashes_within_its_range(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [
        *project["dependencies"],
        *(spec for extra in extras for spec in project["optional-dependencies"][extra]),
    ]
    pins = locked(lock)
    problems = []
    for spec in wanted:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{name}: not in requirements.lock (run make lock)")
            continue
        version, hashes = pins[name]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{name}=={version} is outside {requirement.specifier}")
        if hashes == 0:
            problems.append(f"{name}: no hash")
    assert problems == []
    # Every pin carries hashes (pip refuses the file otherwise), and no path of a machine.
    assert all(hashes for _version, hashes in pins.values())
    text = (ROOT / lock).read_text()
    assert "file://" not in text
    assert "--find-links" not in text
