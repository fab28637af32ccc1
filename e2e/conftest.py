"""Starts a real CanCuoc server on a seeded throwaway database and a headless Chromium for the browser tests."""
import os
import shutil
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
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    subprocess.run([binary, "seed", "--province", "38", "--people", "3000", "--seed", "77", "--db", db],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
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
    yield {"url": base, "db": db}
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
