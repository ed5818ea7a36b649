"""`make setup` on a fresh machine (issue 23): what it says without the Debian tools, and when it
reinstalls the Python packages (by the requirements' content, never by file times)."""

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="GNU make is not installed")

INSTALL_ORDER = ["requirements-build.txt", "requirements.txt", "requirements-umi.txt"]


def test_non_root_without_debian_tools_says_what_to_install_and_stops(tmp_path):
    # A PATH holding only a non-root `id`: no STAR, samtools, fastp or apt-get on it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_id = bin_dir / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    result = subprocess.run(
        [MAKE, "-C", str(ROOT), "--no-print-directory", "system-deps"],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "sudo apt-get install rna-star samtools fastp" in result.stdout
    assert "--sdm conda" in result.stdout
    assert "installing Debian packages" not in result.stdout


def fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A .venv whose python only records how it was called."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    calls = tmp_path / "calls.txt"
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    python.chmod(0o755)
    return venv, calls


def requirements_hash() -> str:
    return hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in INSTALL_ORDER)).hexdigest()


def make_python_deps(venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKE, "-C", str(ROOT), "--no-print-directory", f"VENV={venv}", "python-deps"],
        capture_output=True,
        text=True,
        env={**os.environ},
    )


def test_newer_requirement_files_do_not_reinstall_a_working_venv(tmp_path):
    venv, calls = fake_venv(tmp_path)
    (venv / ".installed").write_text(requirements_hash() + "\n")
    # What a fresh clone looks like to make: every requirements file newer than the stamp.
    os.utime(venv / ".installed", (0, 0))
    result = make_python_deps(venv)
    assert result.returncode == 0, result.stderr
    assert not calls.exists(), calls.read_text()


def test_changed_requirements_reinstall_in_the_stated_order(tmp_path):
    venv, calls = fake_venv(tmp_path)
    (venv / ".installed").write_text("0" * 64 + "\n")
    result = make_python_deps(venv)
    assert result.returncode == 0, result.stderr
    installs = calls.read_text().splitlines()
    assert [line.split()[-1] for line in installs] == INSTALL_ORDER
    # Every install builds with the pinned build tools, not a build-isolated pip's own.
    assert all("--no-build-isolation" in line for line in installs)
    assert (venv / ".installed").read_text().strip() == requirements_hash()


def test_every_requirement_is_pinned():
    for name in [*INSTALL_ORDER, "requirements-slurm.txt"]:
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line:
                assert "==" in line, f"{name}: {line!r} is not pinned"
