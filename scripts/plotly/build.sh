#!/usr/bin/env bash
# Rebuild static/vendor/plotly-dx.min.js from the npm registry and check it against the recorded checksum.
#   bash scripts/plotly/build.sh           rebuild and compare with static/vendor/plotly-dx.min.js.sha256
#   bash scripts/plotly/build.sh --update  rebuild, replace the vendored file and record its new checksum
# Versions are pinned in package.json and package-lock.json (npm ci installs exactly those).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/static/vendor/plotly-dx.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$here/index.js" "$work/"
cd "$work"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
version="$(node -p 'require("plotly.js/package.json").version')"
npx --no-install esbuild index.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --loader:.css=empty --target=es2016 \
  --legal-comments=none --log-level=warning \
  --banner:js="/*! plotly.js v$version partial bundle (bar, scatter, scatterpolar; locale zh-CN) | MIT License | scripts/plotly */" \
  --outfile=plotly-dx.min.js
if [[ "${1:-}" == "--update" ]]; then
  cp plotly-dx.min.js "$out"
  python3 "$here/plotly_css.py"  # the bundle's base styles as a stylesheet (static/vendor/plotly-dx.css)
  (cd "$(dirname "$out")" && sha256sum "$(basename "$out")" > "$(basename "$out").sha256")
  echo "updated $out"
else
  expected="$(cut -d' ' -f1 "$out.sha256")"
  actual="$(sha256sum plotly-dx.min.js | cut -d' ' -f1)"
  vendored="$(sha256sum "$out" | cut -d' ' -f1)"
  if [[ "$actual" != "$expected" || "$vendored" != "$expected" ]]; then
    echo "checksum mismatch: built $actual, vendored $vendored, recorded $expected" >&2
    exit 1
  fi
  echo "plotly-dx.min.js reproduced: sha256 $actual"
fi
