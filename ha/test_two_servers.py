"""Two `cancuoc serve` processes on one PostgreSQL behave as one: either serves any request, PINs stay
unique under concurrent allocation through both, and a stale write loses to the first one, whichever
server each came through. (A load balancer in front, as in docs/postgres.md, only spreads the requests.)"""
import base64
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import KEYS, ROOT, Server, binary, cli, free_port, psql, resident, url

import requests


def write_password(folder):
    path = os.path.join(str(folder), "password")
    with open(path, "w") as f:
        f.write("mat-khau-ha-2026\n")
    return path


def test_two_servers_one_database(workdir):
    folder = str(workdir / "cluster")
    port = free_port()
    subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "start", folder, str(port), "fast"], check=True)
    servers = []
    try:
        psql(port, "CREATE DATABASE register")
        servers = [Server(url(port, "register")), Server(url(port, "register"))]

        # 400 new records, alternating servers, 8 at a time, all from one PIN bucket.
        def create(number):
            server = servers[number % 2]
            response = server.http.post(server.base + "/api/v1/residents", timeout=30,
                                     json={"reason": "two servers", "resident": resident(f"Thôn {number}")})
            assert response.status_code == 201, response.text
            record = response.json()["resident"]
            return record["id"], record["pin"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            created = list(pool.map(create, range(400)))
        pins = [pin for _, pin in created]
        assert len(set(pins)) == 400
        assert all(pin.startswith("038303") for pin in pins)
        # Each record reads back through the server that did not write it.
        for number, (record_id, pin) in enumerate(created[:50]):
            other = servers[(number + 1) % 2]
            assert other.http.get(f"{other.base}/api/v1/residents/{record_id}", timeout=5).json()["resident"]["pin"] == pin
        assert psql(port, "SELECT issued FROM pin_buckets WHERE prefix = '038303'", database="register") == [["400"]]

        # Ten corrections of the same version at once through both servers: one wins, nine get 409.
        record_id = created[0][0]

        def correct(number):
            server = servers[number % 2]
            return server.http.patch(f"{server.base}/api/v1/residents/{record_id}", timeout=30,
                                  json={"reason": "sửa số điện thoại", "expected_version": 1, "changes": {"phone": f"09120000{number:02d}"}}).status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = sorted(pool.map(correct, range(10)))
        assert statuses == [200] + [409] * 9
        history = servers[1].http.get(f"{servers[1].base}/api/v1/residents/{record_id}/history", timeout=5).json()
        versions = [item["version"]["number"] for item in history["versions"]]
        assert versions == [2, 1]

        # Both servers appended to one audit chain: intact, one entry per creation, no sequence twice.
        assert cli("audit", "verify", "--db", url(port, "register"), "--keys", KEYS).startswith("intact")
        created_ids = {record_id for record_id, _ in created}
        audited = [int(t.split(":")[1]) for (t,) in psql(port, "SELECT target FROM audit_entries WHERE action = 'resident.create'", database="register")]
        assert sorted(audited) == sorted(created_ids)

        # A token's rate limit holds across the servers: 30 requests through one, then 30 through the other,
        # with a limit of 40 a minute: the second server admits the remaining 10 only.
        limited = cli("token", "issue", "--db", url(port, "register"), "--keys", KEYS, "--username", "pc06.ha", "--rate-limit", "40").strip()
        while time.time() % 60 > 50:  # stay inside one minute window
            time.sleep(1)
        headers = {"Authorization": "Bearer " + limited}
        first = [requests.get(servers[0].base + "/api/v1/units/38", headers=headers, timeout=5).status_code for _ in range(30)]
        # Wait until the first server has sent its count (it does every 250 ms).
        deadline = time.time() + 10
        while psql(port, "SELECT coalesce(sum(count), 0) FROM token_usage u JOIN api_tokens t ON t.id = u.token_id "
                         f"WHERE t.token_hash = encode(sha256('{limited}'::bytea), 'hex')", database="register") != [["30"]]:
            assert time.time() < deadline, "the first server never sent its count"
            time.sleep(0.05)
        second = [requests.get(servers[1].base + "/api/v1/units/38", headers=headers, timeout=5).status_code for _ in range(30)]
        assert first == [200] * 30
        assert second == [200] * 10 + [429] * 20

        # A session made through one server works on the other, and signing out everywhere on one ends it on both.
        username = "xa.ha"
        cli("user", "add", "--db", url(port, "register"), "--keys", KEYS, "--username", username, "--role", "commune-officer",
            "--unit", "2025-01/14971", "--password-file", write_password(workdir))
        browser = requests.Session()
        form = browser.get(servers[0].base + "/signin").text
        token = form.split('name="csrf" value="')[1].split('"')[0]
        signed = browser.post(servers[0].base + "/signin", data={"csrf": token, "username": username, "password": "mat-khau-ha-2026"},
                              allow_redirects=False)
        assert signed.status_code == 303 and "cancuoc_session" in browser.cookies
        page = browser.get(servers[1].base + "/account/password", allow_redirects=False)
        assert page.status_code == 200
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert browser.post(servers[1].base + "/signout/everywhere", data={"csrf": csrf}, allow_redirects=False).status_code == 303
        assert browser.get(servers[0].base + "/account/password", allow_redirects=False).headers["location"] == "/signin"

        # A third server given a missing or another installation's key file does not start (before, it took
        # requests and answered every audited one with an error), and leaves no key file behind.
        missing = os.path.join(str(workdir), "mistyped.keys")
        foreign = os.path.join(str(workdir), "foreign.keys")
        with open(foreign, "w") as f:
            f.write("kdeadbeef " + base64.b64encode(os.urandom(32)).decode() + "\n")
        for keys, reason in ((missing, f"the key file {missing} is missing"), (foreign, "which the key file does not hold")):
            refused = subprocess.run([binary(), "serve", "--db", url(port, "register"), "--keys", keys, "--host", "127.0.0.1",
                                      "--port", str(free_port())], capture_output=True, text=True, timeout=60,
                                     env=dict(os.environ, SWIFT_BACKTRACE="enable=no"))
            assert refused.returncode != 0 and reason in refused.stderr, refused.stderr
        assert not os.path.exists(missing)
    finally:
        for server in servers:
            server.stop()
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "stop", folder])
