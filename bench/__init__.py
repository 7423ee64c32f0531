"""The scale benchmark of issue 10: `python -m bench.run --scale 100k` writes `bench/results/<scale>.md`."""
