//! Access control: users, organisations, role grants, service hours, visibility, and the one
//! decision function (`RuleSet.decide`). The core decides; every decision names its rule.

use cms_core::access::{self as core, Context};
use cms_core::access::{
    AccountAction, Decision, OrganisationRecord, Outage, Permission, Permissions, Query, Role,
    Rule, ServiceStatus, User, UserStatus,
};
use cms_core::lifecycle::{Action, ActionKind, ContactState};

use crate::error::{guard, CmsError};
use crate::rules::RuleSet;

/// A user's role.
#[uniffi::remote(Enum)]
pub enum Role {
    /// Local Security Officer: manages the organisation's users.
    Lso,
    /// Supervisor of contact queues.
    Supervisor,
    /// A user.
    User,
}

/// A user's status.
#[uniffi::remote(Enum)]
pub enum UserStatus {
    /// May use the service.
    Active,
    /// Access suspended by the LSO.
    Suspended,
    /// Service revoked.
    Revoked,
}

/// What an LSO has granted a user.
#[uniffi::remote(Record)]
pub struct Permissions {
    /// Contact types the user may raise.
    #[uniffi(default = [])]
    pub raise: Vec<String>,
    /// Whether the user may upload batch files.
    #[uniffi(default = false)]
    pub upload_batches: bool,
    /// The user may only look.
    #[uniffi(default = false)]
    pub view_only: bool,
}

/// A user. The id never changes once set.
#[uniffi::remote(Record)]
pub struct User {
    /// The user id.
    pub id: String,
    /// The organisation the user belongs to.
    pub organisation_id: u64,
    /// Roles.
    pub roles: Vec<Role>,
    /// Status.
    pub status: UserStatus,
    /// Permissions.
    pub permissions: Permissions,
}

/// An organisation, as access control sees it.
#[uniffi::remote(Record)]
pub struct OrganisationRecord {
    /// `ORGANISATION_ID`.
    pub id: u64,
    /// Its short code.
    pub short_code: String,
    /// Its type.
    pub org_type: cms_core::OrgType,
    /// Whether it is active.
    pub active: bool,
}

/// Account actions (an LSO's).
#[uniffi::remote(Enum)]
pub enum AccountAction {
    /// Create a user.
    CreateUser,
    /// Delete a user.
    DeleteUser,
    /// Change a user's permissions or roles.
    ChangePermissions,
    /// Reset a password the user cannot reset.
    ResetPassword,
    /// Suspend a user's access.
    Suspend,
    /// Reinstate a suspended or revoked user.
    Reinstate,
}

/// Everything a user may ask to do, as the role grants name it.
#[uniffi::remote(Enum)]
pub enum Permission {
    /// Raise a contact.
    Raise,
    /// Upload a batch file.
    UploadBatch,
    /// View a contact.
    View,
    /// Search contacts.
    Search,
    /// Take a lifecycle action.
    Lifecycle(ActionKind),
    /// An account action.
    Account(AccountAction),
    /// Change one's own password.
    ChangeOwnPassword,
    /// Change one's own profile.
    ChangeOwnProfile,
}

/// A declared outage: the service is unavailable from `from` to `to` (UTC, end exclusive).
#[uniffi::remote(Record)]
pub struct Outage {
    /// Start (UTC).
    pub from: chrono::NaiveDateTime,
    /// End (UTC, exclusive).
    pub to: chrono::NaiveDateTime,
}

/// The rules that decide, by name. A decision names one.
#[uniffi::remote(Enum)]
pub enum Rule {
    /// The user is suspended or revoked.
    UserNotActive,
    /// The user's organisation is inactive.
    OrganisationNotActive,
    /// The actor record does not belong to the organisation given.
    WrongOrganisation,
    /// The organisation's type may not use CMS.
    OrganisationTypeNotAllowed,
    /// Outside service hours.
    OutsideServiceHours,
    /// A declared outage.
    Outage,
    /// No role grant covers the request.
    NoGrant,
    /// The user may only view.
    ViewOnly,
    /// The contact is not visible to the user's organisation.
    NotVisible,
    /// The contact type is unknown, retired, or not in the new CMS.
    ContactTypeNotRaisable,
    /// The organisation's type may not raise this contact type.
    OrganisationMayNotRaise,
    /// The LSO has not granted this user this contact type.
    NoPermissionForType,
    /// The LSO has not granted this user batch uploads.
    NoPermissionToUpload,
    /// The lifecycle refuses the action.
    LifecycleRefused,
    /// An LSO acts only inside their own organisation.
    OtherOrganisation,
    /// No one grants themselves a permission.
    SelfGrant,
    /// An organisation never loses its last active LSO.
    LastActiveLso,
    /// Reinstating a user who is active.
    NotSuspended,
    /// Allowed.
    Allowed,
}

/// A decision: allowed or not, the rule that decided, and why.
#[uniffi::remote(Record)]
pub struct Decision {
    /// Allowed.
    pub allowed: bool,
    /// The rule that decided.
    pub rule: Rule,
    /// Why, in words.
    pub reason: String,
    /// The time falls in a maintenance window: the service may be unavailable.
    pub may_be_unavailable: bool,
}

/// Whether the service is open at a time.
#[uniffi::remote(Record)]
pub struct ServiceStatus {
    /// Open: inside service hours and no declared outage.
    pub available: bool,
    /// In a maintenance window: planned outages may happen.
    pub may_be_unavailable: bool,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The rule, when not available.
    pub rule: Option<Rule>,
}

/// A search over contacts the host passes in; an empty list matches anything.
#[uniffi::remote(Record)]
pub struct Query {
    /// Any of these CRNs.
    #[uniffi(default = [])]
    pub crns: Vec<String>,
    /// Any of these statuses.
    #[uniffi(default = [])]
    pub statuses: Vec<String>,
    /// Any of these contact types.
    #[uniffi(default = [])]
    pub contact_types: Vec<String>,
    /// Raised at or after (UTC).
    #[uniffi(default = None)]
    pub raised_from: Option<chrono::NaiveDateTime>,
    /// Raised before (UTC).
    #[uniffi(default = None)]
    pub raised_to: Option<chrono::NaiveDateTime>,
}

/// What is asked (the core's request, owning its data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AccessRequest {
    /// Raise a contact of a type.
    Raise {
        /// The contact type code.
        contact_type: String,
    },
    /// Upload a batch file.
    UploadBatch,
    /// View a contact.
    View {
        /// The contact.
        contact: ContactState,
    },
    /// Search.
    Search,
    /// A lifecycle action on a contact.
    Lifecycle {
        /// The action.
        action: Action,
        /// The contact.
        contact: ContactState,
    },
    /// An account action on a user.
    Account {
        /// The action.
        action: AccountAction,
        /// The user acted on (for `CREATE_USER`, the user to be created).
        target: User,
        /// Every user of the target's organisation (to keep its last active LSO).
        organisation_users: Vec<User>,
    },
    /// Change one's own password.
    ChangeOwnPassword,
    /// Change one's own profile.
    ChangeOwnProfile,
}

impl AccessRequest {
    /// The core's request, borrowing from this one.
    pub(crate) fn as_core(&self) -> cms_core::access::Request<'_> {
        use cms_core::access::Request;
        match self {
            AccessRequest::Raise { contact_type } => Request::Raise { contact_type },
            AccessRequest::UploadBatch => Request::UploadBatch,
            AccessRequest::View { contact } => Request::View { contact },
            AccessRequest::Search => Request::Search,
            AccessRequest::Lifecycle { action, contact } => Request::Lifecycle { action, contact },
            AccessRequest::Account {
                action,
                target,
                organisation_users,
            } => Request::Account {
                action: *action,
                target,
                organisation_users,
            },
            AccessRequest::ChangeOwnPassword => Request::ChangeOwnPassword,
            AccessRequest::ChangeOwnProfile => Request::ChangeOwnProfile,
        }
    }
}

/// What a search found: the decision, and the matching contacts the user's organisation may see,
/// in the order given.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchResult {
    /// Whether the user may search, and why.
    pub decision: Decision,
    /// The contacts found (none when the search was not allowed).
    pub contacts: Vec<ContactState>,
}

#[uniffi::export]
impl RuleSet {
    /// Decide a request at `now` (UTC), with the host's declared outages. Deny by default; the
    /// decision names the rule that decided.
    pub fn decide(
        &self,
        user: User,
        organisation: OrganisationRecord,
        request: AccessRequest,
        now: chrono::NaiveDateTime,
        outages: Vec<Outage>,
    ) -> Result<Decision, CmsError> {
        guard(|| {
            let ctx = Context {
                now,
                outages: &outages,
            };
            Ok(core::decide(
                &self.inner,
                &user,
                &organisation,
                &request.as_core(),
                &ctx,
            ))
        })
    }

    /// Decide without a clock: service hours are not checked, and lifecycle requests (which
    /// need `now`) are refused.
    pub fn decide_without_time(
        &self,
        user: User,
        organisation: OrganisationRecord,
        request: AccessRequest,
    ) -> Result<Decision, CmsError> {
        guard(|| {
            Ok(core::decide_without_time(
                &self.inner,
                &user,
                &organisation,
                &request.as_core(),
            ))
        })
    }

    /// Whether the service is open at `now` (UTC), in Europe/London service hours.
    pub fn service_status(
        &self,
        now: chrono::NaiveDateTime,
        outages: Vec<Outage>,
    ) -> ServiceStatus {
        core::service_status(&self.inner, now, &outages)
    }

    /// Whether an organisation sees a contact.
    pub fn is_visible(&self, organisation: OrganisationRecord, contact: ContactState) -> bool {
        core::is_visible(&self.inner, &organisation, &contact)
    }

    /// Search the contacts the host passes in: those that match and that the user's
    /// organisation may see, in the order given (none when the user may not search).
    pub fn search(
        &self,
        user: User,
        organisation: OrganisationRecord,
        contacts: Vec<ContactState>,
        query: Query,
        now: chrono::NaiveDateTime,
        outages: Vec<Outage>,
    ) -> Result<SearchResult, CmsError> {
        guard(|| {
            let ctx = Context {
                now,
                outages: &outages,
            };
            let (decision, found) =
                core::search(&self.inner, &user, &organisation, &contacts, &query, &ctx);
            Ok(SearchResult {
                decision,
                contacts: found.into_iter().cloned().collect(),
            })
        })
    }
}
