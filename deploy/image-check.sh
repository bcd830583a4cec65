#!/usr/bin/env bash
# npm run image:check: builds the Dockerfile with buildah and runs the image with podman, the way a
# cluster would (read-only root, no capabilities, no privilege escalation), then checks:
#   - the OCI labels (source, version, revision, licenses) match git and package.json;
#   - the image runs the Node.js line named in .node-version (the line CI runs the suite on);
#   - the process runs as uid 1000 (the image's `node` user);
#   - `--demo` serves order metrics, and the image's HEALTHCHECK passes (`podman healthcheck run`);
#   - `podman stop` (SIGTERM) ends the container in under 5 s.
# It prints the build time, image size and stop time; docs/deploy.md records a run. `.ci/run` runs it.
#
# Needs root, buildah and podman (Debian: apt-get install --no-install-recommends buildah podman runc
# debootstrap). Where the base image node:<line>-bookworm-slim cannot be pulled (no registry but npm's
# and Debian's reachable), it builds a local stand-in under that name first; see docs/deploy.md
# ("The stand-in base image") and build_stand_in below. Environment:
#   IMAGE=name:tag      image to build (default localhost/dms-datatrack-exporter:check)
#   SOURCE=url          the org.opencontainers.image.source label (default: git's origin URL)
#   KEEP_IMAGE=1        keep the built image (the stand-in base is always kept for the next run)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/dms-datatrack-exporter:check}
NODE_LINE=$(tr -d '[:space:]' <.node-version)
BASE=docker.io/library/node:$NODE_LINE-bookworm-slim
STAND_IN_DESCRIPTION="local stand-in for node:$NODE_LINE-bookworm-slim (debootstrap + Node.js from the npm registry)"
CONTAINER=dms-datatrack-exporter-check-$$
rootfs= # the stand-in's root file system while build_stand_in makes it
VERSION=$(node -p 'require("./package.json").version')
LICENSE=$(node -p 'require("./package.json").license')
REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
SOURCE=${SOURCE:-$(git remote get-url origin 2>/dev/null || echo unknown)}
# A free port for the first run (host network); the health check's run needs the image's own 10036.
PORT=${PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
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
# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; fails after SECONDS.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
healthy() { curl -fsS "http://127.0.0.1:$1/-/healthy" >/dev/null 2>&1; }
serves_orders() {
  local text
  text=$(curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null) && grep -q '^aliyun_dms_datatrack_up{' <<<"$text"
}

for tool in buildah podman; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install --no-install-recommends buildah podman runc)"
done
[ "$(id -u)" -eq 0 ] || fail "run as root (buildah's chroot isolation and podman with runc need it here)"

# A local image named like the real base: Debian bookworm (debootstrap minbase) with the Node.js
# release of .node-version's line from the npm registry's `node` package (scripts/lts-node.sh, the
# same Node CI runs the suite on), this machine's npm, a `node` user and group with id 1000, and the
# CA bundle that Node is told to trust. Enough for the Dockerfile's `npm ci` and for running the
# exporter; not a copy of the official image.
build_stand_in() {
  command -v debootstrap >/dev/null || fail "no $BASE and no debootstrap to build a stand-in (apt-get install debootstrap)"
  local node_bin npm_dir mirror started
  rootfs=$(mktemp -d /var/tmp/node-stand-in.XXXXXX)
  node_bin=$(readlink -f "$1/node")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  started=$(date +%s.%N)
  # libatomic1: Node.js 26 needs it, and the official image keeps it too.
  debootstrap --variant=minbase --include=libatomic1 bookworm "$rootfs" "$mirror" >/dev/null
  install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null || fail "the stand-in's node does not start"
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
  buildah config --env NODE_VERSION="$("$1/node" --version | tr -d v)" --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --label org.opencontainers.image.description="$STAND_IN_DESCRIPTION" \
    --cmd node "$ctr"
  buildah commit --quiet --format docker "$ctr" "$BASE" >/dev/null
  buildah rm "$ctr" >/dev/null
  rm -rf --one-file-system "$rootfs"
  rootfs=
  printf 'stand-in %s with Node.js %s built in %s s\n' "$BASE" "$("$1/node" --version)" "$(seconds_since "$started")"
}
base_description() { buildah inspect --type image --format '{{index .Docker.Config.Labels "org.opencontainers.image.description"}}' "$BASE"; }
base_node_version() {
  buildah inspect --type image --format '{{range .Docker.Config.Env}}{{println .}}{{end}}' "$BASE" | sed -n 's/^NODE_VERSION=/v/p'
}

cleanup() {
  # --one-file-system: a debootstrap that failed half-way may leave /proc or /dev mounted inside.
  [ -z "$rootfs" ] || rm -rf --one-file-system "$rootfs"
  "${PODMAN[@]}" rm -f "$CONTAINER" >/dev/null 2>&1 || true
  [ "${KEEP_IMAGE:-}" = 1 ] || buildah rmi "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "base image"
if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  lts_bin=$(bash scripts/lts-node.sh) || fail "no Node.js $NODE_LINE for a stand-in base"
  build_stand_in "$lts_bin"
elif [ "$(base_description)" = "$STAND_IN_DESCRIPTION" ]; then
  # A stand-in made earlier: rebuilt when a newer release of the line is out, so that the image runs
  # the same Node as the suite did.
  lts_bin=$(bash scripts/lts-node.sh) || fail "no Node.js $NODE_LINE to compare the stand-in base with"
  if [ "$(base_node_version)" = "$("$lts_bin/node" --version)" ]; then
    echo "using local $BASE ($(base_description), Node.js $(base_node_version))"
  else
    echo "local $BASE has Node.js $(base_node_version); rebuilding it with $("$lts_bin/node" --version)"
    build_stand_in "$lts_bin"
  fi
else
  echo "using $BASE ($(base_node_version))"
fi

step "build $IMAGE (version $VERSION, revision $REVISION)"
started=$(date +%s.%N)
buildah bud --quiet --format docker --pull=false --isolation chroot --network host \
  --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" --build-arg SOURCE="$SOURCE" -t "$IMAGE" . >/dev/null
build_s=$(seconds_since "$started")
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
base_size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$BASE")
echo "built in ${build_s} s; image $((size / 1000000)) MB, of which $(((size - base_size) / 1000000)) MB above the base"

step "OCI labels"
label() { "${PODMAN[@]}" image inspect --format "{{index .Labels \"org.opencontainers.image.$1\"}}" "$IMAGE"; }
for pair in "source=$SOURCE" "version=$VERSION" "revision=$REVISION" "licenses=$LICENSE"; do
  [ "$(label "${pair%%=*}")" = "${pair#*=}" ] || fail "label ${pair%%=*} is '$(label "${pair%%=*}")', expected '${pair#*=}'"
done
echo "source=$(label source) version=$(label version) revision=$(label revision) licenses=$(label licenses)"
# A published image names its public repository; a check of a local clone labels what it was given.
[[ "$SOURCE" == https://* ]] || echo "note: source is not an https URL; set SOURCE=https://... for an image you publish"

step "run --demo, hardened like the Deployment"
podman_ run -d --name "$CONTAINER" --network host --read-only --cap-drop ALL \
  --security-opt no-new-privileges --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  "$IMAGE" --demo "--web.listen-address=127.0.0.1:$PORT" >/dev/null
demo_started=$(date +%s.%N)
wait_for 10 healthy "$PORT" || fail "--demo does not answer /-/healthy 10 s after podman run"
echo "--demo healthy $(seconds_since "$demo_started") s after podman run returned"
# /-/healthy answers before discovery's first run has found the demo's tickets.
wait_for 30 serves_orders "$PORT" || fail "--demo serves no aliyun_dms_datatrack_up 30 s after podman run"
echo "--demo answers /metrics with order data $(seconds_since "$demo_started") s after podman run returned"

image_node=$("${PODMAN[@]}" exec "$CONTAINER" node --version)
echo "the image runs Node.js $image_node; .node-version names line $NODE_LINE"
[[ "$image_node" == "v$NODE_LINE."* ]] || fail "the image runs Node.js $image_node, not line $NODE_LINE of .node-version"

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
wait_for 10 healthy 10036 || fail "--demo on the default port does not answer /-/healthy 10 s after podman run"
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

printf '\nimage-check: OK (%s): Node.js %s, build %s s, image %s MB, stop %s s, uid 1000\n' \
  "$(date -u +%Y-%m-%d)" "$image_node" "$build_s" "$((size / 1000000))" "$stop_s"
