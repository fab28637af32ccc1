"""Helpers for the PostgreSQL system tests: throwaway clusters and replication pairs on loopback
(scripts/pg-cluster.sh, scripts/pg-replication.sh) and real `cancuoc serve` processes."""
import glob
import os
import pathlib
import shutil
import tempfile
import signal
import socket
import subprocess
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "cancuoc"


def binary():
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "cancuoc")
        if os.path.exists(path):
            return path
    raise RuntimeError("build cancuoc first (swift build)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_ctl(data_directory, *arguments):
    """Runs Debian's pg_ctl on a cluster, as its owner (scripts/pg-env.sh does the same for the scripts)."""
    binary = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[4]))[-1] + "/pg_ctl"
    owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run(owner + [binary, "-D", data_directory, *arguments], check=True, stdout=subprocess.DEVNULL)


def url(port, database):
    return f"postgres://cancuoc:{PASSWORD}@127.0.0.1:{port}/{database}?sslmode=disable"


def psql(port, sql, database="postgres"):
    """Runs SQL with Debian's psql (an independent client) and returns the rows as lists of strings."""
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "cancuoc", "-d", database, "-AtX", "-F", "\t", "-c", sql],
                         check=True, capture_output=True, text=True, env=dict(os.environ, PGPASSWORD=PASSWORD)).stdout
    return [line.split("\t") for line in out.splitlines() if line]


# One data-encryption key file for every server and command of the test run: servers on one database
# (and on its standby, or a restored copy) must share their keys.
KEYS = os.path.join(tempfile.mkdtemp(prefix="cancuoc-ha-keys-"), "cancuoc.keys")


@pytest.fixture(scope="session", autouse=True)
def remove_keys_folder():
    """The key file's folder goes when the run ends."""
    yield
    shutil.rmtree(os.path.dirname(KEYS), ignore_errors=True)


def cli(*arguments):
    """Runs a cancuoc command and returns its standard output."""
    return subprocess.run([binary(), *arguments], check=True, capture_output=True, text=True,
                          env=dict(os.environ, SWIFT_BACKTRACE="enable=no")).stdout


def officer_token(db):
    """A bearer token of a provincial officer (created if the database has none), without a practical rate limit."""
    try:
        cli("user", "add", "--db", db, "--keys", KEYS, "--username", "pc06.ha", "--role", "province-officer", "--unit", "38")
    except subprocess.CalledProcessError as error:
        assert "already exists" in error.stderr, error.stderr
    return cli("token", "issue", "--db", db, "--keys", KEYS, "--username", "pc06.ha", "--days", "1", "--rate-limit", "1000000").strip()


class Server:
    """A `cancuoc serve` process on a free port; `http` sends a provincial officer's token."""

    def __init__(self, db, token=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = token or officer_token(db)
        self.auth = {"Authorization": "Bearer " + self.token}
        self.http = requests.Session()
        self.http.headers.update(self.auth)
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        self.process = subprocess.Popen([binary(), "serve", "--db", db, "--keys", KEYS, "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("the server did not start: " + self.process.stderr.read().decode())
            if time.time() > deadline:
                self.stop()
                raise RuntimeError("the server did not start in time")
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def resident(tag, sex="female"):
    """A new record; the tag (in the street) identifies it in the database afterwards."""
    return {
        "province_code": "38", "full_name": "Hoàng Thị Lan", "birth_date": "2003-04-15", "sex": sex,
        "ethnicity_code": "01", "religion": "Không", "nationality": "Việt Nam",
        "permanent_residence": {"unit": {"edition": "2025-01", "code": "14971"}, "street": tag},
    }


@pytest.fixture
def workdir():
    """A folder the postgres user can enter (pytest's own are private to the user running the tests)."""
    folder = tempfile.mkdtemp(prefix="cancuoc-ha-")
    os.chmod(folder, 0o755)
    yield pathlib.Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
