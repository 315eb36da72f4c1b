"""The web layer: a read-only JSON API (`/api/v1`) and server-rendered pages over the store.

Needs the `web` extra (FastAPI, Jinja2, uvicorn). Start it with `normwatch serve`, or
build the app yourself with `normwatch.web.app.create_app(db_url)`.
"""
