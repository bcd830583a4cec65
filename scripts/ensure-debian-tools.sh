#!/usr/bin/env bash
# Installs the real tools the test suite drives (promtool, Prometheus, Alertmanager, Chromium,
# tinyproxy) when they are missing, so `npm test` works on a fresh machine. Runs before every
# `npm test` (pretest); does nothing when everything is there.
set -euo pipefail
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "ensure-debian-tools: installing ${packages[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-debian-tools: need root to install ${packages[*]} (apt-get install --no-install-recommends ${packages[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# --no-install-recommends: Prometheus would otherwise pull node exporter, smartmontools and more.
apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
