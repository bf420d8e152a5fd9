#!/usr/bin/env bash
# Makes Docker ready for the container tests (Testcontainers) on a Debian machine where no
# image registry can be reached and no systemd runs (see docs/CLUSTER.md, "Tests").
# Idempotent: each step is skipped when its result is already there, so a second run only
# checks. Needs root (re-runs itself with sudo otherwise). Fails, non-zero, if any step fails.
#
#  1. apt-installs docker.io, debootstrap and docker-compose (the Compose example's test) when
#     missing;
#  2. starts dockerd in the background when no daemon answers, without a bridge, iptables or
#     IP forwarding (containers use host networking, traffic stays on 127.0.0.1); PID file and
#     log in $STATE_DIR; falls back to the vfs storage driver if overlay2 does not start;
#  3. removes containers left behind by a killed test JVM (Testcontainers' reaper, Ryuk, is off
#     because its image cannot be pulled);
#  4. builds the local images the tests use, from a Debian root filesystem made by debootstrap
#     (Java 17 and HAProxy from Debian packages), when they are missing. Their names are the
#     project's own, so Docker never tries to pull them from a registry.
set -euo pipefail

STATE_DIR=/var/run/starling-docker
# Bump the tag when the image contents change, so existing machines rebuild.
JRE_IMAGE=starling-test/jre17:1
HAPROXY_IMAGE=starling-test/haproxy:1
JAVA_HOME_IN_IMAGE=/usr/lib/jvm/java-17-openjdk-amd64

if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi

mkdir -p "$STATE_DIR"
# One run at a time (CI and a developer, or two builds).
exec 9>"$STATE_DIR/setup.lock"
flock 9

log() {
  echo "docker-setup: $*" >&2
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (log: $STATE_DIR/apt.log)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"; } >"$STATE_DIR/apt.log" 2>&1; then
      tail -n 30 "$STATE_DIR/apt.log" >&2
      log "FAILED: apt-get install ${missing[*]}"
      exit 1
    fi
  fi
}

# Starts dockerd with the given extra options; true once `docker info` answers.
start_daemon() {
  log "starting dockerd${*:+ $*} (log: $STATE_DIR/dockerd.log)"
  # setsid: the daemon outlives this script and the build that called it. 9>&-: it must not
  # inherit the lock, or it would hold it for its whole life.
  setsid dockerd --bridge=none --iptables=false --ip-forward=false \
    --pidfile "$STATE_DIR/dockerd.pid" "$@" >>"$STATE_DIR/dockerd.log" 2>&1 </dev/null 9>&- &
  local pid=$!
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      log "dockerd running, PID $(cat "$STATE_DIR/dockerd.pid")"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  # Neither up nor exited after 30 s: stop it (only this PID) before any retry.
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return 1
}

ensure_daemon() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  start_daemon && return
  log "dockerd did not start with its default storage driver; retrying with vfs"
  start_daemon --storage-driver=vfs && return
  tail -n 30 "$STATE_DIR/dockerd.log" >&2
  log "FAILED: dockerd does not start (log: $STATE_DIR/dockerd.log)"
  exit 1
}

remove_leftover_containers() {
  local leftovers
  leftovers=$(docker ps -aq --filter label=org.testcontainers=true)
  if [ -n "$leftovers" ]; then
    log "removing leftover test containers: $(echo "$leftovers" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one argument per container id
    docker rm -f $leftovers >/dev/null
  fi
}

# The Debian mirror apt already uses (deb822 sources), for debootstrap.
debian_mirror() {
  local mirror
  mirror=$(awk '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") found = 1 }
    /^[[:space:]]*$/ { if (found && uri != "") { print uri; exit } found = 0; uri = "" }
    END { if (found && uri != "") print uri }
  ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  echo "${mirror:-http://deb.debian.org/debian}"
}

image_missing() {
  ! docker image inspect "$1" >/dev/null 2>&1
}

build_images() {
  if ! image_missing "$JRE_IMAGE" && ! image_missing "$HAPROXY_IMAGE"; then
    return
  fi
  local root mirror
  root=$(mktemp -d /var/tmp/starling-rootfs.XXXXXX)
  # shellcheck disable=SC2064 # the path is fixed now
  trap "rm -rf '$root'" EXIT
  mirror=$(debian_mirror)
  log "building the root filesystem with debootstrap from $mirror"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,haproxy bookworm "$root" "$mirror" \
    >"$STATE_DIR/debootstrap.log" 2>&1 || {
    tail -n 30 "$STATE_DIR/debootstrap.log" >&2
    log "FAILED: debootstrap (log: $STATE_DIR/debootstrap.log)"
    exit 1
  }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/locale
  if image_missing "$JRE_IMAGE"; then
    log "importing $JRE_IMAGE"
    tar --numeric-owner -C "$root" -cf - . \
      | docker import -c "ENV JAVA_HOME=$JAVA_HOME_IN_IMAGE" - "$JRE_IMAGE" >/dev/null
  fi
  if image_missing "$HAPROXY_IMAGE"; then
    log "importing $HAPROXY_IMAGE"
    tar --numeric-owner -C "$root" -cf - . \
      | docker import -c 'CMD ["/usr/sbin/haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"]' - "$HAPROXY_IMAGE" >/dev/null
  fi
}

install_packages
ensure_daemon
remove_leftover_containers
build_images
log "ready in ${SECONDS} s: Docker $(docker version --format '{{.Server.Version}}'), images $JRE_IMAGE and $HAPROXY_IMAGE"
