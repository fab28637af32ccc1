"""The resident search flow in the console, driven in a real browser."""
import unicodedata

import requests
from selenium.webdriver.common.by import By

from signin import ensure_signed_in, submit


def fold(text):
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def some_resident(server):
    # Pick a real record through the API, as an officer would know a name.
    response = requests.post(server["url"] + "/api/v1/residents/search", json={"name": "nguyen", "per_page": 5}, headers=server["api"])
    assert response.status_code == 200
    return response.json()["items"][0]["resident"]


def test_search_by_name_without_diacritics_then_open_the_record(server, browser):
    person = some_resident(server)
    ensure_signed_in(browser, server)
    browser.get(server["url"] + "/")
    assert "Tra cứu công dân" in browser.title
    box = browser.find_element(By.ID, "q")
    box.send_keys(fold(person["full_name"]))
    browser.find_element(By.ID, "birth_date").send_keys(person["birth_date"])
    submit(browser, browser.find_element(By.ID, "search-button"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert rows, "the search found nobody"
    assert any(person["pin"] in row.text for row in rows)
    # Personal data must not travel in the URL.
    assert fold(person["full_name"]).split()[0] not in browser.current_url
    link = next(row for row in rows if person["pin"] in row.text).find_element(By.TAG_NAME, "a")
    submit(browser, link)
    assert browser.find_element(By.ID, "resident-name").text == person["full_name"]
    assert person["pin"] in browser.page_source
    assert browser.find_element(By.ID, "household").is_displayed()
    assert "Phiên bản 1" in browser.find_element(By.ID, "history").text


def test_search_by_pin(server, browser):
    person = some_resident(server)
    ensure_signed_in(browser, server)
    browser.get(server["url"] + "/residents")
    browser.find_element(By.ID, "q").send_keys(person["pin"])
    submit(browser, browser.find_element(By.ID, "search-button"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == 1
    assert person["full_name"] in rows[0].text


def test_bad_input_gets_a_clear_message(server, browser):
    ensure_signed_in(browser, server)
    browser.get(server["url"] + "/residents")
    browser.find_element(By.ID, "birth_date").send_keys("1990-02-30")
    submit(browser, browser.find_element(By.ID, "search-button"))
    message = browser.find_element(By.ID, "search-message").text
    assert "does not exist" in message or "không" in message.lower()


def test_nobody_found(server, browser):
    ensure_signed_in(browser, server)
    browser.get(server["url"] + "/residents")
    browser.find_element(By.ID, "q").send_keys("zzzz qqqq")
    submit(browser, browser.find_element(By.ID, "search-button"))
    assert browser.find_element(By.ID, "no-results").is_displayed()


def test_history_as_of_a_date(server, browser):
    person = some_resident(server)
    corrected = requests.patch(server["url"] + f"/api/v1/residents/{person['id']}",
                               json={"reason": "bổ sung số điện thoại", "changes": {"phone": "0900000001"}}, headers=server["api"])
    assert corrected.status_code == 200
    ensure_signed_in(browser, server)
    browser.get(server["url"] + f"/residents/{person['id']}")
    history = browser.find_element(By.ID, "history").text
    assert "Phiên bản 2" in history and "bổ sung số điện thoại" in history
    browser.find_element(By.ID, "as_of").send_keys("2020-01-01")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#history button"))
    assert "as_of=2020-01-01" in browser.current_url
    assert "Không tìm thấy" in browser.page_source or "chưa tồn tại" in browser.page_source
