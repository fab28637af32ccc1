"""Starts a real CanCuoc server on a seeded throwaway database and a headless Chromium for the browser tests."""
import base64
import hashlib
import hmac
import os
import re
import shutil
import struct
import socket
import subprocess
import tempfile
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _binary():
    for config in ("debug", "release"):
        path = os.path.join(ROOT, ".build", config, "cancuoc")
        if os.path.exists(path):
            return path
    raise RuntimeError("build cancuoc first (swift build)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    folder = tempfile.mkdtemp(prefix="cancuoc-e2e-")
    db = os.path.join(folder, "e2e.sqlite")
    binary = _binary()
    # The server signs cards itself (batches in the console): a PKI and its passphrase.
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no", CANCUOC_PKI_PASSPHRASE="e2e passphrase for the test PKI")
    pki = os.path.join(folder, "pki")
    subprocess.run([binary, "seed", "--province", "38", "--people", "3000", "--seed", "77", "--db", db],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    users = {}
    subprocess.run([binary, "pki", "init", "--pki", pki], check=True, env=env, stdout=subprocess.DEVNULL)
    for username, role, unit in (("pc06", "province-officer", "38"), ("xa.moi", "commune-officer", "2025-01/14971"),
                                 ("duyet", "approver", "38")):
        password_file = os.path.join(folder, username + ".pw")
        with open(password_file, "w") as f:
            f.write("mat-khau-dau-tien-1\n")
        out = subprocess.run([binary, "user", "add", "--db", db, "--username", username, "--role", role, "--unit", unit,
                              "--password-file", password_file], check=True, env=env, capture_output=True, text=True).stdout
        key = re.search(r"TOTP key \(base32, for an authenticator app\): (\S+)", out)
        users[username] = {"password": "mat-khau-dau-tien-1", "totp": key.group(1) if key else None}
    token = subprocess.run([binary, "token", "issue", "--db", db, "--username", "pc06", "--days", "1"],
                           check=True, env=env, capture_output=True, text=True).stdout.strip()
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port), "--pki", pki,
                                "--batches", os.path.join(folder, "batches")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.time() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.2)
    yield {"url": base, "db": db, "users": users, "api": {"Authorization": "Bearer " + token}, "binary": binary, "folder": folder}
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=vi"):
        options.add_argument(flag)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def totp(key_base32, at=None):
    """The current 6-digit code for an authenticator key (RFC 6238, SHA-1, 30-second steps)."""
    key = base64.b32decode(key_base32 + "=" * (-len(key_base32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
