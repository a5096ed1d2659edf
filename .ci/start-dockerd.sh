#!/usr/bin/env bash
# Start a private Docker engine for swelancer-env and print the DOCKER_HOST to use.
#
#   eval "$(bash .ci/start-dockerd.sh)"
#
# Installs docker.io and debootstrap when missing, then starts dockerd on its own socket, data root
# and exec root (so it never clashes with a system Docker), unless that socket already answers.
#
# What this machine supports (checked on Debian 12, kernel 6.x, ext4 root, no systemd as PID 1):
#   - cgroups: the host is on cgroup v1 (hybrid: v1 controllers plus an empty v2 at
#     /sys/fs/cgroup/unified), so dockerd runs with the cgroupfs driver on v1. Memory, CPU and pids
#     limits all work on v1; the OOM counter is memory.oom_control's "oom_kill" line there and
#     memory.events' "oom_kill" on a v2 host (swelancer_env.backends.docker.sandbox reads either).
#   - storage: overlay2 works on the ext4 root (an overlay mount succeeds), so it is the driver;
#     when an overlay mount fails (overlay on overlay, some rootless setups) we fall back to vfs,
#     which works everywhere but copies each layer in full (slower create, more disk).
#   - networking: no iptables and no bridge; every container runs with --network none.
# Progress goes to stderr; stdout carries only the export line.
set -euo pipefail

SOCK=/run/swelancer-docker.sock
DATA_ROOT=/var/lib/swelancer-docker
EXEC_ROOT=/run/swelancer-docker-exec
PIDFILE=/run/swelancer-dockerd.pid
LOG=/tmp/swelancer-dockerd.log
TIMEOUT=60

log() { echo "start-dockerd: $*" >&2; }

answers() { docker -H "unix://$SOCK" info >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 \
    || ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "docker.io or debootstrap is missing and installing them needs root: run this as root"
    exit 1
  fi
  log "installing docker.io and debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends docker.io debootstrap >&2
fi

if answers; then
  log "engine already answers on $SOCK"
else
  if [ "$(id -u)" != 0 ]; then
    log "starting dockerd needs root: run this as root, or start Docker and set DOCKER_HOST"
    exit 1
  fi
  # A stale pid file or socket from an engine that died would stop dockerd from starting.
  if [ -f "$PIDFILE" ] && ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then rm -f "$PIDFILE"; fi
  if [ -f "$PIDFILE" ]; then
    log "dockerd (pid $(cat "$PIDFILE")) is running but $SOCK does not answer yet; waiting"
  else
    rm -f "$SOCK"
    driver=overlay2
    probe=$(mktemp -d)
    mkdir -p "$probe"/{l,u,w,m}
    if mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" \
        "$probe/m" 2>/dev/null; then
      umount "$probe/m"
    else
      driver=vfs
      log "overlay mounts fail here: using the vfs storage driver (slower)"
    fi
    rm -rf "$probe"
    # An engine that already has data in one driver keeps it (switching would hide its images).
    if [ -d "$DATA_ROOT/vfs" ] && [ ! -d "$DATA_ROOT/overlay2" ]; then driver=vfs; fi
    mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
    log "starting dockerd (storage driver $driver), log in $LOG"
    # not the caller's TMPDIR: a test session's goes away with it, and runc's exec files with it
    env -u TMPDIR nohup setsid dockerd \
      --iptables=false --ip6tables=false --bridge=none \
      --storage-driver "$driver" \
      --data-root "$DATA_ROOT" \
      --host "unix://$SOCK" \
      --exec-root "$EXEC_ROOT" \
      --pidfile "$PIDFILE" \
      >>"$LOG" 2>&1 </dev/null &
  fi
  deadline=$((SECONDS + TIMEOUT))
  until answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd did not answer on $SOCK within ${TIMEOUT}s; last lines of $LOG:"
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  log "engine ready on $SOCK"
fi

echo "export DOCKER_HOST=unix://$SOCK"
