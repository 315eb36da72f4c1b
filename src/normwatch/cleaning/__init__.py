"""Helpers of the `clean` stage: HTML, Markdown and scraped-text cleaning, header metadata, language.

Each module does one job so it can be tested alone; `normwatch.stages.clean`
puts them together.
"""
