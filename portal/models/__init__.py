"""Database models, one module per aggregate. Import from here."""

from portal.models.company import Company, Invitation
from portal.models.provider import ProviderOrg
from portal.models.user import JurisdictionLevel, Role, User

__all__ = ["Company", "Invitation", "JurisdictionLevel", "ProviderOrg", "Role", "User"]
