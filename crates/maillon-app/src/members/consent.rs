//! The consent ledger: per person, channel and purpose, given or refused, with its date,
//! source and (online) text version. Events are never rewritten; the current state is
//! kept beside them in the same transaction, for sending to read.

use super::{CHANNELS, PURPOSES, SOURCES};
use crate::activities::vocab::label;
use crate::db::{self, now, text, Db, DbError, Tx};
use crate::tenancy::StructureId;

/// Version of the consent text shown on the self-service page (changes with the text).
pub const TEXT_VERSION: &str = "2026-11";

crate::code_enum! {
    /// A person's answer for a channel and a purpose; never asked is `None`. A withdrawal
    /// is a refusal.
    pub enum ConsentState("état de consentement") {
        Given = "given", "Accepté";
        Refused = "refused", "Refusé";
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub channel: String,
    pub purpose: String,
    pub state: ConsentState,
    pub source: String,
    pub text_version: String,
    pub user_name: String,
    pub at: i64,
}

impl Event {
    pub fn channel_label(&self) -> &'static str {
        label(CHANNELS, &self.channel)
    }
    pub fn purpose_label(&self) -> &'static str {
        label(PURPOSES, &self.purpose)
    }
    pub fn source_label(&self) -> &'static str {
        label(SOURCES, &self.source)
    }
    pub fn state_label(&self) -> &'static str {
        self.state.label()
    }
}

pub fn state_label(state: Option<ConsentState>) -> &'static str {
    state.map_or("Pas demandé", ConsentState::label)
}

/// Whether a message of `purpose` may go on a channel. Given: yes. Refused: no. Not asked:
/// only the centre's news and workshop reminders to a member of the season — an
/// association may write to its members without prior consent, who may object at any
/// time (reference/taxonomies.md, section 4). Surveys and photos always need a yes.
pub fn allows(state: Option<ConsentState>, purpose: &str, member_this_season: bool) -> bool {
    match state {
        Some(ConsentState::Given) => true,
        Some(ConsentState::Refused) => false,
        None => member_this_season && matches!(purpose, "news" | "reminders"),
    }
}

/// Records a consent or a refusal (a withdrawal is a refusal).
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Tx,
    structure_id: &StructureId,
    person_id: &str,
    channel: &str,
    purpose: &str,
    state: ConsentState,
    source: &str,
    user_name: &str,
) -> Result<(), DbError> {
    let at = now();
    let version = if matches!(source, "form" | "link") {
        TEXT_VERSION
    } else {
        ""
    };
    sqlx::query(
        "INSERT INTO consent_events (id, structure_id, person_id, channel, purpose, state, source, text_version, user_name, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(db::new_id())
    .bind(structure_id)
    .bind(person_id)
    .bind(channel)
    .bind(purpose)
    .bind(state.code())
    .bind(source)
    .bind(version)
    .bind(user_name)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    set_current(tx, person_id, channel, purpose, state, at).await
}

/// Writes the current state beside the ledger.
async fn set_current(
    tx: &mut Tx,
    person_id: &str,
    channel: &str,
    purpose: &str,
    state: ConsentState,
    at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO consents (person_id, channel, purpose, state, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, channel, purpose) DO UPDATE SET state = excluded.state, at = excluded.at",
    )
    .bind(person_id)
    .bind(channel)
    .bind(purpose)
    .bind(state.code())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Current states of a person: (channel, purpose, state); what was never asked is absent.
pub async fn current(
    db: &Db,
    structure_id: &StructureId,
    person_id: &str,
) -> Result<Vec<(String, String, ConsentState)>, DbError> {
    let rows = sqlx::query(
        "SELECT c.channel, c.purpose, c.state FROM consents c JOIN beneficiaries b ON b.id = c.person_id \
         WHERE c.person_id = $1 AND b.structure_id = $2",
    )
    .bind(person_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>((
                text(r, "channel")?,
                text(r, "purpose")?,
                ConsentState::parse(&text(r, "state")?)?,
            ))
        })
        .collect::<Result<_, DbError>>()
}

/// The grid shown on a person's page: one row per purpose, one cell per channel.
pub struct Grid {
    pub rows: Vec<GridRow>,
}

pub struct GridRow {
    pub purpose: &'static str,
    pub purpose_label: &'static str,
    /// (channel, channel label, state if asked)
    pub cells: Vec<(&'static str, &'static str, Option<ConsentState>)>,
}

pub fn grid(states: &[(String, String, ConsentState)]) -> Grid {
    Grid {
        rows: PURPOSES
            .iter()
            .map(|(p, pl)| GridRow {
                purpose: p,
                purpose_label: pl,
                cells: CHANNELS
                    .iter()
                    .map(|(c, cl)| {
                        let state = states
                            .iter()
                            .find(|(sc, sp, _)| sc == c && sp == p)
                            .map(|(_, _, s)| *s);
                        (*c, *cl, state)
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The person's ledger, newest first.
pub async fn history(
    db: &Db,
    structure_id: &StructureId,
    person_id: &str,
) -> Result<Vec<Event>, DbError> {
    let rows = sqlx::query(
        "SELECT channel, purpose, state, source, text_version, user_name, at FROM consent_events \
         WHERE person_id = $1 AND structure_id = $2 ORDER BY at DESC, id DESC",
    )
    .bind(person_id)
    .bind(structure_id)
    .fetch_all(db.read())
    .await?;
    rows.iter()
        .map(|r| {
            Ok::<_, DbError>(Event {
                channel: text(r, "channel")?,
                purpose: text(r, "purpose")?,
                state: ConsentState::parse(&text(r, "state")?)?,
                source: text(r, "source")?,
                text_version: text(r, "text_version")?,
                user_name: text(r, "user_name")?,
                at: db::int(r, "at")?,
            })
        })
        .collect::<Result<_, DbError>>()
}

/// Rebuilds a person's current states from their ledger (after a merge of two records).
pub async fn recompute(tx: &mut Tx, person_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM consents WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    let rows = sqlx::query(
        "SELECT channel, purpose, state, at FROM consent_events WHERE person_id = $1 ORDER BY at, id",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        let (channel, purpose, state) = (
            text(r, "channel")?,
            text(r, "purpose")?,
            ConsentState::parse(&text(r, "state")?)?,
        );
        set_current(tx, person_id, &channel, &purpose, state, db::int(r, "at")?).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{allows, ConsentState};

    #[test]
    fn news_to_members_need_no_prior_yes_but_surveys_do() {
        assert!(allows(None, "news", true));
        assert!(!allows(None, "news", false));
        assert!(!allows(None, "surveys", true));
        assert!(!allows(Some(ConsentState::Refused), "news", true));
        assert!(allows(Some(ConsentState::Given), "surveys", false));
    }
}
