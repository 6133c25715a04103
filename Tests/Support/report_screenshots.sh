#!/usr/bin/env bash
# Renders a JudgeLab report.html in headless Chromium at desktop and phone widths, saves
# screenshots beside it, and fails on any console message, any CSP refusal, or any request that
# is not to the file itself (external loads are forbidden). Needs Debian's `chromium` package.
#   Tests/Support/report_screenshots.sh Results/RUN/report.html [OUT_DIR]
set -euo pipefail
report=$(realpath "$1")
out=${2:-$(dirname "$report")}
mkdir -p "$out"
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium is not installed: apt-get install chromium"; exit 2; }
status=0
for spec in desktop:1280,2200 phone:390,2600; do
  name=${spec%%:*}
  size=${spec#*:}
  log="$out/chromium-$name.log"
  netlog="$out/netlog-$name.json"
  # No traffic may leave the machine: background services off, and every request sent to a
  # dead proxy on loopback, so anything the page (or the browser) tries is logged, never sent.
  timeout 60 "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --proxy-server="http://127.0.0.1:9" --proxy-bypass-list="<-loopback>" --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps --disable-extensions --no-default-browser-check \
    --disable-domain-reliability --disable-client-side-phishing-detection --disable-features=Translate,SpellcheckService,OptimizationHints,MediaRouter \
    --window-size="$size" --virtual-time-budget=3000 --enable-logging=stderr --v=0 \
    --log-net-log="$netlog" --screenshot="$out/screenshot-$name.png" "file://$report" 2> "$log" || true
  if grep -E "CONSOLE|Refused to|Uncaught" "$log"; then
    echo "FAIL ($name): the page logged to the console"
    status=1
  fi
  if ! python3 - "$netlog" "$report" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
try:
    log = json.loads(text)
except ValueError:  # a log cut short when the browser exited: close it
    log = json.loads(text.rstrip().rstrip(",") + "]}")
# Requests the page starts name it as their initiator; the browser's own housekeeping (update
# checks and the like, sent to the dead proxy) says "not an origin".
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
urls = set()
for event in log.get("events", []):
    params = event.get("params") or {}
    if types.get(event["type"]) == "URL_REQUEST_START_JOB" and params.get("initiator") not in (None, "not an origin"):
        urls.add(params["url"])
bad = [u for u in urls if not (u.startswith("file://") or u.startswith("data:") or u.startswith("chrome") or u == "about:blank")]
if bad:
    print("external requests:", bad)
    sys.exit(1)
PY
  then
    echo "FAIL ($name): the page made a request that is not local"
    status=1
  fi
  [ -s "$out/screenshot-$name.png" ] || { echo "FAIL ($name): no screenshot"; status=1; }
done
[ $status -eq 0 ] && echo "ok: $out/screenshot-desktop.png, $out/screenshot-phone.png; no console messages, no external requests"
exit $status
