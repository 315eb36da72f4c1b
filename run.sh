#!/usr/bin/env bash
# Set everything up and run the main job on the embedded default (SQLite):
# ingest a sample of ../shared/corpus (or the inputs given) into var/normwatch.db and print a summary.
set -euo pipefail
cd "$(dirname "$0")"
NW_EXTRAS="" NW_APT="" source scripts/setup.sh

SHARED="${NORMWATCH_SHARED:-../shared}"
DB="${NORMWATCH_DB:-sqlite:///var/normwatch.db}"
if [ $# -gt 0 ]; then
  inputs=("$@")
else
  [ -d "$SHARED/corpus/origin" ] || { echo "run: $SHARED/corpus is absent; give inputs: ./run.sh PATH|URL..." >&2; exit 2; }
  inputs=("$SHARED"/corpus/origin/*.txt "$SHARED"/corpus/news-html/*.htm* "$SHARED"/corpus/news-text/*.txt
          "$SHARED"/corpus/ungdc-cyber/*_2015.txt)
fi
set +e
.venv/bin/normwatch ingest --db "$DB" "${inputs[@]}"
status=$?
set -e
echo
.venv/bin/normwatch stats --db "$DB"
# 1 = some inputs rejected (listed above and in `normwatch rejections`): the job itself worked
[ $status -le 1 ] || exit $status
