from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schoolbrug.media.testing import private_storage_in
from schoolbrug.sis.models import School
from schoolbrug.sis.testing import make_school


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    private_storage_in(settings, tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def school(db: None) -> School:
    return make_school("OBS De Linde")[0]
