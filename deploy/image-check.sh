#!/usr/bin/env bash
# npm run image:check: builds the Dockerfile with buildah and runs the image with podman, the way a
# cluster would (read-only root, no capabilities, no privilege escalation), then checks:
#   - the OCI labels (source, version, revision, licenses) match package.json and git;
#   - the process runs as uid 1000 (the image's `node` user);
#   - `--demo` serves metrics, and the image's HEALTHCHECK passes (`podman healthcheck run`);
#   - `podman stop` (SIGTERM) ends the container in under 5 s.
# It prints the build time, image size and stop time; docs/deploy.md records a run.
#
# Needs root, buildah and podman (Debian: apt-get install buildah podman runc). Not part of `npm test`:
# CI has no container engine. Where the base image node:20-bookworm-slim cannot be pulled (no registry
# but npm's and Debian's reachable), it builds a local stand-in under that name first; see
# docs/deploy.md ("The stand-in base image") and STAND_IN below. Environment:
#   IMAGE=name:tag      image to build (default localhost/dms-datatrack-exporter:check)
#   KEEP_IMAGE=1        keep the built image (the stand-in base is always kept for the next run)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/dms-datatrack-exporter:check}
BASE=docker.io/library/node:20-bookworm-slim
CONTAINER=dms-datatrack-exporter-check-$$
VERSION=$(node -p 'require("./package.json").version')
LICENSE=$(node -p 'require("./package.json").license')
REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
PORT=${PORT:-18036}
# Debian's podman needs these on this kind of machine (no systemd, cgroupfs, runc).
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
# Without systemd, podman cannot add a timer for the image's HEALTHCHECK and says so on every
# run/stop; `podman healthcheck run` below runs the check by hand instead.
podman_() { "${PODMAN[@]}" "$@" 2> >(grep -v 'systemd connection' >&2); }

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'image-check: FAILED: %s\n' "$*" >&2
  exit 1
}
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }

for tool in buildah podman; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install --no-install-recommends buildah podman runc)"
done
[ "$(id -u)" -eq 0 ] || fail "run as root (buildah's chroot isolation and podman with runc need it here)"

# A local image named like the real base: Debian bookworm (debootstrap minbase) with this machine's
# Node.js and npm, a `node` user and group with id 1000, and the CA bundle that Node is told to trust.
# Enough for the Dockerfile's `npm ci` and for running the exporter; not a copy of the official image.
build_stand_in() {
  command -v debootstrap >/dev/null || fail "no $BASE and no debootstrap to build a stand-in (apt-get install debootstrap)"
  local rootfs node_bin npm_dir mirror started
  rootfs=$(mktemp -d /var/tmp/node-stand-in.XXXXXX)
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  started=$(date +%s.%N)
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  local ctr
  ctr=$(buildah from scratch)
  buildah copy --quiet "$ctr" "$rootfs" / >/dev/null
  buildah config --env NODE_VERSION="$(node --version | tr -d v)" --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --label org.opencontainers.image.description="local stand-in for node:20-bookworm-slim (debootstrap + host Node.js)" \
    --cmd node "$ctr"
  buildah commit --quiet --format docker "$ctr" "$BASE" >/dev/null
  buildah rm "$ctr" >/dev/null
  rm -rf "$rootfs"
  printf 'stand-in %s built in %s s\n' "$BASE" "$(seconds_since "$started")"
}

cleanup() {
  "${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null 2>&1 || true
  [ "${KEEP_IMAGE:-}" = 1 ] || buildah rmi "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "base image"
if buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  echo "using local $BASE ($(buildah inspect --type image --format '{{index .Docker.Config.Labels "org.opencontainers.image.description"}}' "$BASE"))"
else
  build_stand_in
fi

step "build $IMAGE (version $VERSION, revision $REVISION)"
started=$(date +%s.%N)
buildah bud --quiet --format docker --pull=false --isolation chroot --network host \
  --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" -t "$IMAGE" . >/dev/null
build_s=$(seconds_since "$started")
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
base_size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$BASE")
echo "built in ${build_s} s; image $((size / 1000000)) MB, of which $(((size - base_size) / 1000000)) MB above the base"

step "OCI labels"
label() { "${PODMAN[@]}" image inspect --format "{{index .Labels \"org.opencontainers.image.$1\"}}" "$IMAGE"; }
for pair in "version=$VERSION" "revision=$REVISION" "licenses=$LICENSE"; do
  [ "$(label "${pair%%=*}")" = "${pair#*=}" ] || fail "label ${pair%%=*} is '$(label "${pair%%=*}")', expected '${pair#*=}'"
done
[[ "$(label source)" == https://* ]] || fail "label source is '$(label source)'"
echo "source=$(label source) version=$(label version) revision=$(label revision) licenses=$(label licenses)"

step "run --demo, hardened like the Deployment"
podman_ run -d --name "$CONTAINER" --network host --read-only --cap-drop ALL \
  --security-opt no-new-privileges --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  "$IMAGE" --demo "--web.listen-address=127.0.0.1:$PORT" >/dev/null
demo_started=$(date +%s.%N)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/-/healthy" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -q '^aliyun_dms_datatrack_up{' || fail "--demo serves no aliyun_dms_datatrack_up"
echo "--demo answers /metrics with order data $(seconds_since "$demo_started") s after podman run returned"

user=$("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")
uid=$("${PODMAN[@]}" exec "$CONTAINER" id -u)
echo "image user: $user; the process runs as uid $uid ($("${PODMAN[@]}" top "$CONTAINER" user | tail -n +2 | tr -d ' '))"
[ "$user" = node ] || fail "image USER is '$user', expected node"
[ "$uid" = 1000 ] || fail "uid is $uid, expected 1000"

step "health check"
# The HEALTHCHECK probes :10036; this run listens on $PORT (host network), so run it on a default-port
# container too.
podman_ rm -f "$CONTAINER" >/dev/null
if curl -fsS "http://127.0.0.1:10036/-/healthy" >/dev/null 2>&1; then
  fail "something already listens on 127.0.0.1:10036; stop it to check the HEALTHCHECK"
fi
podman_ run -d --name "$CONTAINER" --network host --read-only --cap-drop ALL \
  --security-opt no-new-privileges --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  "$IMAGE" --demo >/dev/null
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:10036/-/healthy" >/dev/null 2>&1 && break
  sleep 0.1
done
"${PODMAN[@]}" inspect --format '{{.Config.Healthcheck.Test}}' "$CONTAINER"
podman_ healthcheck run "$CONTAINER" || fail "podman healthcheck run failed"
echo "healthcheck: healthy"

step "stop (SIGTERM)"
started=$(date +%s.%N)
podman_ stop -t 10 "$CONTAINER" >/dev/null
stop_s=$(seconds_since "$started")
code=$("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$CONTAINER")
echo "stopped in ${stop_s} s, exit code $code"
awk -v s="$stop_s" 'BEGIN { exit !(s < 5) }' || fail "stop took ${stop_s} s (SIGTERM ignored?)"

printf '\nimage-check: OK (%s): build %s s, image %s MB, stop %s s, uid 1000\n' \
  "$(date -u +%Y-%m-%d)" "$build_s" "$((size / 1000000))" "$stop_s"
