#!/usr/bin/env bash
# Lighthouse (mobile preset) on the five main page types of a running site:
#   scripts/lighthouse.sh [BASE_URL [POINT_PATH]]
# BASE_URL defaults to http://127.0.0.1:8000, as `make run` serves; POINT_PATH to the first point
# on the point index.
# Installs lighthouse 12.2.3 (13 needs Node 22) into .cache/lighthouse on first use and drives
# Debian's Chromium. Prints each category's score and the largest contentful paint.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-http://127.0.0.1:8000}
tools=.cache/lighthouse
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12.2.3
fi
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chrome" ]; then
  echo "lighthouse.sh: no Chromium found (Debian: apt-get install -y chromium)" >&2
  exit 2
fi
flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking"
flags="$flags --disable-component-update --disable-sync --disable-quic --no-first-run"
article=$(curl -fsS "$base/" | grep -o 'href="/articles/[^"]*"' | head -n 1 | cut -d'"' -f2)
point=${2:-$(curl -fsS "$base/points/" | grep -o 'href="/points/[a-z0-9-]*/"' | head -n 1 | cut -d'"' -f2)}
printf '%-44s %5s %5s %5s %5s %8s\n' page perf a11y best seo LCP
summarise() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
report, path, last_try = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3] == "1"
names = ("performance", "accessibility", "best-practices", "seo")
scores = [report.get("categories", {}).get(name, {}).get("score") for name in names]
if None in scores and not last_try:
    sys.exit(1)  # Chromium sometimes fails to record the trace (NO_NAVSTART): try again
lcp = report.get("audits", {}).get("largest-contentful-paint", {}).get("numericValue") or 0
cells = ["-" if score is None else f"{score * 100:.0f}" for score in scores]
print(f"{path:<44} {cells[0]:>5} {cells[1]:>5} {cells[2]:>5} {cells[3]:>5} {lcp:>6.0f}ms")
PY
}

for path in / "$article" "$point" /points/ /disclaimer/; do
  for attempt in 1 2 3; do
    report=$(mktemp)
    "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet --output=json \
      --output-path="$report" --chrome-path="$chrome" --chrome-flags="$flags" \
      >/dev/null 2>&1 || echo '{}' >"$report"
    if summarise "$report" "$path" "$([ "$attempt" = 3 ] && echo 1 || echo 0)"; then
      rm -f "$report"
      break
    fi
    rm -f "$report"
  done
done
