"""`cqtriage qbo login / status / logout` and `--qbo live`, as a user runs them, against the
sandbox over real HTTP."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from conftest import browser

from tui.sandbox.server import SandboxServer
from tui.service import paths
from tui.service.qbo.tokens import load_tokens, token_path

DATA = Path(__file__).parent.parent / "data"


def config_file(tmp_path: Path, server: SandboxServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        "[qbo]\n"
        'environment = "local"\n'
        f'local_url = "{server.url}"\n'
        'redirect_uri = "http://localhost:8000/callback"\n'
        "retry_base_seconds = 0.01\n", encoding="utf-8")
    return path


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CQTRIAGE_QBO_CLIENT_ID": "sandbox-client",
           "CQTRIAGE_QBO_CLIENT_SECRET": "sandbox-secret"}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)


def login(tmp_path: Path, server: SandboxServer) -> Path:
    config = config_file(tmp_path, server)
    env = {**os.environ, "CQTRIAGE_QBO_CLIENT_ID": "sandbox-client",
           "CQTRIAGE_QBO_CLIENT_SECRET": "sandbox-secret"}
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", "qbo", "login", "--config",
                                str(config)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None and process.stdin is not None
    url = ""
    while not url:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        if line.strip().startswith("http"):
            url = line.strip()
    process.stdin.write(browser(url) + "\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"Connected to company {server.store.realm_id}" in out
    return config


def test_login_stores_tokens_only_the_user_can_read(tmp_path: Path,
                                                    server: SandboxServer) -> None:
    login(tmp_path, server)
    path = token_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tokens = load_tokens()
    assert tokens.realm_id == server.store.realm_id
    assert tokens.access_token in server.tokens.access
    assert tokens.access_token not in repr(tokens)  # never in logs or tracebacks


def test_status_and_logout(tmp_path: Path, server: SandboxServer) -> None:
    config = login(tmp_path, server)
    server.store.create({"DisplayName": "Somebody"})
    status = cli("qbo", "status", "--check", "--config", str(config))
    assert status.returncode == 0, status.stderr
    assert server.store.realm_id in status.stdout
    assert "Customers          1" in status.stdout
    tokens = load_tokens()
    assert tokens.access_token not in status.stdout + status.stderr
    done = cli("qbo", "logout", "--config", str(config))
    assert done.returncode == 0 and "Logged out" in done.stdout
    assert not token_path().exists()
    again = cli("qbo", "status", "--config", str(config))
    assert again.returncode == 2 and "cqtriage qbo login" in again.stderr


def test_a_wrong_pasted_url_is_a_clear_error(tmp_path: Path, server: SandboxServer) -> None:
    config = config_file(tmp_path, server)
    done = cli("qbo", "login", "--config", str(config),
               stdin="http://localhost:8000/callback?code=x&state=forged&realmId=1\n")
    assert done.returncode == 2
    assert "another login attempt" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_credentials(tmp_path: Path, server: SandboxServer) -> None:
    config = config_file(tmp_path, server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CQTRIAGE_QBO_")}
    done = subprocess.run([sys.executable, "-m", "tui.cli", "qbo", "login", "--config",
                           str(config)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "CQTRIAGE_QBO_CLIENT_ID" in done.stderr


def test_report_on_live_qbo(tmp_path: Path, server: SandboxServer) -> None:
    config = login(tmp_path, server)
    server.store.create({"DisplayName": "John Smith", "GivenName": "John",
                         "FamilyName": "Smith",
                         "PrimaryEmailAddr": {"Address": "john.smith@example.com"}})
    gone = server.store.create({"DisplayName": "Old Name"})
    server.store.update({"Id": gone["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    done = cli("report", "--canopy", str(DATA / "canopy_basic.csv"), "--qbo", "live",
               "--json", str(tmp_path / "r.json"), "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "2 customers (1 inactive" in done.stdout
    snapshot = paths.data_dir() / "qbo" / f"customers-{server.store.realm_id}.csv"
    assert "John Smith" in snapshot.read_text(encoding="utf-8")
