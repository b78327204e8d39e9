"""Provider feature services: profiles, recognitions, catalogue, matching data, recommendations, leads,
anonymous gap counts, administrator verification and moderation. Views stay thin and call these.

Split along those lines: `catalogue` (an organisation's profile, recognitions and solutions, and the
solutions as matching offers), `leads` (recommendations, shared assessments, anonymous gap counts),
`company` (what a company sees of providers) and `moderation` (administrators). The names other modules
use are importable from `portal.providers.services` itself.
"""

from __future__ import annotations

from portal.providers.services.catalogue import (
    ProviderError,
    declare_recognition,
    delete_solution,
    form_data_of,
    matches_for,
    own_solution,
    recognitions_of,
    roadmap_actions,
    save_solution,
    solutions_of,
    to_offer,
    update_profile,
    verified_org_ids,
    visible_offers,
    withdraw_recognition,
)
from portal.providers.services.company import all_orgs, assist_changes
from portal.providers.services.leads import (
    MIN_GROUP,
    GapRow,
    gap_counts,
    leads,
    recommend,
    recommendations_for,
    recommendations_of_company,
)
from portal.providers.services.moderation import (
    all_recognitions,
    all_solutions,
    moderate,
    set_recognition_verified,
    set_support_verified,
)

__all__ = [
    "MIN_GROUP",
    "GapRow",
    "ProviderError",
    "all_orgs",
    "all_recognitions",
    "all_solutions",
    "assist_changes",
    "declare_recognition",
    "delete_solution",
    "form_data_of",
    "gap_counts",
    "leads",
    "matches_for",
    "moderate",
    "own_solution",
    "recognitions_of",
    "recommend",
    "recommendations_for",
    "recommendations_of_company",
    "roadmap_actions",
    "save_solution",
    "set_recognition_verified",
    "set_support_verified",
    "solutions_of",
    "to_offer",
    "update_profile",
    "verified_org_ids",
    "visible_offers",
    "withdraw_recognition",
]
