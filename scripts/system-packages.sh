#!/usr/bin/env bash
# Installs the Debian packages the portal needs, when run as root and any is missing.
#   fonts-noto-cjk        CJK glyphs for WeasyPrint PDFs (without it Chinese renders as empty boxes)
#   libharfbuzz-subset0   fast font subsetting in WeasyPrint (fontTools fallback is 15-30x slower)
#   chromium              kaleido chart export and Playwright browser tests
#   poppler-utils         pdffonts / pdftotext / pdftoppm for report checks
#   wrk                   HTTP load generator for bench/
#   nginx, gettext-base   the reverse proxy of docs/deploy.md and envsubst, which renders its configuration
#                         (tests/multinode/test_deployment.py starts one; the Debian service is not used)
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils wrk nginx gettext-base)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "note: system packages missing (${missing[*]}); run as root or install them with apt-get." >&2
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
