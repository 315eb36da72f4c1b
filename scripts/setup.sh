#!/usr/bin/env bash
# Sourced by ./run.sh and ./test.sh: installs what the project needs on a fresh machine.
#   NW_EXTRAS      pip extras to install (e.g. "test")
#   NW_APT         Debian packages needed (installed with apt-get when missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
for pkg in ${NW_APT:-}; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # another apt/dpkg run (a parallel setup) holds the lock for a while: wait for it instead of failing
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

PY="${NW_PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "setup: need Python >= 3.11" >&2; exit 2; }

[ -x .venv/bin/python ] || "$PY" -m venv .venv
# Reinstall only when the dependency list or the extras change.
hash="$(sha256sum < pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-$hash-${NW_EXTRAS:-none}"
# the test extras include everything run.sh needs, so either stamp of this pyproject will do for it
[ -z "${NW_EXTRAS:-}" ] && ls .venv/.installed-"$hash"-* >/dev/null 2>&1 && stamp="$(ls .venv/.installed-"$hash"-* | head -n 1)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >&2
  spec="."; [ -n "${NW_EXTRAS:-}" ] && spec=".[${NW_EXTRAS}]"
  .venv/bin/python -m pip install -q -e "$spec" >&2
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash-*" -delete
  touch "$stamp"
fi

# npm data packages (package.json: world-atlas, the borders of the parties map on instrument
# pages) into ./node_modules. Optional: without npm the pages show the region table only.
lock_hash="$( [ -f package-lock.json ] && sha256sum < package-lock.json | cut -c1-16 || true)"
if [ -n "$lock_hash" ] && [ ! -f "node_modules/.installed-$lock_hash" ]; then
  if command -v npm >/dev/null; then
    echo "setup: installing npm data packages into node_modules" >&2
    # --ignore-scripts: these are data packages; nothing in them needs to run
    if npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2; then
      touch "node_modules/.installed-$lock_hash"
    else
      echo "setup: warning: npm ci failed; instrument pages will show the parties without the world map" >&2
    fi
  else
    echo "setup: warning: npm not found; instrument pages will show the parties without the world map" >&2
  fi
fi
