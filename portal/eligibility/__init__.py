"""政策匹配 (eligibility) in the portal: company conditions, projects, the report, admin rule uploads.

The pure engine lives in ``scoring.eligibility``; this package only stores the company's inputs, turns them
into the engine's JSON contract (``services.build_input``) and shows the engine's output.
"""
