"""A card application through the console, in a real browser: intake of a resident to the printed appointment
slip (with biometrics), approval by the approver, a production batch, hand-over, and the citizen's look-up."""
import os
import sqlite3

from PIL import Image
from selenium.webdriver.common.by import By

from signin import ensure_signed_in, sign_in, submit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def images(folder):
    """A face JPEG (240 x 320) and PNGs for fingers, irises and the signature."""
    paths = {"face": os.path.join(ROOT, "bench", "face-240x320.jpg")}
    finger = os.path.join(folder, "finger.png")
    Image.new("L", (300, 300), 128).save(finger)
    iris = os.path.join(folder, "iris.png")
    Image.new("L", (640, 480), 90).save(iris)
    return paths["face"], finger, iris


def candidates(server):
    with sqlite3.connect(server["db"]) as conn:
        return [row for row in conn.execute(
            "SELECT pin, birth_date FROM residents WHERE pin IS NOT NULL AND death_date IS NULL AND missing_since IS NULL "
            "AND perm_unit IS NOT NULL AND birth_date BETWEEN '1960' AND '2000' ORDER BY id LIMIT 40")]


def sign_out(browser):
    submit(browser, browser.find_element(By.ID, "signout"))


def test_intake_to_slip_approval_batch_and_hand_over(server, browser):
    ensure_signed_in(browser, server, "pc06")
    # Intake: the first resident whose record is complete (others link to the correction first).
    chosen = None
    for pin, birth in candidates(server):
        browser.get(server["url"] + "/applications/new")
        browser.find_element(By.ID, "q").send_keys(pin)
        submit(browser, browser.find_element(By.ID, "find-button"))
        assert browser.find_element(By.ID, "citizen-check")
        if browser.find_elements(By.ID, "intake-form"):
            chosen = (pin, birth)
            break
        assert browser.find_element(By.ID, "correction-link")
    assert chosen, "no seeded resident with a complete record"
    browser.find_element(By.ID, "confirmed").click()
    submit(browser, browser.find_element(By.ID, "submit-intake"))
    receipt = browser.find_element(By.ID, "receipt-code").text
    assert receipt.startswith("38-")
    application_url = browser.current_url

    # Biometrics through the capture form; the transfer is refused until they are all there.
    face, finger, iris = images(server["folder"])
    for row in browser.find_elements(By.CSS_SELECTOR, "input[type=file]"):
        name = row.get_attribute("name")
        row.send_keys(face if name == "face" else iris if name.startswith("iris") else finger)
    submit(browser, browser.find_element(By.ID, "capture-submit"))
    assert "✓ JPEG 240×320" in browser.find_element(By.ID, "biometrics").text

    # The appointment slip, printable.
    browser.find_element(By.ID, "print-cc02").click()
    slip = browser.find_element(By.ID, "form-cc02").text
    assert "GIẤY HẸN TRẢ KẾT QUẢ" in slip and receipt in slip
    browser.get(application_url)
    submit(browser, browser.find_element(By.ID, "move-transferred"))
    assert browser.find_element(By.ID, "application-state").text == "Đã chuyển Trung tâm"
    sign_out(browser)

    # The approver approves it from the queue (bulk approval).
    sign_in(browser, server, "duyet")
    browser.get(server["url"] + "/applications?state=transferred")
    browser.find_element(By.CSS_SELECTOR, f"input[aria-label='Chọn hồ sơ {receipt}']").click()
    submit(browser, browser.find_element(By.ID, "bulk-approve"))
    assert "Đã phê duyệt 1 hồ sơ" in browser.find_element(By.ID, "bulk-result").text
    sign_out(browser)

    # Production: a batch, personalised and exported by the server, printed, dispatched.
    sign_in(browser, server, "pc06")
    browser.get(server["url"] + "/batches")
    size = browser.find_element(By.ID, "size")
    size.clear()
    size.send_keys("50")
    submit(browser, browser.find_element(By.ID, "create-batch"))
    submit(browser, browser.find_element(By.ID, "run-batch"))
    assert browser.find_element(By.ID, "batch-state").text == "Đã xuất cho máy in"
    assert browser.find_element(By.ID, "batch-done").text == "1"
    folder = browser.find_element(By.ID, "batch-folder").text
    assert os.path.exists(os.path.join(folder, "manifest.jsonl"))
    submit(browser, browser.find_element(By.ID, "mark-printed"))
    submit(browser, browser.find_element(By.ID, "mark-dispatched"))
    assert browser.find_element(By.ID, "batch-state").text == "Đã chuyển nơi trả"

    # The citizen looks up the status: ready to collect.
    browser.get(server["url"] + "/status")
    browser.find_element(By.ID, "receipt_code").send_keys(receipt)
    browser.find_element(By.ID, "birth_date").send_keys(chosen[1])
    submit(browser, browser.find_element(By.ID, "status-button"))
    assert browser.find_element(By.ID, "status-text").text == "Chờ trả thẻ"

    # Hand-over at the desk.
    browser.get(application_url)
    submit(browser, browser.find_element(By.ID, "move-handed-over"))
    assert browser.find_element(By.ID, "application-state").text == "Đã trả thẻ"
    history = browser.find_element(By.ID, "application-history").text
    assert "duyet" in history and "pc06" in history
