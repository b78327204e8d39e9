"""On-site review (现场核查) of MIIT 2024 self-assessments by assessors a bureau appoints.

A bureau officer appoints a user of a service-provider organisation as an assessor (`AssessorAppointment`).
The assessor opens a company's submitted MIIT assessment inside the appointing officer's jurisdiction
(`within_jurisdiction`, the one scope rule), decides each answer — confirm, adjust (a corrected answer) or
reject (the answer does not stand; it counts as unanswered) — with a comment wherever the answer is not
simply confirmed, and signs off. Sign-off rescores the answers as confirmed with the real scoring engine
and stores that result beside, never over, the self-reported one. The company reads every adjustment and
its reason on its result page; the platform audit log records appointments, every decision and sign-offs.
"""
