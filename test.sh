#!/usr/bin/env bash
# Set everything up and run the whole test suite (every marker on: slow, corpus).
set -euo pipefail
cd "$(dirname "$0")"
# chromium + chromium-driver: the browser tests drive a real headless Chromium
NW_EXTRAS="test,web,accounts,export" NW_APT="chromium chromium-driver" source scripts/setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
