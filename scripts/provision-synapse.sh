#!/usr/bin/env bash
# Makes a Synapse homeserver available to the test suite and to `crosschat dev`.
#
# Three ways, tried in this order:
#   1. CROSSCHAT_SYNAPSE_PYTHON names the python of an existing Synapse install
#      (`$CROSSCHAT_SYNAPSE_PYTHON -m synapse.app.homeserver` must work): nothing to do.
#   2. CROSSCHAT_SYNAPSE_MODE=docker, or a running Docker engine: pull matrixdotorg/synapse.
#   3. A root Debian/Ubuntu machine: a Debian sid chroot with Debian's matrix-synapse package,
#      kept in a cache folder outside the repository and reused when present.
#
# Prints the chosen mode on its last line ("python", "docker" or "chroot <root>"), which the
# TypeScript harness (src/devenv/synapse) reads. Idempotent: a second run takes a second.
set -euo pipefail

CACHE_DIR="${CROSSCHAT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/crosschat}"
ROOT="${CROSSCHAT_SYNAPSE_CHROOT:-$CACHE_DIR/synapse-sid}"
DOCKER_IMAGE="${CROSSCHAT_SYNAPSE_IMAGE:-matrixdotorg/synapse:latest}"
MODE="${CROSSCHAT_SYNAPSE_MODE:-auto}"

log() { echo "provision-synapse: $*" >&2; }

# The package tools print thousands of lines; they go to a log, shown only if a step fails.
LOG_FILE="$CACHE_DIR/provision.log"
quietly() {
  mkdir -p "$CACHE_DIR"
  if ! "$@" >>"$LOG_FILE" 2>&1; then
    log "failed: $*"
    tail -n 40 "$LOG_FILE" >&2
    exit 1
  fi
}

if [[ -n "${CROSSCHAT_SYNAPSE_PYTHON:-}" ]]; then
  "$CROSSCHAT_SYNAPSE_PYTHON" -c 'import synapse' \
    || { log "CROSSCHAT_SYNAPSE_PYTHON=$CROSSCHAT_SYNAPSE_PYTHON cannot import synapse"; exit 1; }
  echo "python"
  exit 0
fi

if [[ "$MODE" == "docker" ]] || { [[ "$MODE" == "auto" ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; }; then
  docker image inspect "$DOCKER_IMAGE" >/dev/null 2>&1 || docker pull "$DOCKER_IMAGE" >&2
  echo "docker"
  exit 0
fi

if [[ "$MODE" != "auto" && "$MODE" != "chroot" ]]; then
  log "unknown CROSSCHAT_SYNAPSE_MODE=$MODE (expected auto, docker or chroot)"
  exit 1
fi

if [[ -x "$ROOT/usr/bin/python3" ]] && chroot "$ROOT" python3 -c 'import synapse' 2>/dev/null; then
  echo "chroot $ROOT"
  exit 0
fi

if [[ "$(id -u)" != "0" ]]; then
  log "no Synapse available: set CROSSCHAT_SYNAPSE_PYTHON to an existing install's python,"
  log "run a Docker engine, or run this script as root on Debian to build a chroot in $ROOT"
  exit 1
fi

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  quietly apt-get update -qq
  quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
fi

# A half-built chroot from an interrupted run is thrown away rather than repaired.
if [[ -d "$ROOT" ]]; then
  log "removing incomplete chroot $ROOT"
  for m in proc dev/pts dev sys; do umount -l "$ROOT/$m" 2>/dev/null || true; done
  rm -rf "$ROOT"
fi
mkdir -p "$(dirname "$ROOT")"
BUILD="$ROOT.building"
rm -rf "$BUILD"
log "building a Debian sid chroot with matrix-synapse in $ROOT (about 2 minutes)"
: >"$LOG_FILE"
quietly debootstrap --variant=minbase sid "$BUILD"
# Package scripts must not try to start services inside the chroot.
printf '#!/bin/sh\nexit 101\n' > "$BUILD/usr/sbin/policy-rc.d"
chmod +x "$BUILD/usr/sbin/policy-rc.d"
quietly chroot "$BUILD" apt-get -qq -o Acquire::Check-Valid-Until=false update
quietly env DEBIAN_FRONTEND=noninteractive chroot "$BUILD" apt-get -qq -o Acquire::Check-Valid-Until=false \
  install -y --no-install-recommends matrix-synapse
quietly chroot "$BUILD" apt-get clean
quietly chroot "$BUILD" python3 -c 'import synapse' 
mv "$BUILD" "$ROOT"
log "chroot ready: $(chroot "$ROOT" python3 -c 'import synapse; print(synapse.__version__)')"
echo "chroot $ROOT"
