#!/usr/bin/env bash
# Makes a Docker engine and the probe image available for the e2e tests (test/e2e).
# Idempotent: installs what is missing (apt), starts dockerd when nothing answers (bounded
# wait), and builds compose-netlint/probe:busybox from static busybox plus socat when the image
# is missing. No registry is contacted for the image: it is assembled from this machine's files.
set -euo pipefail

IMAGE="${PROBE_IMAGE:-compose-netlint/probe:busybox}"
LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"

say() { printf 'ci-docker: %s\n' "$*" >&2; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Reads COUNT bytes at OFFSET of FILE as one little-endian unsigned number.
le_uint() {
  od -An -v -t u1 -j "$2" -N "$3" "$1" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) b[n++] = $i } END { v = 0; for (i = n - 1; i >= 0; i--) v = v * 256 + b[i]; if (n) print v }'
}

# Succeeds when FILE is a statically linked ELF executable: an ELF file (little-endian, as on
# x86-64 and arm64) none of whose program headers is PT_INTERP (type 3), the request for a
# dynamic loader (see elf(5)). Needs only od and awk, so it works before anything is installed.
# The probe image holds nothing but this busybox: a dynamically linked one (Debian's `busybox`
# package) cannot start there ("exec /bin/sh: no such file or directory").
is_static_elf() {
  local file=$1 class phoff phentsize phnum i type
  [ -f "$file" ] && [ -r "$file" ] || return 1
  [ "$(od -An -v -t x1 -N 4 "$file" 2>/dev/null | tr -d ' \n')" = 7f454c46 ] || return 1
  [ "$(le_uint "$file" 5 1)" = 1 ] || return 1
  class=$(le_uint "$file" 4 1)
  if [ "$class" = 2 ]; then
    phoff=$(le_uint "$file" 32 8); phentsize=$(le_uint "$file" 54 2); phnum=$(le_uint "$file" 56 2)
  elif [ "$class" = 1 ]; then
    phoff=$(le_uint "$file" 28 4); phentsize=$(le_uint "$file" 42 2); phnum=$(le_uint "$file" 44 2)
  else
    return 1
  fi
  [ -n "$phoff" ] && [ -n "$phentsize" ] && [ -n "$phnum" ] && [ "$phnum" -gt 0 ] || return 1
  for ((i = 0; i < phnum; i++)); do
    type=$(le_uint "$file" $((phoff + i * phentsize)) 4)
    [ -n "$type" ] || return 1
    [ "$type" = 3 ] && return 1
  done
  return 0
}

# Succeeds when BUSYBOX can go into the probe image as it is: statically linked, with nslookup.
busybox_usable() {
  local busybox=$1
  [ -x "$busybox" ] && is_static_elf "$busybox" && "$busybox" --list 2>/dev/null | grep -qx nslookup
}

# sourced (by the tests): define the functions above and stop here
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then return 0; fi

missing=()
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# Debian's busybox-static replaces a dynamically linked /bin/busybox
busybox_usable /bin/busybox || missing+=(busybox-static)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ "${#missing[@]}" -gt 0 ]; then
  # shellcheck disable=SC2207
  pkgs=($(printf '%s\n' "${missing[@]}" | sort -u))
  say "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -q >/dev/null
  sudo_if_needed apt-get install -y -q "${pkgs[@]}" >/dev/null
fi
if ! busybox_usable /bin/busybox; then
  say "/bin/busybox is not a statically linked busybox with nslookup, even after installing busybox-static"
  exit 1
fi

if ! docker info >/dev/null 2>&1; then
  if [ -S /var/run/docker.sock ] && pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd is running but not answering yet"
  else
    say "starting dockerd (log: $LOG)"
    # nohup + setsid: the daemon outlives this script and the shell that ran it
    sudo_if_needed setsid nohup dockerd >"$LOG" 2>&1 </dev/null &
  fi
  deadline=$((SECONDS + WAIT_SECONDS))
  until docker info >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "dockerd did not answer within ${WAIT_SECONDS}s; last lines of $LOG:"
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 1
  done
fi
say "engine $(docker version --format '{{.Server.Version}}') is up"

# the label's value says which recipe built the image: an image from an older recipe is rebuilt
# (3: recipe 2 could take a dynamically linked /bin/busybox, which cannot start in the image)
RECIPE=3
have=$(docker image inspect --format '{{ index .Config.Labels "com.compose-netlint.probe-image" }}' "$IMAGE" 2>/dev/null || true)
if [ "$have" != "$RECIPE" ]; then
  say "building $IMAGE from /bin/busybox and $(command -v socat)"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/"
  for applet in sh nc nslookup ping wget httpd sleep timeout cat echo printf kill ip hostname true false \
    awk grep mkdir rm ls netstat sed; do
    ln -s busybox "$root/bin/$applet"
  done
  socat_path=$(command -v socat)
  for f in "$socat_path" $(ldd "$socat_path" | grep -oE '/[^ ]+'); do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
  done
  # socat lives in /usr/bin; make sure it is on the default PATH of the image
  [ -e "$root/bin/socat" ] || ln -s "$socat_path" "$root/bin/socat"
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -cf - . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    --change "LABEL com.compose-netlint.probe-image=$RECIPE" \
    - "$IMAGE" >/dev/null
  say "built $IMAGE"
else
  say "$IMAGE is present"
fi

# a single-node Swarm for the stack tests (overlay networks, services); loopback only
if [ -z "${CNL_NO_SWARM:-}" ] && [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = "inactive" ]; then
  say "initialising a single-node Swarm on 127.0.0.1"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi
