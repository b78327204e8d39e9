"""Database models, one module per aggregate. Import from here."""

# Eligibility models live in their feature package (portal/eligibility/models.py); imported here for Alembic.
from portal.eligibility.models import (
    CompanyEligibilityProfile,
    EligibilityProject,
    RuleVersion,
    RuleVersionStatus,
)
from portal.evidence.models import EvidenceFile
from portal.models.assessment import (
    Answer,
    AnswerChange,
    Assessment,
    AssessmentKey,
    AssessmentStatus,
    ModuleAssignment,
    ResumePoint,
)
from portal.models.company import Company, Invitation
from portal.models.platform_audit import PlatformEvent
from portal.models.provider import ProviderOrg
from portal.models.result import AssessmentResult, DimensionTarget
from portal.models.security import (
    ApiToken,
    EmailVerificationToken,
    LoginAttempt,
    PasswordResetToken,
    SignInSession,
)
from portal.models.user import JurisdictionLevel, Role, User

# In-app notifications (portal/notifications/models.py); imported here for Alembic.
from portal.notifications.models import Notification, NotificationKind

# Provider feature models (portal/providers/models.py); imported here for Alembic.
from portal.providers.models import AuditEvent, Consent, ConsentMode, Recognition, Recommendation, Solution

# Report job records live in their feature package (portal/reports/models.py); imported here for Alembic.
from portal.reports.models import Report, ReportStatus

# Assessor review (portal/review/models.py); imported here for Alembic.
from portal.review.models import AssessmentReview, AssessorAppointment, ReviewDecision

__all__ = [
    "Answer",
    "AnswerChange",
    "ApiToken",
    "Assessment",
    "AssessmentKey",
    "AssessmentResult",
    "AssessmentStatus",
    "AuditEvent",
    "Company",
    "CompanyEligibilityProfile",
    "Consent",
    "ConsentMode",
    "DimensionTarget",
    "EligibilityProject",
    "EmailVerificationToken",
    "EvidenceFile",
    "Invitation",
    "JurisdictionLevel",
    "LoginAttempt",
    "ModuleAssignment",
    "Notification",
    "NotificationKind",
    "PasswordResetToken",
    "PlatformEvent",
    "ProviderOrg",
    "Recognition",
    "Recommendation",
    "Report",
    "ReportStatus",
    "ResumePoint",
    "Role",
    "RuleVersion",
    "RuleVersionStatus",
    "SignInSession",
    "Solution",
    "User",
]

# Bureau dashboard tables live in their feature package; imported here for Alembic.
from portal.bureau.models import (
    BureauAggregate,
    BureauFact,
    BureauIndicator,
    BureauIndicatorActual,
    BureauProgramStatus,
)

__all__ += [
    "BureauAggregate",
    "BureauFact",
    "BureauIndicator",
    "BureauIndicatorActual",
    "BureauProgramStatus",
]

__all__ += ["AssessmentReview", "AssessorAppointment", "ReviewDecision"]
