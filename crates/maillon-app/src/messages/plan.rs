//! Planning a message: who receives it, on which channel. The same computation serves the
//! preview (before sending) and the sending itself, which writes one delivery row per
//! person with their e-mail or SMS in one transaction: a crash before the commit leaves
//! the message scheduled (planned again later), after it nothing is planned twice.

use std::collections::{HashMap, HashSet};

use super::channels::Situation;
use super::deliveries::DeliveryState;
use super::model::{Message, MessageStatus};
use super::render::{self, Personal};
use super::{hours, store};
use crate::accounts::tokens;
use crate::config::Config;
use crate::db::{now, text, Db, DbError};
use crate::jobs::JobError;
use crate::members::consent::ConsentState;
use crate::members::filter::{Filter, Today};
use crate::members::model::Member;
use crate::members::segments;
use crate::structures::Structure;
use crate::tenancy::StructureId;

/// One recipient: the person, the channel ('none' when nothing is possible), the address.
pub struct Recipient {
    pub person: Member,
    pub channel: &'static str,
    pub address: String,
}

/// The people a message targets: its segment's filter, or the members of the season.
pub async fn filter_of(
    db: &Db,
    structure_id: &StructureId,
    m: &Message,
) -> Result<(Filter, String), DbError> {
    if !m.segment_id.is_empty() {
        if let Some(s) = segments::get_one(db, structure_id, &m.segment_id).await? {
            return Ok((s.filter, s.name));
        }
    }
    Ok((
        Filter::members_of_the_season(),
        "Adhérents de la saison".into(),
    ))
}

fn today_in(s: &Structure) -> Today {
    Today::new(crate::places::routes::today_date(&s.timezone))
}

/// Everyone the message targets, with their channel, sorted by name.
pub async fn recipients(
    db: &Db,
    s: &Structure,
    m: &Message,
    filter: &Filter,
) -> Result<Vec<Recipient>, DbError> {
    let today = today_in(s);
    let people = crate::members::store::list(db, &s.id, filter, &today, i64::MAX / 2, 0).await?;
    let members: HashSet<String> =
        crate::members::store::ids(db, &s.id, &Filter::members_of_the_season(), &today)
            .await?
            .into_iter()
            .collect();
    let rows = sqlx::query(
        "SELECT c.person_id, c.channel, c.state FROM consents c JOIN beneficiaries b ON b.id = c.person_id \
         WHERE b.structure_id = $1 AND c.purpose = $2",
    )
    .bind(s.id.clone())
    .bind(m.purpose.clone())
    .fetch_all(db.read())
    .await?;
    let mut states: HashMap<String, Vec<(String, ConsentState)>> = HashMap::new();
    for r in &rows {
        states.entry(text(r, "person_id")?).or_default().push((
            text(r, "channel")?,
            ConsentState::parse(&text(r, "state")?)?,
        ));
    }
    let none = Vec::new();
    let sms_possible = s.sms_enabled && !m.sms_text.trim().is_empty();
    Ok(people
        .into_iter()
        .map(|person| {
            let chosen = Situation {
                person: &person,
                states: states.get(&person.id).unwrap_or(&none),
                member: members.contains(&person.id),
                purpose: &m.purpose,
                sms_possible,
            }
            .choose();
            let (channel, address) = chosen.unwrap_or(("none", String::new()));
            Recipient {
                person,
                channel,
                address,
            }
        })
        .collect())
}

/// How many recipients each channel has, in the channels' order, then 'none'.
pub fn totals(recipients: &[Recipient]) -> Vec<(&'static str, usize)> {
    super::channels::ORDER
        .iter()
        .chain(["none"].iter())
        .map(|c| (*c, recipients.iter().filter(|r| r.channel == *c).count()))
        .collect()
}

/// The `plan_message` job: at the time chosen, writes the deliveries and queues the
/// e-mails and SMS. Idempotent: only a message still scheduled is planned.
pub async fn run(db: &Db, config: &Config, payload: &str) -> Result<(), JobError> {
    let value: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| JobError::Payload(e.to_string()))?;
    let (Some(sid), Some(mid)) = (value["structure_id"].as_str(), value["message_id"].as_str())
    else {
        return Err(JobError::Payload("sans message".into()));
    };
    if let Some(n) = plan(db, &config.public_url, &StructureId::stored(sid), mid).await? {
        tracing::info!(message = %mid, recipients = n, "message planned");
    }
    Ok(())
}

/// Plans the message now; None when it was not (or no longer) scheduled.
pub async fn plan(
    db: &Db,
    public_url: &str,
    sid: &StructureId,
    mid: &str,
) -> Result<Option<usize>, DbError> {
    let Some(m) = store::get(db, sid, mid).await? else {
        return Ok(None);
    };
    let Some(structure) = crate::structures::store::get(db, sid).await? else {
        return Ok(None);
    };
    if !m.is_scheduled() {
        return Ok(None);
    }
    let (filter, segment_name) = filter_of(db, sid, &m).await?;
    let people = recipients(db, &structure, &m, &filter).await?;
    let sms_at = hours::next_slot_at(
        now(),
        &structure.timezone,
        hours::Window::sms(structure.send_from_hour, structure.send_until_hour),
    );
    let public_url = public_url.trim_end_matches('/');
    let sms_body = render::sms(&m.sms_text);
    let mut tx = db.begin_write().await?;
    // Taking the message first: a second planner (another server) waits here, then
    // finds it no longer scheduled.
    let taken = sqlx::query(
        "UPDATE member_messages SET status = $6, planned_at = $1, segment_name = $2, filter = $3, \
         published_at = CASE WHEN publish = 1 THEN $1 ELSE NULL END, updated_at = $1 \
         WHERE id = $4 AND structure_id = $5 AND status = $7",
    )
    .bind(now())
    .bind(segment_name)
    .bind(filter.to_query())
    .bind(mid)
    .bind(sid)
    .bind(MessageStatus::Sent.code())
    .bind(MessageStatus::Scheduled.code())
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() == 0 {
        return Ok(None);
    }
    for r in &people {
        let (mut email_id, mut sms_id, mut unsubscribe_hash) = (None, None, None);
        let state = match r.channel {
            "email" => {
                let secret = tokens::new_token();
                let url = format!("{public_url}/desabonnement/{secret}");
                let personal = Personal {
                    first_name: &r.person.first_name,
                    structure_name: &structure.name,
                    purpose_label: m.purpose_label(),
                    unsubscribe_url: &url,
                };
                let text = render::email_text(&m.body, &personal);
                let html = render::email_html(&m.subject, &m.body, &personal);
                email_id = Some(
                    crate::mail::queue_rich(
                        &mut tx,
                        &crate::mail::Outgoing {
                            structure_id: sid,
                            to: &r.address,
                            subject: &m.subject,
                            text: &text,
                            html: &html,
                            unsubscribe_url: &url,
                            send_at: 0,
                        },
                    )
                    .await?,
                );
                unsubscribe_hash = Some(tokens::hash(&secret));
                DeliveryState::Planned
            }
            "sms" => {
                sms_id = Some(
                    crate::sms::queue_at(
                        &mut tx,
                        sid,
                        &r.address,
                        &sms_body,
                        crate::sms::SmsPurpose::MemberMessage,
                        super::SMS_MAX_PARTS,
                        sms_at,
                    )
                    .await?,
                );
                DeliveryState::Planned
            }
            "none" => DeliveryState::None,
            _ => DeliveryState::Planned,
        };
        sqlx::query(
            "INSERT INTO message_deliveries (message_id, person_id, structure_id, channel, address, email_id, sms_id, state, unsubscribe_hash, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (message_id, person_id) DO NOTHING",
        )
        .bind(mid)
        .bind(r.person.id.clone())
        .bind(sid)
        .bind(r.channel)
        .bind(r.address.clone())
        .bind(email_id)
        .bind(sms_id)
        .bind(state.code())
        .bind(unsubscribe_hash)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(people.len()))
}
