"""A lost database connection during work: requests fail cleanly with 503 (within the 5 s connection
deadline, never a hang), and the pool recovers by itself when the server is back."""
import os
import subprocess
import time

from conftest import ROOT, Server, free_port, pg_ctl, psql, resident, url

import requests


def test_requests_fail_with_503_while_the_database_is_down_and_recover(workdir):
    folder = str(workdir / "cluster")
    port = free_port()
    subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "start", folder, str(port), "fast"], check=True)
    server = None
    try:
        psql(port, "CREATE DATABASE register")
        server = Server(url(port, "register"))
        created = server.http.post(server.base + "/api/v1/residents", timeout=10, json={"reason": "trước sự cố", "resident": resident("Thôn 1")})
        assert created.status_code == 201
        record_id = created.json()["resident"]["id"]

        pg_ctl(os.path.join(folder, "data"), "-m", "fast", "-w", "stop")
        # The server answers within its 5 s connection deadline; a client giving up after 8 s (a Timeout
        # error, failing the test) means the request hung in the pool, which retries for 15 s.
        for path in (f"/api/v1/residents/{record_id}", "/healthz"):
            response = server.http.get(server.base + path, timeout=8)
            assert response.status_code == 503, response.text
        failed = server.http.post(server.base + "/api/v1/residents", timeout=30, json={"reason": "trong sự cố", "resident": resident("Thôn 2")})
        assert failed.status_code == 503
        assert failed.json()["error"]["code"] == "database_unavailable"

        pg_ctl(os.path.join(folder, "data"), "-l", os.path.join(folder, "server.log"), "-w", "start")
        deadline = time.monotonic() + 60
        while server.http.get(f"{server.base}/api/v1/residents/{record_id}", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the pool did not recover"
            time.sleep(0.2)
        again = server.http.post(server.base + "/api/v1/residents", timeout=10, json={"reason": "sau sự cố", "resident": resident("Thôn 3")})
        assert again.status_code == 201
        # The write refused during the outage is not there; the others are.
        assert sorted(row[0] for row in psql(port, "SELECT perm_street FROM residents", database="register")) == ["Thôn 1", "Thôn 3"]
    finally:
        if server:
            server.stop()
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "stop", folder])
