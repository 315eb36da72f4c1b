"""Watching sources (issue 15): `normwatch watch CONFIG` polls feeds, news sitemaps and index pages.

- config.py  the YAML config (sources, per-host delay, global cap, interval)
- http.py    polite, SSRF-safe GETs: robots.txt (protego), per-host delay, cap, conditional GET
- listing.py item URLs from an RSS/Atom feed (feedparser), a sitemap, or an index page
- state.py   what was seen and when, in the store (watch_sources, watch_items)
- runner.py  one cycle, and the loop that runs until SIGTERM
"""
