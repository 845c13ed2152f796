#!/usr/bin/env bash
# `npm run bench:install`: how long a user waits for compose-netlint to install on a machine that has
# never installed it. Two installs, each with an empty npm cache so that every package is downloaded
# from the registry and every install script runs, as on a fresh machine or CI runner:
#
#   tarball     `npm pack` of the working tree, then `npm install <tgz>` into an empty directory
#               (what `npx compose-netlint` and the GitHub Action pay for the CLI's dependencies)
#   pre-commit  what pre-commit's `language: node` does for the hook (pre-commit/languages/node.py):
#               in the repository `npm install --include=dev --include=prod --ignore-prepublish
#               --no-progress --no-save` (runs `prepare`, the build), `npm pack`, then
#               `npm install -g <tgz>` into an empty prefix
#
# For each it prints the wall-clock seconds, the packages installed, their size on disk and the
# native modules compiled. Usage: bash scripts/bench-install.sh [RUNS] (default 1; with more, each
# run is printed and the median too). Needs the npm registry; leaves nothing behind.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS="${1:-1}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-install: RUNS must be a positive number, not \"$RUNS\"" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/netlint-bench-install-XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# the working tree as git sees it (tracked and untracked, ignored files left out): no node_modules, no dist
snapshot() {
  mkdir -p "$1"
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$1"
}

# "<packages> packages, <MB> MB, native: <list or none>" for a node_modules folder
describe() {
  local modules=$1 count size native
  count=$(find "$modules" -name package.json | grep -cE '/node_modules/(@[^/]+/)?[^/]+/package\.json$')
  size=$(du -sm "$modules" | cut -f1)
  native=$(find "$modules" -name '*.node' | sed -E 's#.*/node_modules/((@[^/]+/)?[^/]+)/.*#\1#' | sort -u | paste -sd, -)
  printf '%s packages, %s MB, native: %s' "$count" "$size" "${native:-none}"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# pack once, from a copy of the working tree that borrows this checkout's node_modules for the build
src="$work/src"
snapshot "$src"
ln -s "$ROOT/node_modules" "$src/node_modules"
tarball=$(cd "$src" && npm pack --silent --pack-destination "$work" | tail -n 1)
rm "$src/node_modules"
echo "bench-install: $tarball ($(du -k "$work/$tarball" | cut -f1) kB), npm $(npm --version), node $(node --version), $RUNS run(s)"

tgz_times=()
hook_times=()
for run in $(seq 1 "$RUNS"); do
  # tarball: npm install <tgz> into an empty project
  app="$work/app-$run"
  mkdir -p "$app"
  echo '{ "name": "app", "private": true }' >"$app/package.json"
  start=$(now)
  (cd "$app" && npm install --cache "$work/cache-tgz-$run" --loglevel=error "$work/$tarball" >/dev/null)
  t=$(secs "$start" "$(now)")
  tgz_times+=("$t")
  echo "tarball     run $run: ${t} s  ($(describe "$app/node_modules"))"

  # pre-commit: install in the repository, pack, install the tarball globally into an empty prefix
  repo="$work/hook-$run"
  snapshot "$repo"
  prefix="$work/prefix-$run"
  mkdir -p "$prefix"
  cache="$work/cache-hook-$run"
  start=$(now)
  (cd "$repo" && npm install --cache "$cache" --include=dev --include=prod --ignore-prepublish --no-progress --no-save --loglevel=error >/dev/null)
  t1=$(now)
  hook_tgz=$(cd "$repo" && npm pack --cache "$cache" --silent | tail -n 1)
  t2=$(now)
  (cd "$repo" && npm install --cache "$cache" --prefix "$prefix" --loglevel=error -g "$repo/$hook_tgz" >/dev/null)
  t=$(secs "$start" "$(now)")
  hook_times+=("$t")
  echo "pre-commit  run $run: ${t} s  (npm install in the repository $(secs "$start" "$t1") s: $(describe "$repo/node_modules"); npm pack $(secs "$t1" "$t2") s; npm install -g $(secs "$t2" "$(now)") s: $(describe "$prefix/lib/node_modules"))"
  rm -rf "$app" "$repo" "$prefix" "$work/cache-tgz-$run" "$cache"
done

if [ "$RUNS" -gt 1 ]; then
  echo "tarball     median: $(printf '%s\n' "${tgz_times[@]}" | median) s"
  echo "pre-commit  median: $(printf '%s\n' "${hook_times[@]}" | median) s"
fi
