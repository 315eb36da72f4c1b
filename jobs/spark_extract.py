"""Spark job: WARC/WET files -> normwatch's extraction -> Parquet (documents, every fact table, rejections).

A thin shell in the cc-pyspark shape: the input is a text file listing WARC/WET paths, one a line
(local paths or file:// URLs, or any path every executor can read); the work inside each task is
`normwatch.spark_job`, the same code path as `normwatch ingest`. Needs the `spark` extra.

    SPARK_LOCAL_IP=127.0.0.1 spark-submit --master 'local[2]' jobs/spark_extract.py paths.txt out/
    normwatch load out/ --db postgresql://host/normwatch

On a cluster, see docs/scale.md (packaging for executors, the KB, memory per executor).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="text file listing WARC/WET paths, one a line ('#' starts a comment)")
    ap.add_argument("output", help="output directory of the Parquet datasets (overwritten)")
    ap.add_argument("--master", default=None, help="Spark master when not run by spark-submit (e.g. local[2])")
    ap.add_argument("--repartition", type=int, default=0,
                    help="spread the read records over N tasks before extraction (few large files, many cores)")
    ap.add_argument("--no-prefilter", action="store_true", help="run every record through cleaning and the stages")
    ap.add_argument("--no-extract", action="store_true", help="clean and store documents without fact extraction")
    args = ap.parse_args(argv)

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("spark_extract: needs pyspark: pip install 'normwatch[spark]'", file=sys.stderr)
        return 2
    from normwatch.settings import Settings
    from normwatch.spark_job import run_job, write_counters

    with open(args.input, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    if not paths:
        print(f"spark_extract: {args.input}: no paths listed", file=sys.stderr)
        return 2
    overrides = {"prefilter": False if args.no_prefilter else None, "extract": False if args.no_extract else None}
    settings = Settings.load(**overrides)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # never bind a public interface by accident
    builder = SparkSession.builder.appName("normwatch-extract")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    t0 = time.perf_counter()
    try:
        counters = run_job(spark, paths, args.output, settings, repartition=args.repartition or None)
    finally:
        spark.stop()
    counters["seconds"] = round(time.perf_counter() - t0, 2)
    write_counters(args.output, counters)
    print(json.dumps(counters, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
