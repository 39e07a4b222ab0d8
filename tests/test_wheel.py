"""The wheel carries the data folders: an installed riskengine works outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EPOCH, ROOT, SAMPLES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(dist.glob("riskengine-*.whl"))


def test_wheel_ships_bank_profile_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("riskengine/_data/questionnaires/martech-v1.yaml", "riskengine/_data/scoring/default.yaml",
                    "riskengine/_data/templates/report.yaml", "riskengine/_data/questionnaires/link-shorteners.yaml",
                    "riskengine/_data/questionnaires/mappings/caiq-v3.yaml",
                    "riskengine/_data/templates/council.yaml", "riskengine/_data/templates/fonts/DejaVuSans.ttf",
                    "riskengine/_data/fingerprints/martech.json", "riskengine/_data/fingerprints/categories.yaml",
                    "riskengine/_data/fingerprints/discovery.yaml",
                    "riskengine/_data/templates/vendors.yaml",  # the vendor loop's rules and mails
                    "riskengine/web/templates/vendor_answer.html", "riskengine/web/templates/requests.html",
                    # the web app's pages and every asset they load, with htmx's licence
                    "riskengine/web/templates/base.html", "riskengine/web/templates/assessment_tab.html",
                    "riskengine/web/static/htmx.min.js", "riskengine/web/static/htmx-LICENSE.txt",
                    "riskengine/web/static/app.css"):
        assert shipped in names


def test_installed_wheel_runs_template_and_assess_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel alone into a folder and run it from elsewhere; dependencies come from this venv."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1",
           "RISKENGINE_DB": str(tmp_path / "evidence.db")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "riskengine", *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    where = subprocess.run([sys.executable, "-c", "import riskengine.resources as r; print(r.data_path('scoring'))"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(target)), where
    assert run("template", "blank.xlsx").returncode == 0
    result = run("assess", str(SAMPLES / "northwind-mail.xlsx"), "--inventory", str(SAMPLES / "inventory.yaml"),
                 "-o", "report.pdf")
    assert result.returncode == 0, result.stderr
    assert (work / "report.pdf").read_bytes().startswith(b"%PDF")
    assert json.loads((work / "report.json").read_text())["versions"]["bank"] == "martech-v1@1.2.0"


def test_broken_installation_is_an_internal_error_exit_1(wheel: Path, tmp_path: Path) -> None:
    """A wheel whose report wording was deleted: one line and exit 1, the traceback only with --debug."""
    import shutil

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    shutil.rmtree(target / "riskengine" / "_data" / "templates")
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1",
           "RISKENGINE_DB": str(tmp_path / "evidence.db")}
    args = ["assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(tmp_path / "r.pdf")]
    plain = subprocess.run([sys.executable, "-m", "riskengine", *args], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert plain.returncode == 1
    assert plain.stderr.startswith("error: internal error:")
    assert len(plain.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()
    debug = subprocess.run([sys.executable, "-m", "riskengine", "--debug", *args], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120, check=False)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
