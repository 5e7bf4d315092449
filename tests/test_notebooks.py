"""Every notebook runs top to bottom in a fresh kernel, with no error output, and is stored
without outputs (thin notebooks, executed here rather than trusted)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_quickstart", "02_dashboard", "03_compare_scenarios", "04_your_organisation"]


def test_the_four_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_thin_and_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.cells[0].cell_type == "markdown", "a notebook opens with its narrative"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [] and cell.execution_count is None, "store without outputs"
        lines = cell.source.splitlines()
        assert not any(line.lstrip().startswith(("def ", "class ")) for line in lines), (
            "no functions in notebooks: they belong in the package")
        assert len(lines) <= 15, "thin cells: short calls into the package"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESTIMATOR_RUNS", "160")  # few simulated years: the test is of the cells
    monkeypatch.setenv("ESTIMATOR_OUT", str(tmp_path / "saved"))
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"
              or (o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text)]
    assert errors == []
    kinds = {k for c in nb.cells if c.cell_type == "code" for o in c.outputs
             for k in o.get("data", {})}
    if path.stem == "02_dashboard":
        assert "application/vnd.jupyter.widget-view+json" in kinds
    else:
        assert "image/png" in kinds, "the charts are shown"
    if path.stem == "04_your_organisation":
        saved = tmp_path / "saved" / "our-organisation.toml"
        assert saved.exists()
        from estimator import load_scenario

        assert load_scenario(saved).scenario.name == "Our organisation"
        # a second run keeps the first file and says where the new one went
        first = saved.read_bytes()
        again = nbformat.read(path, as_version=4)
        NotebookClient(again, kernel_name="python3", timeout=300,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
        assert saved.read_bytes() == first, "never overwritten without asking"
        out = "".join(o.get("text", "") for c in again.cells if c.cell_type == "code"
                      for o in c.outputs)
        second = tmp_path / "saved" / "our-organisation-2.toml"
        assert second.exists() and f"Saved {second.resolve()}" in out
        assert "exists already (kept)" in out
    assert list(tmp_path.glob("my_scenarios")) == [], "tests write only into the temp folder"
