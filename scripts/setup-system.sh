#!/usr/bin/env bash
# System packages the test suite needs, installed only when missing:
#  - Java 17 + Maven: tools/neo4j-local builds and runs a real Neo4j for the store tests;
#  - Debian's Chromium + ChromeDriver: the browser test of the maps and dashboard, and PDF reports;
#  - DejaVu fonts (Hebrew, Arabic) and poppler-utils (pdftotext) for the PDF report tests;
#  - nginx: the test of two API replicas behind deploy/nginx.conf (docker-compose.yml's proxy).
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# PDF reports are printed by Chromium; DejaVu covers Hebrew and Arabic; pdftotext reads them back in tests.
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# Debian's nginx (only its binary is used; the test runs it in the foreground, on a free port).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup-system: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-system: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Only nginx's binary is used (the test runs it in the foreground on a free port). On a machine
# with systemd the package starts its service on port 80: the one this install started is stopped.
if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
