#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright never downloads a browser here).
set -euo pipefail
bash "$(dirname "$0")/ensure-fonts.sh"
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[browser] ERROR: missing chromium. Install with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "[browser] installing chromium with apt-get"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
