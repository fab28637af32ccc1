"""PostgreSQL backup and restore (docs/operations.md): pg_dump of a live register restores with
pg_restore into an empty database with the same residents and the same history."""
import os
import subprocess

from conftest import PASSWORD, ROOT, Server, binary, free_port, psql, url

import requests


def test_pg_dump_restores_the_same_residents_and_history(workdir):
    folder = str(workdir / "cluster")
    port = free_port()
    subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "start", folder, str(port), "fast"], check=True)
    server = None
    env = dict(os.environ, PGPASSWORD=PASSWORD, SWIFT_BACKTRACE="enable=no")
    try:
        psql(port, "CREATE DATABASE register")
        subprocess.run([binary(), "seed", "--people", "2000", "--seed", "3", "--db", url(port, "register")], check=True, env=env, stdout=subprocess.DEVNULL)
        server = Server(url(port, "register"))
        # Some history: two corrections of one record.
        for version, phone in ((1, "0912000001"), (2, "0912000002")):
            response = server.http.patch(f"{server.base}/api/v1/residents/7", timeout=10,
                                      json={"reason": "cập nhật", "expected_version": version, "changes": {"phone": phone}})
            assert response.status_code == 200, response.text
        dump = str(workdir / "register.dump")
        # While the server runs: pg_dump takes a consistent snapshot.
        subprocess.run(["pg_dump", "-h", "127.0.0.1", "-p", str(port), "-U", "cancuoc", "-Fc", "-f", dump, "register"], check=True, env=env)
        psql(port, "CREATE DATABASE restored")
        subprocess.run(["pg_restore", "-h", "127.0.0.1", "-p", str(port), "-U", "cancuoc", "-d", "restored", "--exit-on-error", dump], check=True, env=env)

        restored = Server(url(port, "restored"))
        try:
            for query in ("SELECT count(*) FROM residents", "SELECT count(*) FROM resident_versions",
                          "SELECT count(*) FROM issued_pins", "SELECT id FROM schema_migrations ORDER BY id"):
                assert psql(port, query, database="restored") == psql(port, query, database="register"), query
            before = server.http.get(f"{server.base}/api/v1/residents/7/history", timeout=10).json()
            after = restored.http.get(f"{restored.base}/api/v1/residents/7/history", timeout=10).json()
            assert [v["version"]["number"] for v in after["versions"]] == [3, 2, 1]
            assert after == before
        finally:
            restored.stop()
    finally:
        if server:
            server.stop()
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "stop", folder])
