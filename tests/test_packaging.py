"""The lock files: complete for pyproject.toml, consistent with each other, and what the test run uses."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def locked(name: str) -> dict[str, Version]:
    packages = tomllib.loads((ROOT / name).read_text())["packages"]
    return {canonicalize_name(p["name"]): Version(p["version"]) for p in packages}


def test_the_locks_satisfy_every_requirement_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for lock_name, requirements in (
        ("pylock.toml", project["dependencies"]),
        ("pylock.test.toml", project["dependencies"] + project["optional-dependencies"]["test"]),
    ):
        versions = locked(lock_name)
        for line in requirements:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            assert name in versions, f"{requirement.name} is missing from {lock_name}: run `make lock`"
            assert requirement.specifier.contains(versions[name], prereleases=True), (
                f"{lock_name} has {requirement.name} {versions[name]}, pyproject asks {requirement.specifier}: run `make lock`"
            )


def test_running_and_testing_use_the_same_versions():
    run, test = locked("pylock.toml"), locked("pylock.test.toml")
    assert set(run) <= set(test)
    assert {name: run[name] for name in run} == {name: test[name] for name in run}


def test_this_environment_is_the_locked_one():
    mismatched = []
    for name, wanted in locked("pylock.test.toml").items():
        try:
            installed = Version(version(name))
        except PackageNotFoundError:
            mismatched.append(f"{name} not installed")
            continue
        if installed != wanted:
            mismatched.append(f"{name} {installed} (lock: {wanted})")
    assert not mismatched, "install from the lock (make test): " + ", ".join(mismatched)
