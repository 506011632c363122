"""compose.yaml: two shard processes from the one image, over one database volume.

Docker Compose itself reads the file (no YAML library is a dependency); without a v2
`docker compose` or `docker-compose`, the test is skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO


def compose_command() -> list[str] | None:
    """A Docker Compose v2 command line (v1 has no `config --format json`), or None."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run(
            [*command, "version", "--short"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0 and probe.stdout.strip().lstrip("v").startswith("2."):
            return command
    return None


def test_compose_runs_shard_0_and_shard_1_of_2_on_one_volume(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("Docker Compose v2 is not installed")
    # A project of its own: compose reads .env (the token) beside the file, as a user's would.
    shutil.copy(REPO / "compose.yaml", tmp_path / "compose.yaml")
    shutil.copy(REPO / "Dockerfile", tmp_path / "Dockerfile")
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from.the.env-file\n", encoding="utf-8")
    completed = subprocess.run(
        [*command, "config", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    config = json.loads(completed.stdout)
    services = config["services"]
    assert set(services) == {"shard-0", "shard-1"}
    for shard_id, name in enumerate(("shard-0", "shard-1")):
        service = services[name]
        assert service["image"] == "factbot" and service["build"]["context"] == str(tmp_path)
        environment = service["environment"]
        assert environment["DISCORD_SHARD_COUNT"] == "2"
        assert environment["DISCORD_SHARD_IDS"] == str(shard_id)
        assert environment["DISCORD_TOKEN"] == "from.the.env-file"
        (volume,) = service["volumes"]
        assert (volume["type"], volume["source"], volume["target"]) == (
            "volume",
            "factbot-data",
            "/data",
        )
    # The volume a plain `docker run -v factbot-data:/data` uses: the same database.
    assert config["volumes"]["factbot-data"]["name"] == "factbot-data"
