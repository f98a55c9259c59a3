#!/usr/bin/env bash
# Installs the Debian packages the tests need (a browser for the editor test; Python's httpx,
# python-socketio and aiohttp for ViewComfy's official Python client in the emulator's fidelity test), once.
# CI machines start clean, so the test command itself has to bring them in.
set -euo pipefail

missing=()
for pair in "chromium:/usr/bin/chromium" \
	"python3-httpx:/usr/lib/python3/dist-packages/httpx" \
	"python3-socketio:/usr/lib/python3/dist-packages/socketio" \
	"python3-aiohttp:/usr/lib/python3/dist-packages/aiohttp" \
	"$@"; do
	pkg=${pair%%:*}
	probe=${pair#*:}
	[ -e "$probe" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]} (about a minute, once per machine)"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
