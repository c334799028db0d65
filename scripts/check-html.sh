#!/usr/bin/env bash
# check-html.sh PAGE.html PNG TEXT...: renders a Gatehouse HTML report in Debian's headless Chromium, writes a
# screenshot to PNG (look at it), and checks that the rendered page's text contains each TEXT.
# The reports are self-contained: Chromium is started without network access to prove it.
#   scripts/check-html.sh /tmp/vulns.html /tmp/vulns.png "debian-buster" "CVE-2019-18224"
set -euo pipefail
page=$1; png=$2; shift 2
command -v chromium >/dev/null || { echo "check-html: install Debian's chromium (apt-get install -y chromium)" >&2; exit 2; }
url="file://$(realpath "$page")"
flags=(--headless --no-sandbox --disable-gpu --proxy-server=127.0.0.1:9 --window-size=1280,2400)
chromium "${flags[@]}" --screenshot="$png" "$url" 2>/dev/null
dom=$(chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null)
status=0
for text in "$@"; do
    if grep -qF -- "$text" <<<"$dom"; then echo "check-html: found: $text"; else echo "check-html: MISSING: $text" >&2; status=1; fi
done
echo "check-html: screenshot $png ($(stat -c %s "$png") bytes)"
exit $status
