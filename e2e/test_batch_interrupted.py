"""A production batch killed with SIGKILL in the middle of its run: the groups it committed stay counted once,
the half-written folder is discarded, and running the batch again finishes it with every card exactly once."""
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import shutil

from conftest import _binary

APPLICATIONS = 600  # three groups of 250: the kill lands after the first commit and before the last


def run(binary, env, *args):
    return subprocess.run([binary, *args], check=True, env=env, capture_output=True, text=True).stdout


def test_killed_batch_resumes_without_counting_twice():
    folder = tempfile.mkdtemp(prefix="cancuoc-batch-kill-")
    try:
        binary = _binary()
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no", CANCUOC_PKI_PASSPHRASE="batch kill test passphrase")
        db, pki, out = (os.path.join(folder, name) for name in ("kill.sqlite", "pki", "out"))
        run(binary, env, "seed", "--province", "38", "--people", "2500", "--seed", "31", "--db", db)
        run(binary, env, "pki", "init", "--pki", pki)
        run(binary, env, "applications", "bench-prepare", "--db", db, "--count", str(APPLICATIONS))
        batch = json.loads(run(binary, env, "batches", "create", "--db", db, "--size", str(APPLICATIONS)))
        assert batch["pending"] == APPLICATIONS

        def counts():
            with sqlite3.connect(db, timeout=10) as connection:
                return dict(connection.execute("SELECT state, count(*) FROM batch_items WHERE batch_id = ? GROUP BY state", (batch["id"],)).fetchall())

        process = subprocess.Popen([binary, "batches", "run", str(batch["id"]), "--db", db, "--pki", pki, "--out", out],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 300
        while counts().get("done", 0) == 0:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.time() < deadline, "no group was committed in time"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed = counts()
        assert 0 < killed.get("done", 0) < APPLICATIONS and killed.get("pending", 0) > 0, killed
        assert not os.path.exists(os.path.join(out, f"batch-{batch['id']}"))

        resumed = json.loads(run(binary, env, "batches", "run", str(batch["id"]), "--db", db, "--pki", pki, "--out", out))
        assert resumed["state"] == "exported" and resumed["pending"] == 0
        assert resumed["done"] + resumed["failed"] == APPLICATIONS and resumed["done"] >= killed["done"]
        exported = os.path.join(out, f"batch-{batch['id']}")
        assert not os.path.exists(os.path.join(out, f".batch-{batch['id']}.partial"))
        lines = [json.loads(line) for line in open(os.path.join(exported, "manifest.jsonl"), encoding="utf-8")]
        assert len(lines) == resumed["done"]
        assert len({line["card_number"] for line in lines}) == len(lines)
        assert [line["application_id"] for line in lines] == sorted(line["application_id"] for line in lines)
        for line in lines:
            assert sorted(os.listdir(os.path.join(exported, line["folder"]))) == ["DG1.bin", "DG13.bin", "DG2.bin", "EF.COM", "EF.SOD", "card.json"]
        with sqlite3.connect(db) as connection:
            cards, residents, clear = connection.execute(
                "SELECT count(*), count(DISTINCT resident_id), count(dg2) FROM cards WHERE application_id IN "
                "(SELECT application_id FROM batch_items WHERE batch_id = ?)", (batch["id"],)).fetchone()
            moved = connection.execute("SELECT count(*) FROM applications WHERE state = 'personalised'").fetchone()[0]
        # One card per application, each application moved once, no face in the clear in the register.
        assert cards == residents == moved == resumed["done"] and clear == 0
        # Every chip in the folder passes passive authentication against the CSCA.
        sample = os.path.join(exported, lines[0]["folder"])
        csca = next(os.path.join(pki, name) for name in os.listdir(pki) if name.startswith("csca-") and name.endswith(".pem"))
        verified = subprocess.run([binary, "card", "verify", sample, "--csca", csca], env=env, capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)
