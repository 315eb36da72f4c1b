#!/usr/bin/env bash
# Set everything up and run the whole test suite (every marker on: slow, corpus).
set -euo pipefail
cd "$(dirname "$0")"
# chromium + chromium-driver: the browser tests drive a real headless Chromium
# postgresql: the throwaway server of the PostgreSQL tests; openjdk-17-jre-headless: local Spark
NW_EXTRAS="test,web,accounts,export,pg,spark" NW_APT="chromium chromium-driver postgresql openjdk-17-jre-headless" source scripts/setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
