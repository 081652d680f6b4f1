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


def make_dry_run(*args: str) -> str:
    import subprocess

    result = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_takes_host_and_port_and_installs_only_what_running_needs():
    commands = make_dry_run("-W", "pylock.toml", "run", "HOST=0.0.0.0", "PORT=8123")
    assert "serve --host 0.0.0.0 --port 8123" in commands
    assert "pylock.toml" in commands and "pylock.test.toml" not in commands


def test_make_reset_forgets_conversations_uploads_and_index_but_not_the_corpus():
    commands = make_dry_run("reset")
    for path in ("index", "data/sessions.sqlite3", "data/uploads", "data/trash"):
        assert path in commands
    assert "corpus" not in commands


def test_make_test_waits_for_the_dpkg_lock():
    assert "DPkg::Lock::Timeout" in (ROOT / "Makefile").read_text()
