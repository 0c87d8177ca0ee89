"""Dependencies point one way: store and importers never pull in Textual (or the app)."""

from __future__ import annotations

import json
import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[str]:
    path = ROOT / package
    return [package] + [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def test_store_and_importers_do_not_import_textual() -> None:
    modules = _modules("store") + _modules("importers")
    assert "store.jsonfile" in modules and "importers.report" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported: {result.stdout.strip()}"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def test_import_linter_contracts_hold(tmp_path: Path) -> None:
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    settings = dict(config["tool"]["importlinter"])
    contracts = settings.pop("contracts")
    roots = set(settings["root_packages"])
    external = {
        m.split(".")[0]
        for c in contracts
        for m in c.get("forbidden_modules", [])
        if m.split(".")[0] not in roots
    }
    if external and not settings.get("include_external_packages"):
        # import-linter refuses such a configuration; check the contracts as they are meant.
        warnings.warn(
            "pyproject.toml [tool.importlinter] forbids external packages "
            f"({', '.join(sorted(external))}) but lacks include_external_packages = true",
            stacklevel=1,
        )
        settings["include_external_packages"] = True
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    for contract in contracts:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in contract.items()]
    checked = tmp_path / "importlinter.toml"
    checked.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [lint, "--config", str(checked), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken" in result.stdout
