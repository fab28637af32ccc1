"""Peer checks: cards made by `cancuoc card issue` read back by independent implementations
(asn1crypto and cryptography for EF.SOD and the certificates, zxing-cpp for the QR code, mrz for the MRZ)."""
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSPHRASE = "peer-check passphrase 2026"


def viet_nam_today():
    """The card's issue date is a day in Viet Nam (UTC+7): between 17:00 and 24:00 UTC it is already tomorrow there,
    and a Document Signer created then may not sign for the UTC date."""
    return datetime.now(timezone(timedelta(hours=7))).date().isoformat()


def binary():
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "cancuoc")
        if os.path.exists(path):
            return path
    raise RuntimeError("build cancuoc first (swift build)")


def run(*args, check=True):
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", CANCUOC_PKI_PASSPHRASE=PASSPHRASE)
    return subprocess.run([binary(), *args], env=env, capture_output=True, text=True, check=check)


class Card:
    def __init__(self, folder, pki, pin):
        self.folder = folder
        self.pki = pki
        self.pin = pin

    def file(self, name, mode="rb"):
        with open(os.path.join(self.folder, name), mode) as f:
            return f.read()

    def chip(self, name):
        return self.file(name if name.startswith("EF.") else name + ".bin")


@pytest.fixture(scope="session")
def card():
    folder = tempfile.mkdtemp(prefix="cancuoc-peer-")
    db = os.path.join(folder, "peer.sqlite")
    run("seed", "--province", "38", "--people", "400", "--seed", "5", "--db", db)
    pki = os.path.join(folder, "pki")
    run("pki", "init", "--pki", pki)
    with sqlite3.connect(db) as conn:
        pin = conn.execute("SELECT pin FROM residents WHERE pin IS NOT NULL AND birth_date < '1990' "
                           "AND death_date IS NULL ORDER BY pin LIMIT 1").fetchone()[0]
    face = os.path.join(folder, "face.jpg")
    image = Image.new("RGB", (240, 320), (205, 175, 150))
    image.save(face, "JPEG", quality=85)
    out = os.path.join(folder, "card")
    run("card", "personalize", "--db", db, "--pki", pki, "--pin", pin, "--photo", face, "--issued", viet_nam_today(), "--out", out)
    run("pki", "masterlist", "--pki", pki, "--out", os.path.join(folder, "masterlist.pem"))
    yield Card(out, pki, pin)
    shutil.rmtree(folder, ignore_errors=True)
