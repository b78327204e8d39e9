"""PDF reports of assessments: plain-data context → Jinja print template → WeasyPrint, run by a job queue.

- `context.build_report_context(assessment, lang)` — everything the report shows, as plain data.
- `pdf.render_report_pdf(context)` — the PDF bytes (charts as SVG through one persistent kaleido browser).
- `jobs` — the `Report` job record, the cache key, RQ enqueueing with an inline fallback, verification codes.
- `views` — request / status / download / retry and the public verify page; `cli` — `flask report ...`.
"""
