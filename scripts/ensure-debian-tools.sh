#!/usr/bin/env bash
# Installs the Debian tools that the checks drive when they are missing, so they work on a fresh
# machine; does nothing when everything is there.
#   (no argument)  what the test suite drives (promtool, Prometheus, Alertmanager, Chromium,
#                  tinyproxy); runs before every `npm test` (pretest)
#   image          what `npm run image:check` drives (buildah, podman, runc, debootstrap, curl);
#                  .ci/run runs it before the image check
set -euo pipefail
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
case "${1:-tests}" in
  tests)
    need promtool prometheus
    need prometheus prometheus
    need prometheus-alertmanager prometheus-alertmanager
    need chromium chromium
    need tinyproxy tinyproxy
    ;;
  image)
    need buildah buildah
    need podman podman
    need runc runc
    need debootstrap debootstrap
    need curl curl
    ;;
  *)
    echo "ensure-debian-tools: unknown group '$1' (tests or image)" >&2
    exit 2
    ;;
esac
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
