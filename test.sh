#!/usr/bin/env bash
# Set everything up and run the whole test suite (every marker on: slow, corpus).
set -euo pipefail
cd "$(dirname "$0")"
NW_EXTRAS="test" NW_APT="" source scripts/setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
