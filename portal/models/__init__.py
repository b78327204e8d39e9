"""Database models, one module per aggregate. Import from here."""

from portal.models.assessment import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentStatus,
    ModuleAssignment,
    ResumePoint,
)
from portal.models.company import Company, Invitation
from portal.models.provider import ProviderOrg
from portal.models.result import AssessmentResult, DimensionTarget
from portal.models.user import JurisdictionLevel, Role, User

__all__ = [
    "Answer",
    "AnswerChange",
    "Assessment",
    "AssessmentResult",
    "AssessmentStatus",
    "Company",
    "DimensionTarget",
    "Invitation",
    "JurisdictionLevel",
    "ModuleAssignment",
    "ProviderOrg",
    "ResumePoint",
    "Role",
    "User",
]
