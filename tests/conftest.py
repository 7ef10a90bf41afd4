import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_external() -> Path:
    """``../shared/external`` (the peers' labelled data); tests using it skip where it is absent."""
    path = SHARED / "external"
    if not path.is_dir():
        pytest.skip("../shared/external is not present")
    return path
