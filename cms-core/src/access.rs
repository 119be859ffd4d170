//! Access control: organisations, users, roles and permissions, service hours, visibility, and
//! one pure function `decide(actor, request, context) -> Decision`.
//!
//! Deny by default: a request is allowed only when every structural rule passes (the user and
//! the organisation are active, the service is open, the contact is visible, ...) and a role
//! grant of the rule set covers it. Every decision names the rule that decided.

use std::fmt;

use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::calendar::utc_to_london;
use crate::lifecycle::{self, Action, ActionKind, ContactState};
use crate::rules::{OrgType, RuleSet};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Local Security Officer: manages the organisation's users.
    Lso,
    /// Supervisor of contact queues.
    Supervisor,
    /// A user.
    User,
}

/// A user's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// May use the service.
    Active,
    /// Access suspended by the LSO.
    Suspended,
    /// Service revoked.
    Revoked,
}

/// What an LSO has granted a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permissions {
    /// Contact types the user may raise.
    #[serde(default)]
    pub raise: Vec<String>,
    /// Whether the user may upload batch files.
    #[serde(default)]
    pub upload_batches: bool,
    /// The user may only look.
    #[serde(default)]
    pub view_only: bool,
}

/// A user. The id never changes once set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(default)]
    pub permissions: Permissions,
}

impl User {
    pub(crate) fn replayed(id: &str, organisation_id: u64, roles: &[Role]) -> User {
        User {
            id: id.to_string(),
            organisation_id,
            roles: roles.to_vec(),
            status: UserStatus::Active,
            permissions: Permissions::default(),
        }
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRecord {
    /// `ORGANISATION_ID`.
    pub id: u64,
    /// Its short code.
    #[serde(default)]
    pub short_code: String,
    /// Its type.
    pub org_type: OrgType,
    /// Whether it is active.
    pub active: bool,
}

/// Account actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// A role grant: these roles may ask for this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantDef {
    /// What.
    pub permission: Permission,
    /// Which roles.
    pub roles: Vec<Role>,
}

/// A declared outage: the service is unavailable from `from` to `to` (UTC, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outage {
    /// Start.
    pub from: NaiveDateTime,
    /// End.
    pub to: NaiveDateTime,
}

/// The access section of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessDef {
    /// Role grants. Anything no grant covers is denied.
    pub grants: Vec<GrantDef>,
}

/// What is asked.
#[derive(Debug, Clone, Copy)]
pub enum Request<'a> {
    /// Raise a contact of a type.
    Raise {
        /// The contact type code.
        contact_type: &'a str,
    },
    /// Upload a batch file.
    UploadBatch,
    /// View a contact.
    View {
        /// The contact.
        contact: &'a ContactState,
    },
    /// Search.
    Search,
    /// A lifecycle action on a contact.
    Lifecycle {
        /// The action.
        action: &'a Action,
        /// The contact.
        contact: &'a ContactState,
    },
    /// An account action on a user.
    Account {
        /// The action.
        action: AccountAction,
        /// The user acted on (for `CreateUser`, the user to be created).
        target: &'a User,
        /// Every user of the target's organisation (to keep its last active LSO).
        organisation_users: &'a [User],
    },
    /// Change one's own password.
    ChangeOwnPassword,
    /// Change one's own profile.
    ChangeOwnProfile,
}

impl Request<'_> {
    /// The permission a grant must give.
    pub fn permission(&self) -> Permission {
        match self {
            Request::Raise { .. } => Permission::Raise,
            Request::UploadBatch => Permission::UploadBatch,
            Request::View { .. } => Permission::View,
            Request::Search => Permission::Search,
            Request::Lifecycle { action, .. } => Permission::Lifecycle(action.kind()),
            Request::Account { action, .. } => Permission::Account(*action),
            Request::ChangeOwnPassword => Permission::ChangeOwnPassword,
            Request::ChangeOwnProfile => Permission::ChangeOwnProfile,
        }
    }
}

/// When, and what outages the host has declared.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now (UTC).
    pub now: NaiveDateTime,
    /// Declared outages.
    pub outages: &'a [Outage],
}

/// The rules that decide, by name. A decision names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

/// A decision: allowed or not, the rule that decided, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// Minutes since Monday 00:00 for a London time.
fn week_minute(local: NaiveDateTime) -> u32 {
    let day = local.weekday().num_days_from_monday();
    let t = local.time();
    day * 24 * 60 + chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t)
}

/// The service at `now` (UTC), in Europe/London time, GMT and BST alike.
pub fn service_status(rules: &RuleSet, now: NaiveDateTime, outages: &[Outage]) -> ServiceStatus {
    let hours = &rules.data().service_hours;
    let local = utc_to_london(now);
    let t = local.time();
    let at = week_minute(local);
    let in_window = hours.maintenance.iter().any(|w| {
        let from = w.from.day.num_days_from_monday() * 1440
            + chrono::Timelike::hour(&w.from.time) * 60
            + chrono::Timelike::minute(&w.from.time);
        let to = w.to.day.num_days_from_monday() * 1440
            + chrono::Timelike::hour(&w.to.time) * 60
            + chrono::Timelike::minute(&w.to.time);
        if from <= to {
            at >= from && at < to
        } else {
            at >= from || at < to
        }
    });
    if let Some(o) = outages.iter().find(|o| now >= o.from && now < o.to) {
        return ServiceStatus {
            available: false,
            may_be_unavailable: in_window,
            reason: Some(format!(
                "a declared outage from {} to {} (UTC)",
                o.from, o.to
            )),
            rule: Some(Rule::Outage),
        };
    }
    if t < hours.open || t >= hours.close {
        return ServiceStatus {
            available: false,
            may_be_unavailable: in_window,
            reason: Some(format!(
                "{} is outside service hours {}-{} (Europe/London)",
                local.format("%H:%M"),
                hours.open.format("%H:%M"),
                hours.close.format("%H:%M")
            )),
            rule: Some(Rule::OutsideServiceHours),
        };
    }
    ServiceStatus {
        available: true,
        may_be_unavailable: in_window,
        reason: None,
        rule: None,
    }
}

/// Whether an organisation sees a contact: the raiser, every organisation it has been routed
/// to, and the CDSP; nothing else.
pub fn is_visible(
    rules: &RuleSet,
    organisation: &OrganisationRecord,
    contact: &ContactState,
) -> bool {
    organisation.id == contact.raised_by.id
        || contact.routed_to.contains(&organisation.id)
        || (organisation.org_type == OrgType::Cdsp
            && organisation.id == rules.data().cdsp_organisation_id)
}

/// A value as the rule file spells it (`user`, `upload_batch`, `lifecycle.assign`).
fn published<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}.{}", v.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

fn granted(rules: &RuleSet, user: &User, permission: Permission) -> bool {
    rules
        .data()
        .access
        .grants
        .iter()
        .any(|g| g.permission == permission && g.roles.iter().any(|r| user.roles.contains(r)))
}

/// Decide a request. Pure: `now` and outages come in the context.
pub fn decide(
    rules: &RuleSet,
    user: &User,
    organisation: &OrganisationRecord,
    request: &Request<'_>,
    ctx: &Context<'_>,
) -> Decision {
    let service = service_status(rules, ctx.now, ctx.outages);
    decide_with(
        rules,
        user,
        organisation,
        request,
        Some(ctx.now),
        Some(&service),
    )
}

/// Decide without a clock: service hours are not checked, and lifecycle requests (which need
/// `now`) are refused. The batch job uses it when no upload time is given.
pub fn decide_without_time(
    rules: &RuleSet,
    user: &User,
    organisation: &OrganisationRecord,
    request: &Request<'_>,
) -> Decision {
    decide_with(rules, user, organisation, request, None, None)
}

fn decide_with(
    rules: &RuleSet,
    user: &User,
    organisation: &OrganisationRecord,
    request: &Request<'_>,
    now: Option<NaiveDateTime>,
    service: Option<&ServiceStatus>,
) -> Decision {
    let window = service.is_some_and(|s| s.may_be_unavailable);
    let deny = |rule: Rule, reason: String| Decision {
        allowed: false,
        rule,
        reason,
        may_be_unavailable: window,
    };
    if user.organisation_id != organisation.id {
        return deny(
            Rule::WrongOrganisation,
            format!(
                "user `{}` is not of organisation {}",
                user.id, organisation.id
            ),
        );
    }
    if user.status != UserStatus::Active {
        let status = if user.status == UserStatus::Suspended {
            "suspended"
        } else {
            "revoked"
        };
        return deny(
            Rule::UserNotActive,
            format!("user `{}` is {status}", user.id),
        );
    }
    if !organisation.active {
        return deny(
            Rule::OrganisationNotActive,
            format!("organisation {} is not active", organisation.id),
        );
    }
    let handler = organisation.org_type == OrgType::Cdsp
        && organisation.id == rules.data().cdsp_organisation_id;
    if !handler && !rules.may_use_cms(organisation.org_type) {
        return deny(
            Rule::OrganisationTypeNotAllowed,
            format!(
                "organisation type `{}` may not use CMS",
                organisation.org_type
            ),
        );
    }
    if let Some(service) = service.filter(|s| !s.available) {
        return deny(
            service.rule.unwrap_or(Rule::OutsideServiceHours),
            service.reason.clone().unwrap_or_default(),
        );
    }
    let permission = request.permission();
    if !granted(rules, user, permission) {
        let roles: Vec<String> = user.roles.iter().map(published).collect();
        return deny(
            Rule::NoGrant,
            format!(
                "no grant gives roles [{}] the permission `{}`",
                roles.join(", "),
                published(&permission)
            ),
        );
    }
    let changes = !matches!(
        request,
        Request::View { .. }
            | Request::Search
            | Request::ChangeOwnPassword
            | Request::ChangeOwnProfile
    );
    if changes && user.permissions.view_only {
        return deny(Rule::ViewOnly, format!("user `{}` may only view", user.id));
    }
    match request {
        Request::Raise { contact_type } => {
            let Some((_, t)) = rules.contact_type(contact_type) else {
                return deny(
                    Rule::ContactTypeNotRaisable,
                    format!("contact type `{contact_type}` is not in the catalogue"),
                );
            };
            if t.retired || !t.new_cms {
                return deny(
                    Rule::ContactTypeNotRaisable,
                    format!(
                        "contact type `{contact_type}` is {}",
                        if t.retired {
                            "retired"
                        } else {
                            "not in the new CMS"
                        }
                    ),
                );
            }
            if !t.raised_by.contains(&organisation.org_type) {
                return deny(
                    Rule::OrganisationMayNotRaise,
                    format!(
                        "organisation type `{}` may not raise contact type `{contact_type}`",
                        organisation.org_type
                    ),
                );
            }
            if !user.permissions.raise.iter().any(|c| c == contact_type) {
                return deny(
                    Rule::NoPermissionForType,
                    format!(
                        "user `{}` may not raise contact type `{contact_type}`",
                        user.id
                    ),
                );
            }
        }
        Request::UploadBatch => {
            if handler {
                return deny(
                    Rule::OrganisationTypeNotAllowed,
                    "the CDSP does not upload contacts".into(),
                );
            }
            if !user.permissions.upload_batches {
                return deny(
                    Rule::NoPermissionToUpload,
                    format!("user `{}` may not upload batch files", user.id),
                );
            }
        }
        Request::View { contact } => {
            if !is_visible(rules, organisation, contact) {
                return deny(
                    Rule::NotVisible,
                    format!(
                        "contact {} is not visible to organisation {}",
                        contact.crn, organisation.id
                    ),
                );
            }
        }
        Request::Search | Request::ChangeOwnPassword | Request::ChangeOwnProfile => {}
        Request::Lifecycle { action, contact } => {
            if !is_visible(rules, organisation, contact) {
                return deny(
                    Rule::NotVisible,
                    format!(
                        "contact {} is not visible to organisation {}",
                        contact.crn, organisation.id
                    ),
                );
            }
            let Some(now) = now else {
                return deny(
                    Rule::LifecycleRefused,
                    "a lifecycle action needs the time it is taken".into(),
                );
            };
            let actor = lifecycle::Actor::User { user, organisation };
            if let Err(r) = lifecycle::transition(rules, contact, action, &actor, now, None) {
                return deny(Rule::LifecycleRefused, r.message);
            }
        }
        Request::Account {
            action,
            target,
            organisation_users,
        } => {
            if target.organisation_id != organisation.id {
                return deny(
                    Rule::OtherOrganisation,
                    format!(
                        "user `{}` is of organisation {}, not {}",
                        target.id, target.organisation_id, organisation.id
                    ),
                );
            }
            if *action == AccountAction::ChangePermissions && target.id == user.id {
                return deny(
                    Rule::SelfGrant,
                    "no one changes their own permissions".into(),
                );
            }
            let removes_lso = matches!(
                action,
                AccountAction::DeleteUser
                    | AccountAction::Suspend
                    | AccountAction::ChangePermissions
            );
            let is_active_lso =
                |u: &User| u.status == UserStatus::Active && u.roles.contains(&Role::Lso);
            if removes_lso && is_active_lso(target) {
                let others = organisation_users
                    .iter()
                    .filter(|u| u.id != target.id && is_active_lso(u))
                    .count();
                if others == 0 {
                    return deny(
                        Rule::LastActiveLso,
                        format!(
                            "`{}` is organisation {}'s last active LSO",
                            target.id, organisation.id
                        ),
                    );
                }
            }
            if *action == AccountAction::Reinstate && target.status == UserStatus::Active {
                return deny(
                    Rule::NotSuspended,
                    format!("user `{}` is active", target.id),
                );
            }
        }
    }
    Decision {
        allowed: true,
        rule: Rule::Allowed,
        reason: "allowed".into(),
        may_be_unavailable: window,
    }
}

/// A search over contacts the host passes in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Any of these CRNs (empty: any).
    #[serde(default)]
    pub crns: Vec<String>,
    /// Any of these statuses (empty: any).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// Any of these contact types (empty: any).
    #[serde(default)]
    pub contact_types: Vec<String>,
    /// Raised at or after (UTC).
    #[serde(default)]
    pub raised_from: Option<NaiveDateTime>,
    /// Raised before (UTC).
    #[serde(default)]
    pub raised_to: Option<NaiveDateTime>,
}

/// Search: the contacts that match and that the user's organisation may see, in the order
/// given. A user who may not search gets nothing (the decision says why).
pub fn search<'c>(
    rules: &RuleSet,
    user: &User,
    organisation: &OrganisationRecord,
    contacts: &'c [ContactState],
    query: &Query,
    ctx: &Context<'_>,
) -> (Decision, Vec<&'c ContactState>) {
    let decision = decide(rules, user, organisation, &Request::Search, ctx);
    if !decision.allowed {
        return (decision, Vec::new());
    }
    let hits = contacts
        .iter()
        .filter(|c| is_visible(rules, organisation, c))
        .filter(|c| query.crns.is_empty() || query.crns.contains(&c.crn))
        .filter(|c| query.statuses.is_empty() || query.statuses.contains(&c.status))
        .filter(|c| query.contact_types.is_empty() || query.contact_types.contains(&c.contact_type))
        .filter(|c| query.raised_from.is_none_or(|f| c.raised_at >= f))
        .filter(|c| query.raised_to.is_none_or(|t| c.raised_at < t))
        .collect();
    (decision, hits)
}
