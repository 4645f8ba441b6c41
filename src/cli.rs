//! The command line of the `defus` binary: the web server, and the management of staff accounts.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use qrcode::QrCode;
use qrcode::render::unicode;

use crate::config::Config;
use crate::database;
use crate::staff::account::{self, AccountError, Role, Safeguard};
use crate::staff::password::{Password, PasswordRuleError};
use crate::staff::two_factor::{self, Enrolment, TwoFactorError};
use crate::startup::{Application, shutdown_signal};
use crate::telemetry::LogFormat;

/// The website of the Deutsch-Europäisches Forum für Urbane Sicherheit e.V. (DEFUS).
///
/// Without a command, runs the web server. Every option can also be set through the
/// environment variable shown beside it.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// How log lines are written: `text` (readable) or `json` (one object per line, for a log
    /// collector).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Manage the accounts of office staff for the staff area (/admin).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account. The password is asked for (twice) at a terminal, or read as one line
    /// from standard input. The first account gets the role Verwaltung (it may add the others
    /// in the browser), later ones Redaktion unless --role says otherwise.
    Add {
        email: String,
        /// How colleagues call the person, e.g. "Erika Muster".
        #[arg(long, default_value = "")]
        name: String,
        /// `admin` (Verwaltung: may manage the accounts of others) or `editor` (Redaktion).
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
    },
    /// List all accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
    /// Enable a disabled account.
    Enable { email: String },
    /// Set a new password (asked for like `add`); lifts a lock and ends the account's sessions.
    SetPassword { email: String },
    /// Two-factor sign-in with an authenticator app (TOTP).
    #[command(subcommand)]
    Totp(TotpCommand),
}

#[derive(Debug, Subcommand)]
enum TotpCommand {
    /// Set it up (or anew, after a lost phone): prints the secret as an `otpauth://` address and
    /// a QR code for the app, and ten one-time recovery codes; the account's sessions end.
    Enable { email: String },
    /// Switch it off: the account signs in with its password alone again.
    Disable { email: String },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Database(#[from] database::DatabaseError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("{0}")]
    Password(#[from] PasswordRuleError),
    #[error("the two passwords differ")]
    PasswordsDiffer,
    #[error("cannot read the password: {0}")]
    Input(#[from] std::io::Error),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error(transparent)]
    TwoFactor(#[from] TwoFactorError),
    #[error("cannot draw the QR code: {0}")]
    QrCode(#[from] qrcode::types::QrError),
}

impl Cli {
    pub fn log_format(&self) -> LogFormat {
        self.log_format
    }

    pub async fn run(self) -> ExitCode {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(&self.config).await,
            Command::User(command) => match manage_users(&self.config, command).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            },
        }
    }
}

async fn serve(config: &Config) -> ExitCode {
    let application = match Application::build(config).await {
        Ok(application) => application,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::FAILURE;
        }
    };
    match application.local_addr() {
        Ok(address) => tracing::info!("serving the site on http://{address}"),
        Err(error) => tracing::warn!(%error, "serving, but cannot tell on which address"),
    }
    match application.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the server stopped with an error");
            ExitCode::FAILURE
        }
    }
}

async fn manage_users(config: &Config, command: UserCommand) -> Result<(), CliError> {
    let pool = database::connect_and_migrate(&config.database_url).await?;
    match command {
        UserCommand::Add { email, name, role } => {
            let password = read_new_password()?;
            let account = account::create(&pool, &email, &name, role, password).await?;
            println!(
                "created the account {} with the role {}",
                account.email,
                account.role.label()
            );
        }
        UserCommand::List => {
            for account in account::list(&pool).await? {
                let state = if !account.enabled {
                    "disabled".to_owned()
                } else if let Some(until) = account
                    .locked_until
                    .filter(|until| *until > chrono::Utc::now())
                {
                    format!("locked until {}", until.format("%Y-%m-%d %H:%M UTC"))
                } else {
                    "enabled".to_owned()
                };
                let last = account
                    .last_sign_in_at
                    .map_or("never signed in".to_owned(), |at| {
                        format!("last sign-in {}", at.format("%Y-%m-%d %H:%M UTC"))
                    });
                let two_factor = if account.two_factor {
                    "two-factor"
                } else {
                    "password only"
                };
                println!(
                    "{}\t{}\t{state}\t{two_factor}\t{last}",
                    account.email,
                    account.role.label()
                );
            }
        }
        UserCommand::Disable { email } => {
            let id = account::id_of(&pool, &email).await?;
            let mut transaction = pool.begin().await?;
            account::set_enabled(&mut transaction, id, false, Safeguard::None).await?;
            transaction.commit().await?;
            println!("disabled the account {email}");
        }
        UserCommand::Enable { email } => {
            let id = account::id_of(&pool, &email).await?;
            let mut transaction = pool.begin().await?;
            account::set_enabled(&mut transaction, id, true, Safeguard::None).await?;
            transaction.commit().await?;
            println!("enabled the account {email}");
        }
        UserCommand::SetPassword { email } => {
            let password = read_new_password()?;
            let id = account::id_of(&pool, &email).await?;
            let mut connection = pool.acquire().await?;
            account::set_password(&mut connection, id, password, None).await?;
            println!("set a new password for {email}");
        }
        UserCommand::Totp(TotpCommand::Enable { email }) => {
            let id = account::id_of(&pool, &email).await?;
            // The app lists the account under its address as stored, however it was typed here.
            let stored = account::find(&pool, id)
                .await?
                .ok_or_else(|| AccountError::NotFound(email.clone()))?;
            let enrolment = two_factor::enable(&pool, id, &stored.email).await?;
            print_enrolment(&stored.email, &enrolment)?;
        }
        UserCommand::Totp(TotpCommand::Disable { email }) => {
            let id = account::id_of(&pool, &email).await?;
            two_factor::disable(&pool, id).await?;
            println!("two-factor sign-in is off for {email}; the password alone signs in");
        }
    }
    Ok(())
}

/// What the person setting up two-factor sign-in needs, printed once.
fn print_enrolment(email: &str, enrolment: &Enrolment) -> Result<(), CliError> {
    // Light modules drawn as blocks: most terminals are dark, and scanners read the inverse
    // of a dark-on-light code only sometimes.
    let qr_code = QrCode::new(enrolment.otpauth_uri.as_bytes())?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .build();
    println!("Two-factor sign-in is set up for {email}; its sessions have ended.");
    println!();
    println!("Scan this QR code with an authenticator app, or enter the address by hand:");
    println!();
    println!("{qr_code}");
    println!();
    println!("{}", enrolment.otpauth_uri);
    println!();
    println!(
        "Recovery codes: each signs in once instead of the app's code. Print them or keep them \
         in a password manager; they are not shown again."
    );
    println!();
    for code in &enrolment.recovery_codes {
        println!("  {code}");
    }
    Ok(())
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::from_code(text).ok_or_else(|| "must be admin (Verwaltung) or editor (Redaktion)".into())
}

/// At a terminal, asks twice without echo; otherwise reads one line (for scripts and tests).
/// Never from an argument or environment variable, where it would end up in shell history or
/// process listings.
fn read_new_password() -> Result<Password, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!(
            "Password (at least {} characters): ",
            Password::MIN_LENGTH
        ))?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            return Err(CliError::PasswordsDiffer);
        }
        Ok(Password::parse(&first)?)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(Password::parse(line.trim_end_matches(['\r', '\n']))?)
    }
}
