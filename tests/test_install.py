"""The wheel installs like a tool: built from the sources, installed into a fresh environment,
its first run opens the bundled report from inside site-packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sources(into: Path) -> Path:
    """The tracked files of the project, copied (a build writes build/ and *.egg-info beside
    the sources: never into the checkout)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if name.startswith("tests/") or not (ROOT / name).is_file():
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return into


def test_the_wheel_installs_and_opens_the_bundled_report(tmp_path: Path) -> None:
    src = _sources(tmp_path / "src")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(src)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("minsheng-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "data/lanling-2023-h1.md" in names
    assert "minsheng.py" in names and "tui/styles/app.tcss" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    # A fresh environment with nothing of ours: the wheel alone, its dependencies seen
    # through a path file (they are this environment's; the point is our own files).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    home = tmp_path / "home"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
    }
    run = {"cwd": tmp_path, "env": env, "capture_output": True, "text": True}
    where = subprocess.run([str(python), "-c", "import store; print(store.__file__)"], **run)
    assert where.stdout.startswith(site)  # ours, from the wheel: not the checkout
    listed = subprocess.run([str(venv / "bin" / "minsheng"), "list", "--level", "县级"], **run)
    assert listed.returncode == 0, listed.stderr
    assert "首次运行" in listed.stderr and "lanling-2023-h1.md 新建" in listed.stderr
    assert "（49 个项目）" in listed.stderr
    assert "X01" in listed.stdout and "X10" in listed.stdout
    assert (home / "data" / "minsheng" / "minsheng.json").is_file()
    version = subprocess.run([str(python), "-m", "minsheng", "--version"], **run)
    assert version.returncode == 0 and version.stdout.strip() == "minsheng 0.1.0"
