"""Synchronous replication: kill the primary with SIGKILL under write load, promote the standby,
point the server at it, and check that every write the API acknowledged is there, once."""
import os
import subprocess
import threading
import time

from conftest import KEYS, ROOT, Server, cli, free_port, pg_ctl, psql, resident, url

import requests


def test_every_acknowledged_write_survives_failover(workdir):
    folder = str(workdir / "pair")
    primary, standby = free_port(), free_port()
    subprocess.run([os.path.join(ROOT, "scripts/pg-replication.sh"), "start", folder, str(primary), str(standby), "fast"], check=True)
    server = None
    try:
        psql(primary, "CREATE DATABASE register")
        server = Server(url(primary, "register"))
        acknowledged = []  # (id, pin, tag) of every 201 the API returned
        lock = threading.Lock()
        stop = threading.Event()

        def writer(number):
            count = 0
            session = requests.Session()
            session.headers.update(server.auth)
            while not stop.is_set():
                tag = f"Thôn {number}-{count}"
                count += 1
                try:
                    response = session.post(server.base + "/api/v1/residents", timeout=6,
                                            json={"reason": "failover test", "resident": resident(tag)})
                except requests.RequestException:
                    continue
                if response.status_code == 201:
                    record = response.json()["resident"]
                    with lock:
                        acknowledged.append((record["id"], record["pin"], tag))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(4)
        with open(os.path.join(folder, "primary/data/postmaster.pid")) as pid_file:
            postmaster = int(pid_file.readline())
        with lock:
            before_kill = len(acknowledged)
        killed_at = time.monotonic()
        os.kill(postmaster, 9)
        time.sleep(1.5)  # writes keep coming and fail: none of them may be acknowledged and lost
        stop.set()

        pg_ctl(os.path.join(folder, "standby/data"), "-w", "promote")
        promoted_at = time.monotonic()
        # The token was replicated with everything else: the new server takes it as it is.
        old_server, server = server, Server(url(standby, "register"), token=server.token)
        probe = server.base + "/api/v1/residents"
        while server.http.post(probe, json={"reason": "after failover", "resident": resident("Sau chuyển đổi")}, timeout=15).status_code != 201:
            time.sleep(0.05)
        failover = time.monotonic() - killed_at
        # The writers still talking to the old server finish (their requests fail) before the checks.
        for thread in threads:
            thread.join()
        old_server.stop()
        print(f"\nfailover: {before_kill} writes acknowledged before SIGKILL, {len(acknowledged)} in all; "
              f"first write on the promoted standby {failover:.2f} s after the kill (1.5 s of writing into the dead primary, "
              f"promotion {promoted_at - killed_at - 1.5:.2f} s, new server and first write {failover - (promoted_at - killed_at):.2f} s)")

        assert before_kill > 20, "the load must have written before the kill"
        rows = psql(standby, "SELECT id, pin, perm_street FROM residents", database="register")
        stored = {}
        for record_id, pin, street in rows:
            assert street not in stored, f"{street} stored twice"
            stored[street] = (int(record_id), pin)
        for record_id, pin, tag in acknowledged:
            assert stored.get(tag) == (record_id, pin), f"acknowledged write {tag} is missing or different on the promoted standby"
        pins = [pin for _, pin, _ in rows]
        assert len(pins) == len(set(pins)), "a PIN was stored twice"
        # Every acknowledged write was audited before it was acknowledged, and the chain is intact.
        audited = {int(target.split(":")[1]) for (target,) in psql(standby, "SELECT target FROM audit_entries WHERE action = 'resident.create'", database="register")}
        assert all(record_id in audited for record_id, _, _ in acknowledged), "an acknowledged write has no audit entry"
        print(cli("audit", "verify", "--db", url(standby, "register"), "--keys", KEYS).strip())
        # And the server on the promoted standby reads them back.
        record_id, pin, tag = acknowledged[-1]
        assert server.http.get(f"{server.base}/api/v1/residents/{record_id}", timeout=5).json()["resident"]["pin"] == pin
    finally:
        if server:
            server.stop()
        subprocess.run([os.path.join(ROOT, "scripts/pg-replication.sh"), "stop", folder])
