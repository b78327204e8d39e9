"""PDF reports of assessments: result view + report context → Jinja print template → WeasyPrint (tagged
PDF/A-3u), run by a job queue.

- `context.build_report_context(assessment, lang)` — the result view (`portal.results.view`, the same one the
  result page renders) plus what only the report has: cover, report number, verification code, sections.
- `pdf.render_report_pdf(context)` — the PDF bytes (charts as SVG through one persistent kaleido browser).
- `jobs` — the `Report` job record, the cache key, request/retry/status, verification codes.
- `outbox` — hands recorded rows to a queue (RQ, or without Redis `local_pool`, a thread in the app) and
  sweeps pending or stuck rows; `runner` — the job itself, one app context and session per job.
- `views` — request / status / download / retry and the public verify page; `cli` — `flask report ...`.
"""
