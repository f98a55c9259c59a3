#!/usr/bin/env bash
# Installs the Debian packages the tests need (a browser for the editor test), once.
# CI machines start clean, so the test command itself has to bring them in.
set -euo pipefail

missing=()
for pair in "chromium:/usr/bin/chromium" "$@"; do
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
