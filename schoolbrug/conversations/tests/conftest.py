from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schoolbrug.media.testing import private_storage_in


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    # Uploaded photos and documents go to a temporary directory, never var/media.
    private_storage_in(settings, tmp_path / "private")
    return tmp_path / "private"
