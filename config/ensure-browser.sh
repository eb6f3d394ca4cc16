#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright never downloads a browser here), and pages
# and PDFs need a CJK font to show Chinese.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
  || ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[browser] ERROR: missing ${missing[*]}. Install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "[browser] installing ${missing[*]} with apt-get"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
