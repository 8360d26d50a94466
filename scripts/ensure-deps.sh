#!/usr/bin/env bash
# Install what Faldone needs on a fresh Debian machine with Node 20: npm packages (npm ci when node_modules is
# missing or older than the lockfile) and the fonts the sample generator renders with. With --test, also the
# native tesseract (tesseract-ocr, Italian data) that the OCR_ENGINE=native tests and bench/ocr compare against,
# qpdf, which checks the searchable PDFs, and Debian chromium, which the browser tests (test/web) drive through
# playwright-core (`npx playwright install` cannot download browsers here).
set -euo pipefail
cd "$(dirname "$0")/.."
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$major" -lt 20 ]; then echo "Faldone needs Node.js 20 or newer (found $(node --version 2>/dev/null || echo none))." >&2; exit 1; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded: it needs a C++ toolchain.
if { [ ! -d node_modules/better-sqlite3/build ] && ! { command -v g++ && command -v make && command -v python3; } >/dev/null 2>&1; } \
   && command -v apt-get >/dev/null 2>&1; then
  echo "Installing build tools for native modules (build-essential, python3)…" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq build-essential python3 >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund
fi
fonts="$(fc-list : family 2>/dev/null || true)" # not piped into grep -q: with pipefail a closed pipe fails the test
if ! grep -qi 'FreeMono' <<<"$fonts" || ! grep -qi 'Liberation Serif' <<<"$fonts"; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installing fonts for the sample generator (fonts-freefont-ttf, fonts-liberation)…" >&2
    ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-freefont-ttf fonts-liberation fontconfig >/dev/null) \
      || echo "Could not install fonts: samples will render with fallback fonts." >&2
  fi
fi
langs="$(tesseract --list-langs 2>/dev/null || true)"
if [ "${1:-}" = "--test" ] && { ! grep -qx 'ita' <<<"$langs" || ! command -v qpdf >/dev/null 2>&1; }; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installing native tesseract and qpdf for the OCR tests (tesseract-ocr, tesseract-ocr-ita, qpdf)…" >&2
    ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-ita qpdf >/dev/null) \
      || echo "Could not install tesseract-ocr/qpdf: native OCR tests are skipped and the qpdf check fails." >&2
  fi
fi
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium for the browser tests…" >&2
    # Another apt-get may hold the dpkg lock (unattended upgrades, a parallel install): wait for it instead of failing.
    ($SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq \
      && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null) \
      || echo "Could not install chromium: the browser tests (test/web) fail at launch." >&2
  fi
fi
