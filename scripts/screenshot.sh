#!/usr/bin/env bash
# Regenerates docs/waterfall.png, the README's picture of `tracelog view`: renders the
# bundled demo log in colour, turns the ANSI output into HTML with aha, and photographs
# it with headless Chromium. Needs: apt-get install aha chromium fonts-dejavu-core.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
out=docs/waterfall.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
FORCE_COLOR=2 node bin/tracelog.cjs view fixtures/demo.jsonl --events --width 110 --color > "$tmp/view.ansi"
aha --black --title 'tracelog view' < "$tmp/view.ansi" > "$tmp/raw.html"
# Monospace with box-drawing and block glyphs, a little padding, nothing else.
sed 's#</head>#<style>body{margin:0;padding:14px 18px;background:\#0c0c0c}pre{font:14px/1.25 "DejaVu Sans Mono",monospace;margin:0}</style></head>#' "$tmp/raw.html" > "$tmp/view.html"
lines=$(wc -l < "$tmp/view.ansi")
height=$(( lines * 18 + 40 ))
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=960,"$height" --screenshot="$PWD/$out" "file://$tmp/view.html" 2>/dev/null
echo "wrote $out"
