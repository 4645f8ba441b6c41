//! Accounts in the browser: everyone changes their own password (`/admin/konto`); colleagues with
//! the role Verwaltung add, lock, unlock and delete accounts, change roles and give new passwords
//! (`/admin/konten`). A new or reset password is made by the site and shown once, to be passed
//! on; its owner changes it under "Mein Konto". Every change is in the activity log.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::input::{EmailAddress, FieldError, SingleLine};
use crate::monitoring;
use crate::staff::account::{self, Account, AccountError, Role, Safeguard};
use crate::staff::activity::{self, ActivityKind, Actor, Change, Subject};
use crate::staff::password::{self, Password, PasswordRuleError};
use crate::staff::session::{self as staff_session, SignIn, StaffSession};
use crate::staff::sign_in::{self, CurrentPassword};
use crate::staff::two_factor::{self, TwoFactorState};
use crate::state::AppState;
use crate::web::admin::auth::{self, Administrator, SignedIn};
use crate::web::admin::layout::{AdminLayout, Section};
use crate::web::admin::notice::{Notice, NoticeQuery};
use crate::web::admin::paths;
use crate::web::admin::staff_form::{ButtonOnly, StaffForm};
use crate::web::form_field::{Choice, Control, FormField, FormFields};

// ---------------------------------------------------------------------------------------------
// One's own account

#[derive(Template)]
#[template(path = "admin/own_account.html")]
struct OwnAccountTemplate<'a> {
    layout: AdminLayout<'a>,
    account: Account,
    two_factor: TwoFactorState,
    sign_ins: Vec<SignIn>,
    /// Sessions besides this one: the button to end them shows.
    other_sessions: i64,
    form: FormFields,
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
}

/// The password form, with the new values kept out (passwords are never shown again).
fn password_form(problems: &[(&'static str, String)]) -> FormFields {
    let error = |name: &str| {
        problems
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, message)| message.clone())
    };
    let field = |name, label| {
        FormField::new(name, label, "")
            .required()
            .control(Control::Password)
            .error(error(name))
    };
    FormFields {
        locale: Locale::De,
        fields: vec![
            field("current", "Bisheriges Passwort").autocomplete("current-password"),
            field("new", "Neues Passwort")
                .autocomplete("new-password")
                .hint(format!(
                    "Mindestens {} Zeichen. Ein Satz, den Sie sich merken können, ist ein gutes Passwort.",
                    Password::MIN_LENGTH
                )),
            field("repeat", "Neues Passwort wiederholen").autocomplete("new-password"),
        ],
    }
}

async fn render_own_account(
    state: &AppState,
    session: &StaffSession,
    form: FormFields,
    confirmation: Option<&'static str>,
) -> Result<String, AppError> {
    let account = account::find(&state.pool, session.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let two_factor = two_factor::state_of(&state.pool, session.account_id).await?;
    let sign_ins =
        staff_session::recent_sign_ins(&state.pool, session, state.staff.sessions).await?;
    let other_sessions =
        staff_session::other_sessions(&state.pool, session, state.staff.sessions).await?;
    Ok(OwnAccountTemplate {
        layout: AdminLayout::new("Mein Konto", Section::OwnAccount, session)
            .with_errors(form.has_errors()),
        account,
        two_factor,
        sign_ins,
        other_sessions,
        form,
        csrf_token: &session.csrf_token,
        confirmation,
    }
    .render()?)
}

pub async fn own_account(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let confirmation = query.notice().map(Notice::text);
    Ok(Html(
        render_own_account(&state, &session, password_form(&[]), confirmation).await?,
    ))
}

impl OwnAccountTemplate<'_> {
    /// How many recovery codes an account gets.
    const RECOVERY_CODES: usize = two_factor::RECOVERY_CODE_COUNT;

    /// Few enough recovery codes left to suggest asking for new ones.
    fn few_recovery_codes_left(&self) -> bool {
        self.two_factor.recovery_codes_left < 4
    }
}

/// Ends one's sessions in other browsers and on other devices (a phone left signed in, a
/// computer in a shared office); this one goes on.
pub async fn end_other_sessions(
    State(state): State<AppState>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    let ended = staff_session::end_others(&state.pool, &session).await?;
    tracing::info!(
        account_id = session.account_id,
        ended,
        "ended other sessions"
    );
    Ok(Redirect::to(&paths::with_notice(
        paths::OWN_ACCOUNT,
        Notice::OtherSessionsEnded,
    )))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

fn password_rule_message(error: PasswordRuleError) -> String {
    match error {
        PasswordRuleError::TooShort => format!(
            "Bitte wählen Sie ein Passwort mit mindestens {} Zeichen.",
            Password::MIN_LENGTH
        ),
        PasswordRuleError::TooLong => format!(
            "Bitte wählen Sie ein Passwort mit höchstens {} Zeichen.",
            Password::MAX_LENGTH
        ),
    }
}

/// Changes one's own password (the current one is required); one's other sessions end.
pub async fn change_own_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    StaffForm { session, form, .. }: StaffForm<PasswordChange>,
) -> Result<Response, AppError> {
    let client = state.clients.client_of(&headers, peer);
    auth::slow_down_repeated_failures(&state, client).await?;
    let mut problems = Vec::new();
    match sign_in::check_current_password(&state.pool, session.account_id, &form.current).await? {
        CurrentPassword::Right => auth::forgive_client(&state, client),
        CurrentPassword::Wrong => {
            metrics::counter!(monitoring::SIGN_IN_FAILURES).increment(1);
            problems.push((
                "current",
                "Das bisherige Passwort stimmt nicht. Nach mehreren falschen Passwörtern wird \
                 das Konto für einige Minuten gesperrt."
                    .to_owned(),
            ));
        }
        CurrentPassword::Locked => {
            tracing::info!(
                account_id = session.account_id,
                "an account was locked after wrong current passwords; its sessions ended"
            );
            return Ok(Redirect::to(&paths::with_notice(
                paths::SIGN_IN,
                Notice::LockedAfterWrongPasswords,
            ))
            .into_response());
        }
    }
    let new = Password::parse(&form.new)
        .map_err(|error| problems.push(("new", password_rule_message(error))))
        .ok();
    if form.new != form.repeat {
        problems.push((
            "repeat",
            "Die beiden neuen Passwörter sind nicht gleich.".to_owned(),
        ));
    }
    let Some(new) = new.filter(|_| problems.is_empty()) else {
        let html = render_own_account(&state, &session, password_form(&problems), None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    };
    let actor = session.actor();
    let mut transaction = state.pool.begin().await?;
    account::set_password(
        &mut transaction,
        session.account_id,
        new,
        Some(&session.token_hash),
    )
    .await
    .map_err(account_error)?;
    record(
        &mut transaction,
        &actor,
        ActivityKind::OwnPasswordChanged,
        session.account_id,
        &actor.name,
        "",
    )
    .await?;
    transaction.commit().await?;
    Ok(Redirect::to(&paths::with_notice(
        paths::OWN_ACCOUNT,
        Notice::PasswordChanged,
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// The colleagues' accounts

async fn record(
    db: &mut sqlx::PgConnection,
    actor: &Actor,
    kind: ActivityKind,
    account_id: i64,
    account_name: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    activity::record(
        db,
        actor,
        Change {
            kind,
            subject: Subject::Account(account_id),
            subject_label: &format!("Konto {account_name}"),
            detail,
        },
    )
    .await
}

fn account_error(error: AccountError) -> AppError {
    match error {
        AccountError::Database(error) => AppError::Database(error),
        AccountError::NotFound(_) => AppError::NotFound,
        AccountError::Hash(error) => AppError::Hash(error),
        AccountError::InvalidEmail(_)
        | AccountError::AlreadyExists(_)
        | AccountError::LastAdministrator => AppError::MalformedForm,
    }
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsTemplate<'a> {
    layout: AdminLayout<'a>,
    accounts: Vec<Account>,
    confirmation: Option<&'static str>,
}

pub async fn accounts(
    State(state): State<AppState>,
    Administrator(session): Administrator,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    Ok(Html(
        AccountsTemplate {
            layout: AdminLayout::new("Konten", Section::Accounts, &session),
            accounts: account::list(&state.pool).await?,
            confirmation: query.notice().map(Notice::text),
        }
        .render()?,
    ))
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub struct NewAccountForm {
    email: String,
    name: String,
    role: String,
}

fn role_choices() -> Control {
    Control::Choice(vec![
        Choice::new(
            Role::Editorial.code(),
            "Redaktion – Anfragen, Seiten, Vereinsdaten, Meldungen, Termine",
        ),
        Choice::new(
            Role::Administration.code(),
            "Verwaltung – dazu die Konten der Kolleginnen und Kollegen",
        ),
    ])
}

fn new_account_form(input: &NewAccountForm, problems: &[(&'static str, FieldError)]) -> FormFields {
    let error = |name: &str| {
        problems
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, error)| Locale::De.value_error(*error))
    };
    FormFields {
        locale: Locale::De,
        fields: vec![
            FormField::new("email", "E-Mail-Adresse", &input.email)
                .required()
                .control(Control::Email)
                .hint("Damit meldet sich die Person an. Am besten ihre eigene dienstliche Adresse, nicht die der Geschäftsstelle.")
                .error(error("email")),
            FormField::new("name", "Name", &input.name)
                .hint("So erscheint die Person im Protokoll, z. B. Erika Muster.")
                .max_length(120)
                .error(error("name")),
            FormField::new("role", "Rolle", &input.role)
                .required()
                .control(role_choices())
                .error(error("role")),
        ],
    }
}

#[derive(Template)]
#[template(path = "admin/account_new.html")]
struct NewAccountTemplate<'a> {
    layout: AdminLayout<'a>,
    form: FormFields,
    csrf_token: &'a str,
}

pub async fn new_account(Administrator(session): Administrator) -> Result<Html<String>, AppError> {
    let input = NewAccountForm {
        role: Role::Editorial.code().to_owned(),
        ..NewAccountForm::default()
    };
    Ok(Html(
        NewAccountTemplate {
            layout: AdminLayout::new("Konto anlegen", Section::Accounts, &session),
            form: new_account_form(&input, &[]),
            csrf_token: &session.csrf_token,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "admin/account_password.html")]
struct NewPasswordTemplate<'a> {
    layout: AdminLayout<'a>,
    account: Account,
    password: String,
    is_new_account: bool,
}

/// Adds an account with a password made by the site, shown once on the page that follows.
pub async fn create_account(
    State(state): State<AppState>,
    StaffForm { session, form, .. }: StaffForm<NewAccountForm>,
) -> Result<Response, AppError> {
    if !session.role.may_manage_accounts() {
        return Err(AppError::Forbidden);
    }
    let mut problems = Vec::new();
    let email = EmailAddress::parse(&form.email)
        .map_err(|error| problems.push(("email", error)))
        .ok();
    let name = SingleLine::parse_optional(&form.name, 120)
        .map_err(|error| problems.push(("name", error)))
        .ok()
        .flatten();
    let role = Role::from_code(&form.role);
    if role.is_none() {
        problems.push(("role", FieldError::InvalidChoice));
    }
    let show_again = |problems: &[(&'static str, FieldError)]| -> Result<Response, AppError> {
        let form_fields = new_account_form(&form, problems);
        let html = NewAccountTemplate {
            layout: AdminLayout::new("Konto anlegen", Section::Accounts, &session)
                .with_errors(form_fields.has_errors()),
            form: form_fields,
            csrf_token: &session.csrf_token,
        }
        .render()?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
    };
    let (Some(email), Some(role), true) = (email, role, problems.is_empty()) else {
        return show_again(&problems);
    };
    let generated = password::generate();
    let password = Password::parse(&generated).map_err(|_| AppError::MalformedForm)?;
    let name = name.as_ref().map_or("", SingleLine::as_str);
    let created =
        match account::create(&state.pool, email.as_str(), name, Some(role), password).await {
            Ok(created) => created,
            Err(AccountError::AlreadyExists(_)) => {
                return show_again(&[("email", FieldError::AlreadyTaken)]);
            }
            Err(error) => return Err(account_error(error)),
        };
    let mut connection = state.pool.acquire().await?;
    record(
        &mut connection,
        &session.actor(),
        ActivityKind::AccountCreated,
        created.id,
        created.display_name(),
        created.role.label(),
    )
    .await?;
    Ok(Html(
        NewPasswordTemplate {
            layout: AdminLayout::new("Konto angelegt", Section::Accounts, &session),
            account: created,
            password: generated,
            is_new_account: true,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountTemplate<'a> {
    layout: AdminLayout<'a>,
    account: Account,
    is_own: bool,
    roles: [Role; 2],
    csrf_token: &'a str,
    confirmation: Option<&'static str>,
    problem: Option<&'static str>,
}

async fn find_account(state: &AppState, id: i64) -> Result<Account, AppError> {
    account::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn account(
    State(state): State<AppState>,
    Administrator(session): Administrator,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let account = find_account(&state, id).await?;
    let (confirmation, problem) = Notice::as_messages(query.notice());
    Ok(Html(
        AccountTemplate {
            layout: AdminLayout::new(
                format!("Konto {}", account.display_name()),
                Section::Accounts,
                &session,
            ),
            is_own: account.id == session.account_id,
            account,
            roles: Role::ALL,
            csrf_token: &session.csrf_token,
            confirmation,
            problem,
        }
        .render()?,
    ))
}

/// Runs `change` on account `id` unless it is the acting person's own; records `kind` with the
/// detail `change` returns, and redirects to the account with `notice`.
async fn change_account<F>(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    kind: ActivityKind,
    notice: Notice,
    change: F,
) -> Result<Redirect, AppError>
where
    F: AsyncFnOnce(&mut sqlx::PgConnection) -> Result<String, AccountError>,
{
    if !session.role.may_manage_accounts() {
        return Err(AppError::Forbidden);
    }
    let back = |notice| {
        Ok(Redirect::to(&paths::with_notice(
            &paths::account(id),
            notice,
        )))
    };
    if id == session.account_id {
        return back(Notice::NotOnOwnAccount);
    }
    let account = find_account(state, id).await?;
    let mut transaction = state.pool.begin().await?;
    let detail = match change(&mut transaction).await {
        Ok(detail) => detail,
        Err(AccountError::LastAdministrator) => return back(Notice::LastAdministrator),
        Err(error) => return Err(account_error(error)),
    };
    record(
        &mut transaction,
        &session.actor(),
        kind,
        id,
        account.display_name(),
        &detail,
    )
    .await?;
    transaction.commit().await?;
    back(notice)
}

#[derive(Deserialize)]
pub struct AccessForm {
    /// `ja` to let the account sign in, `nein` to lock it.
    zugang: String,
}

pub async fn set_access(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<AccessForm>,
) -> Result<Redirect, AppError> {
    let enabled = match form.zugang.as_str() {
        "ja" => true,
        "nein" => false,
        _ => return Err(AppError::MalformedForm),
    };
    let (kind, notice) = if enabled {
        (ActivityKind::AccountUnlocked, Notice::AccountUnlocked)
    } else {
        (ActivityKind::AccountLocked, Notice::AccountLocked)
    };
    change_account(&state, &session, id, kind, notice, async |db| {
        account::set_enabled(db, id, enabled, Safeguard::KeepAnAdministrator).await?;
        Ok(String::new())
    })
    .await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: Role,
}

pub async fn set_role(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, form, .. }: StaffForm<RoleForm>,
) -> Result<Redirect, AppError> {
    let role = form.role;
    change_account(
        &state,
        &session,
        id,
        ActivityKind::AccountRoleChanged,
        Notice::RoleChanged,
        async |db| {
            account::set_role(db, id, role).await?;
            Ok(role.label().to_owned())
        },
    )
    .await
}

/// Gives a colleague a new password, made by the site and shown once; their sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Response, AppError> {
    if !session.role.may_manage_accounts() {
        return Err(AppError::Forbidden);
    }
    if id == session.account_id {
        return Ok(Redirect::to(&paths::with_notice(
            &paths::account(id),
            Notice::NotOnOwnAccount,
        ))
        .into_response());
    }
    let account = find_account(&state, id).await?;
    let generated = password::generate();
    let password = Password::parse(&generated).map_err(|_| AppError::MalformedForm)?;
    let mut transaction = state.pool.begin().await?;
    account::set_password(&mut transaction, id, password, None)
        .await
        .map_err(account_error)?;
    record(
        &mut transaction,
        &session.actor(),
        ActivityKind::AccountPasswordReset,
        id,
        account.display_name(),
        "",
    )
    .await?;
    transaction.commit().await?;
    Ok(Html(
        NewPasswordTemplate {
            layout: AdminLayout::new("Neues Passwort vergeben", Section::Accounts, &session),
            account,
            password: generated,
            is_new_account: false,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "admin/account_delete.html")]
struct ConfirmDeleteTemplate<'a> {
    layout: AdminLayout<'a>,
    account: Account,
    csrf_token: &'a str,
}

pub async fn confirm_delete(
    State(state): State<AppState>,
    Administrator(session): Administrator,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    if id == session.account_id {
        return Ok(Redirect::to(&paths::with_notice(
            &paths::account(id),
            Notice::NotOnOwnAccount,
        ))
        .into_response());
    }
    let account = find_account(&state, id).await?;
    Ok(Html(
        ConfirmDeleteTemplate {
            layout: AdminLayout::new("Konto löschen", Section::Accounts, &session),
            account,
            csrf_token: &session.csrf_token,
        }
        .render()?,
    )
    .into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { session, .. }: StaffForm<ButtonOnly>,
) -> Result<Redirect, AppError> {
    let deleted = change_account(
        &state,
        &session,
        id,
        ActivityKind::AccountDeleted,
        Notice::AccountDeleted,
        async |db| {
            account::delete(db, id).await?;
            Ok(String::new())
        },
    )
    .await?;
    // A deleted account has no page any more: back to the list, unless nothing was deleted.
    let still_there = account::find(&state.pool, id).await?.is_some();
    if still_there {
        Ok(deleted)
    } else {
        Ok(Redirect::to(&paths::with_notice(
            paths::ACCOUNTS,
            Notice::AccountDeleted,
        )))
    }
}
