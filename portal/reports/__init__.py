"""PDF reports of assessments: result view + report context → Jinja print template → WeasyPrint (tagged
PDF/A-3u), run by a job queue.

- `context.build_report_context(assessment, lang)` — the result view (`portal.results.view`, the same one the
  result page renders) plus what only the report has: cover, report number, verification code, sections.
- `pdf.render_report_pdf(context)` — the PDF bytes (charts as SVG through one persistent kaleido browser).
- `jobs` — the `Report` job record, the cache key, RQ enqueueing with an inline fallback, verification codes.
- `views` — request / status / download / retry and the public verify page; `cli` — `flask report ...`.
"""
