"""Signing in through the console as a person would: password, TOTP code when the role needs one, and the
first-password change."""
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import totp

NEW_PASSWORDS = {}


def _has_left(page):
    """True once `page` is no longer the document. Chromium sometimes reports a node of the page being replaced
    as "does not belong to the document" rather than stale: that means the same."""
    def check(_):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def submit(browser, button):
    """Clicks a submit button and waits until the browser has left the page it was on and loaded the next."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 10).until(_has_left(page))
    WebDriverWait(browser, 10).until(lambda driver: driver.execute_script("return document.readyState") == "complete")


def sign_in(browser, server, username):
    """Signs in (changing the first password the first time); leaves the browser on the role's home page."""
    user = server["users"][username]
    password = NEW_PASSWORDS.get(username, user["password"])
    browser.get(server["url"] + "/signin")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    submit(browser, browser.find_element(By.ID, "signin-button"))
    if "/signin/code" in browser.current_url:
        browser.find_element(By.ID, "code").send_keys(totp(user["totp"]))
        submit(browser, browser.find_element(By.ID, "code-button"))
    if "/account/password" in browser.current_url:
        new = "mat-khau-moi-" + username + "-2026"
        browser.find_element(By.ID, "current_password").send_keys(password)
        browser.find_element(By.ID, "new_password").send_keys(new)
        browser.find_element(By.ID, "repeat_password").send_keys(new)
        submit(browser, browser.find_element(By.ID, "password-button"))
        NEW_PASSWORDS[username] = new


def ensure_signed_in(browser, server, username="pc06"):
    browser.get(server["url"] + "/residents")
    if "/signin" in browser.current_url:
        sign_in(browser, server, username)
