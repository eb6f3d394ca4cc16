#!/usr/bin/env bash
# PDF statements, and the browser tests' screenshots, need a CJK font to show Chinese.
set -euo pipefail
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" && exit 0
ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[fonts] fonts-noto-cjk is missing: PDF statements cannot show Chinese." \
    "Install with: sudo apt-get install -y fonts-noto-cjk" >&2
  exit 1
fi
echo "[fonts] installing fonts-noto-cjk with apt-get"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
