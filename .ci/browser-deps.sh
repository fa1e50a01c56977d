#!/usr/bin/env bash
# The browser tests' browser: Debian's Chromium and the chromedriver built for it, from apt.
# Selenium is always given /usr/bin/chromedriver, so it never downloads a driver or browser itself.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver
