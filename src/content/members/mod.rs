//! The member cities and organisations of the forum: who they are, since when, and where their
//! marker goes on the map (found by the place's name in the gazetteer, or set by hand).

pub mod gazetteer;
pub mod map;

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};

use crate::i18n::Locale;
use crate::input::{FieldError, Problems, SingleLine, WebAddress, parse_choice};
use crate::staff::activity::{self, ActivityKind, Actor, Subject};
use crate::text_enum;

text_enum! {
    /// The sixteen federal states.
    pub enum FederalState {
        Bw = "bw",
        By = "by",
        Be = "be",
        Bb = "bb",
        Hb = "hb",
        Hh = "hh",
        He = "he",
        Mv = "mv",
        Ni = "ni",
        Nw = "nw",
        Rp = "rp",
        Sl = "sl",
        Sn = "sn",
        St = "st",
        Sh = "sh",
        Th = "th",
    }
}

impl FederalState {
    pub fn name(self, locale: Locale) -> &'static str {
        let (german, english) = match self {
            FederalState::Bw => ("Baden-Württemberg", "Baden-Württemberg"),
            FederalState::By => ("Bayern", "Bavaria"),
            FederalState::Be => ("Berlin", "Berlin"),
            FederalState::Bb => ("Brandenburg", "Brandenburg"),
            FederalState::Hb => ("Bremen", "Bremen"),
            FederalState::Hh => ("Hamburg", "Hamburg"),
            FederalState::He => ("Hessen", "Hesse"),
            FederalState::Mv => ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
            FederalState::Ni => ("Niedersachsen", "Lower Saxony"),
            FederalState::Nw => ("Nordrhein-Westfalen", "North Rhine-Westphalia"),
            FederalState::Rp => ("Rheinland-Pfalz", "Rhineland-Palatinate"),
            FederalState::Sl => ("Saarland", "Saarland"),
            FederalState::Sn => ("Sachsen", "Saxony"),
            FederalState::St => ("Sachsen-Anhalt", "Saxony-Anhalt"),
            FederalState::Sh => ("Schleswig-Holstein", "Schleswig-Holstein"),
            FederalState::Th => ("Thüringen", "Thuringia"),
        };
        match locale {
            Locale::De => german,
            Locale::En => english,
        }
    }
}

text_enum! {
    pub enum MemberKind {
        City = "city",
        Organisation = "organisation",
    }
}

impl MemberKind {
    /// As the staff form offers it.
    pub fn label(self) -> &'static str {
        match self {
            MemberKind::City => "Stadt, Gemeinde oder Kreis",
            MemberKind::Organisation => "Organisation",
        }
    }
}

/// A point on the globe, in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
}

impl Position {
    /// Roughly Germany's bounding box: a position outside is a typing error.
    pub fn in_germany(latitude: f64, longitude: f64) -> Option<Self> {
        ((47.0..=55.2).contains(&latitude) && (5.8..=15.1).contains(&longitude)).then_some(Self {
            latitude,
            longitude,
        })
    }
}

/// What staff say about a member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberText {
    pub name: String,
    pub kind: MemberKind,
    pub federal_state: FederalState,
    pub member_since: Option<i32>,
    pub website: Option<WebAddress>,
    pub founding: bool,
    /// The place whose position the marker takes (by default the name, for cities).
    pub place: String,
    pub position: Option<Position>,
}

/// The fields of the member form, for its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberField {
    Name,
    Kind,
    FederalState,
    MemberSince,
    Website,
    Place,
    Latitude,
    Longitude,
}

/// The member form's values, as typed.
#[derive(Debug, Clone, Copy)]
pub struct MemberInput<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub federal_state: &'a str,
    pub member_since: &'a str,
    pub website: &'a str,
    pub founding: bool,
    pub place: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
}

/// What the place field led to, when the position was not typed in.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceProblem {
    /// No such place in the state; these names come close.
    Unknown(Vec<String>),
}

impl MemberText {
    pub const MAX_NAME_LENGTH: usize = 200;

    /// Checks the form and finds the position: typed in by hand, or looked up by the place's
    /// name (or the member's, for a city) in its state. `Err(Ok(…))` has the problems at the
    /// fields; `Err(Err(…))` says the place was not found.
    #[allow(clippy::result_large_err)]
    pub fn parse(input: MemberInput<'_>) -> Result<Self, MemberProblems> {
        let mut problems = Problems::default();
        let name = problems.check(
            MemberField::Name,
            SingleLine::parse(input.name, 1, Self::MAX_NAME_LENGTH),
        );
        let kind = problems.check(
            MemberField::Kind,
            parse_choice(input.kind, MemberKind::from_code),
        );
        let federal_state = problems.check(
            MemberField::FederalState,
            parse_choice(input.federal_state, FederalState::from_code),
        );
        let member_since = problems.check(MemberField::MemberSince, parse_year(input.member_since));
        let website = problems.check(
            MemberField::Website,
            WebAddress::parse_optional(input.website),
        );
        let place = problems.check(
            MemberField::Place,
            SingleLine::parse_optional(input.place, Self::MAX_NAME_LENGTH),
        );
        let latitude = problems.check(MemberField::Latitude, parse_degrees(input.latitude));
        let longitude = problems.check(MemberField::Longitude, parse_degrees(input.longitude));
        let typed_position = match (latitude, longitude) {
            (Some(Some(latitude)), Some(Some(longitude))) => problems.check(
                MemberField::Latitude,
                Position::in_germany(latitude, longitude)
                    .map(Some)
                    .ok_or(FieldError::OutsideGermany),
            ),
            (Some(None), Some(None)) => Some(None),
            (Some(None), Some(Some(_))) => {
                problems.check(MemberField::Latitude, Err::<(), _>(FieldError::Required));
                None
            }
            (Some(Some(_)), Some(None)) => {
                problems.check(MemberField::Longitude, Err::<(), _>(FieldError::Required));
                None
            }
            _ => None,
        };
        let (
            Some(name),
            Some(kind),
            Some(federal_state),
            Some(member_since),
            Some(website),
            Some(place),
            Some(typed_position),
        ) = (
            name,
            kind,
            federal_state,
            member_since,
            website,
            place,
            typed_position,
        )
        else {
            return Err(MemberProblems::AtFields(problems.into_vec()));
        };
        let name = name.as_str().to_owned();
        let place = place
            .map(|place| place.as_str().to_owned())
            .unwrap_or_default();
        let looked_up = match (kind, place.as_str()) {
            (MemberKind::City, "") => name.as_str(),
            (_, place) => place,
        };
        let position = match typed_position {
            Some(position) => Some(position),
            None if looked_up.is_empty() => None,
            None => match gazetteer::locate(looked_up, Some(federal_state)) {
                gazetteer::Lookup::Found(position) => Some(position),
                gazetteer::Lookup::Ambiguous(_) => None,
                gazetteer::Lookup::Unknown(close) => {
                    return Err(MemberProblems::PlaceNotFound {
                        looked_up: looked_up.to_owned(),
                        close,
                    });
                }
            },
        };
        Ok(Self {
            name,
            kind,
            federal_state,
            member_since,
            website,
            founding: input.founding,
            place,
            position,
        })
    }
}

/// Why the member form is not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberProblems {
    AtFields(Vec<(MemberField, FieldError)>),
    /// The gazetteer has no place `looked_up` in the chosen state; `close` come near.
    PlaceNotFound {
        looked_up: String,
        close: Vec<String>,
    },
}

fn parse_year(input: &str) -> Result<Option<i32>, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i32>() {
        Ok(year) if (1990..=2200).contains(&year) => Ok(Some(year)),
        _ => Err(FieldError::InvalidYear),
    }
}

/// Degrees as typed: `52.37` or the German `52,37`.
fn parse_degrees(input: &str) -> Result<Option<f64>, FieldError> {
    let text = input.trim().replace(',', ".");
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>()
        .ok()
        .filter(|degrees| degrees.is_finite())
        .map(Some)
        .ok_or(FieldError::InvalidNumber)
}

/// A stored member.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub text: MemberText,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

struct Row {
    id: i64,
    name: String,
    kind: MemberKind,
    federal_state: FederalState,
    member_since: Option<i32>,
    website: String,
    founding: bool,
    place: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    updated_at: DateTime<Utc>,
    updated_by: String,
}

impl From<Row> for Member {
    fn from(row: Row) -> Self {
        let position = match (row.latitude, row.longitude) {
            (Some(latitude), Some(longitude)) => Some(Position {
                latitude,
                longitude,
            }),
            _ => None,
        };
        Self {
            id: row.id,
            text: MemberText {
                name: row.name,
                kind: row.kind,
                federal_state: row.federal_state,
                member_since: row.member_since,
                website: WebAddress::parse_optional(&row.website).ok().flatten(),
                founding: row.founding,
                place: row.place,
                position,
            },
            updated_at: row.updated_at,
            updated_by: row.updated_by,
        }
    }
}

/// Every member, by name.
pub async fn list_all(db: impl PgExecutor<'_>) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query_as!(
        Row,
        r#"select id, name, kind as "kind: MemberKind", federal_state as "federal_state: FederalState",
                  member_since, website, founding, place, latitude, longitude, updated_at, updated_by
           from member order by name collate "C", id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Member::from).collect())
}

pub async fn find(db: impl PgExecutor<'_>, id: i64) -> Result<Option<Member>, sqlx::Error> {
    let row = sqlx::query_as!(
        Row,
        r#"select id, name, kind as "kind: MemberKind", federal_state as "federal_state: FederalState",
                  member_since, website, founding, place, latitude, longitude, updated_at, updated_by
           from member where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Member::from))
}

/// Stores a new member (`id` `None`) or the new state of member `id`; the id, or `None` when
/// there is no such member.
pub async fn save(
    pool: &PgPool,
    id: Option<i64>,
    text: &MemberText,
    actor: &Actor,
) -> Result<Option<i64>, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let website = text
        .website
        .as_ref()
        .map(WebAddress::as_str)
        .unwrap_or_default();
    let (latitude, longitude) = match text.position {
        Some(position) => (Some(position.latitude), Some(position.longitude)),
        None => (None, None),
    };
    let saved = match id {
        None => Some(
            sqlx::query_scalar!(
                r#"insert into member (name, kind, federal_state, member_since, website, founding,
                                       place, latitude, longitude, updated_by)
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id"#,
                text.name,
                text.kind as MemberKind,
                text.federal_state as FederalState,
                text.member_since,
                website,
                text.founding,
                text.place,
                latitude,
                longitude,
                actor.name,
            )
            .fetch_one(&mut *transaction)
            .await?,
        ),
        Some(id) => {
            sqlx::query_scalar!(
                r#"update member set name = $2, kind = $3, federal_state = $4, member_since = $5,
                                 website = $6, founding = $7, place = $8, latitude = $9,
                                 longitude = $10, updated_by = $11
               where id = $1 returning id"#,
                id,
                text.name,
                text.kind as MemberKind,
                text.federal_state as FederalState,
                text.member_since,
                website,
                text.founding,
                text.place,
                latitude,
                longitude,
                actor.name,
            )
            .fetch_optional(&mut *transaction)
            .await?
        }
    };
    let Some(saved_id) = saved else {
        return Ok(None);
    };
    let kind = if id.is_some() {
        ActivityKind::MemberSaved
    } else {
        ActivityKind::MemberAdded
    };
    activity::record_titled(
        &mut *transaction,
        actor,
        kind,
        Subject::Member(saved_id),
        &text.name,
    )
    .await?;
    transaction.commit().await?;
    Ok(Some(saved_id))
}

/// Removes member `id`. Whether there was one.
pub async fn delete(pool: &PgPool, id: i64, actor: &Actor) -> Result<bool, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(name) = sqlx::query_scalar!("delete from member where id = $1 returning name", id)
        .fetch_optional(&mut *transaction)
        .await?
    else {
        return Ok(false);
    };
    activity::record_titled(
        &mut *transaction,
        actor,
        ActivityKind::MemberDeleted,
        Subject::Member(id),
        &name,
    )
    .await?;
    transaction.commit().await?;
    Ok(true)
}
