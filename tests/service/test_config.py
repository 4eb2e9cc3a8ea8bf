"""Config: read strictly, written whole with tomli-w."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.service import paths
from tui.service.config import ColumnsConfig, Config, MatchConfig, load_config, save_config
from tui.service.errors import UserError


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


def test_round_trip_through_the_user_config_dir() -> None:
    config = Config(MatchConfig(review=40.0, accept=90.0, max_block=100),
                    ColumnsConfig(canopy={"display_name": "Client"}))
    path = save_config(config)
    assert path == paths.config_file()
    assert load_config() == config


@pytest.mark.parametrize(("text", "message"), [
    ("[match]\nreveiw = 10\n", "unknown setting 'match.reveiw'"),
    ("[match]\nreview = 'high'\n", "match.review must be a number"),
    ("[match]\nmax_block = 2.5\n", "match.max_block must be a whole number"),
    ("[match]\nreview = 90\naccept = 50\n", "thresholds out of order"),
    ("[columns]\ncanopy = 3\n", "columns.canopy must be a table"),
    ("match = [", "not valid TOML"),
])
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message) as caught:
        load_config(path)
    assert caught.value.path == path
