"""The Dutch and English catalogues cover every message in the code and templates."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = str(Path(sys.executable).parent / "pybabel")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [PYBABEL, "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_catalogue_is_complete(extracted, language):
    with (ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as handle:
        catalogue = read_po(handle)
    translated = {
        message.id
        for message in catalogue
        if message.id
        and all(message.string if isinstance(message.string, tuple) else [message.string])
        and not message.fuzzy
    }
    assert extracted - translated == set()
