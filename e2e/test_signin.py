"""Signing in and out in a real browser: the second factor, the first-password change, refusals, and the
audit trail of it all."""
import requests
from selenium.webdriver.common.by import By

from conftest import totp
from signin import NEW_PASSWORDS, sign_in, submit


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(server, browser):
    browser.delete_all_cookies()
    browser.get(server["url"] + "/signin")
    browser.find_element(By.ID, "username").send_keys("pc06")
    browser.find_element(By.ID, "password").send_keys("sai-mat-khau-1")
    submit(browser, browser.find_element(By.ID, "signin-button"))
    assert "/signin" in browser.current_url
    assert "không đúng" in browser.find_element(By.ID, "signin-message").text


def test_console_pages_need_a_session(server, browser):
    browser.delete_all_cookies()
    browser.get(server["url"] + "/residents")
    assert browser.current_url.endswith("/signin")


def test_first_sign_in_asks_for_the_code_then_a_new_password(server, browser):
    browser.delete_all_cookies()
    user = server["users"]["xa.moi"]
    assert user["totp"] is None  # commune officers may sign in without a second factor
    sign_in(browser, server, "xa.moi")
    assert "xa.moi" in NEW_PASSWORDS
    assert browser.current_url.endswith("/residents")
    assert "xa.moi" in browser.find_element(By.ID, "signed-in").text
    # The session cookie is not readable by scripts.
    cookie = browser.get_cookie("cancuoc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    submit(browser, browser.find_element(By.ID, "signout"))
    assert browser.current_url.endswith("/signin")
    browser.get(server["url"] + "/residents")
    assert browser.current_url.endswith("/signin")


def test_provincial_officer_signs_in_with_the_authenticator_code(server, browser):
    browser.delete_all_cookies()
    browser.get(server["url"] + "/signin")
    browser.find_element(By.ID, "username").send_keys("pc06")
    browser.find_element(By.ID, "password").send_keys(NEW_PASSWORDS.get("pc06", server["users"]["pc06"]["password"]))
    submit(browser, browser.find_element(By.ID, "signin-button"))
    assert "/signin/code" in browser.current_url
    browser.find_element(By.ID, "code").send_keys("000000" if totp(server["users"]["pc06"]["totp"]) != "000000" else "111111")
    submit(browser, browser.find_element(By.ID, "code-button"))
    assert "không đúng" in browser.find_element(By.ID, "code-message").text
    browser.find_element(By.ID, "code").send_keys(totp(server["users"]["pc06"]["totp"]))
    submit(browser, browser.find_element(By.ID, "code-button"))
    if "/account/password" in browser.current_url:
        browser.delete_all_cookies()
        sign_in(browser, server, "pc06")
    assert browser.current_url.endswith("/residents")


def test_every_sign_in_is_in_the_audit_trail(server, browser):
    log = requests.get(server["url"] + "/api/v1/accounts/pc06/activity", headers=server["api"])
    # A provincial officer's token may read the trail of officers in the province.
    assert log.status_code == 200
    actions = [entry["action"] for entry in log.json()]
    assert "signin" in actions and "signin.failure" in actions
