"""The dashboard served as a web page: Voila's settings that the load time depends on."""

from __future__ import annotations

import json
import re

from tests.conftest import ROOT


def test_voila_pre_heats_a_kernel_for_the_next_visitor():
    """Without a pre-heated kernel a visitor waits for a kernel to start, the imports and the
    first preview (5.4 s measured) instead of ~2 s (README, "The dashboard in the browser")."""
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))["VoilaConfiguration"]
    assert config["preheat_kernel"] is True
    assert config["default_pool_size"] >= 1
    # make dashboard serves from the project's root, where Voila reads voila.json
    recipe = re.search(r"^dashboard:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe and "voila notebooks/02_dashboard.ipynb" in recipe.group(1)
    assert "cd " not in recipe.group(1)
