//! Finding the same person entered twice, and merging the two records.

use super::beneficiaries::{self, Beneficiary};
use crate::db::{Db, DbError, Tx};
use crate::validate::search_key;

pub struct Pair {
    /// The two records, in the order of the list.
    pub people: [Beneficiary; 2],
    pub reason: &'static str,
}

/// Edit distance between two short strings (names), in characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// Why two records are likely the same person, if they are.
pub fn why(a: &Beneficiary, b: &Beneficiary) -> Option<&'static str> {
    if !a.phone.is_empty() && a.phone == b.phone {
        return Some("même numéro de téléphone");
    }
    let (na, nb) = (
        search_key(&format!("{} {}", a.last_name, a.first_name)),
        search_key(&format!("{} {}", b.last_name, b.first_name)),
    );
    let years_agree =
        a.birth_year.is_none() || b.birth_year.is_none() || a.birth_year == b.birth_year;
    if na == nb && years_agree {
        return Some("même nom");
    }
    if na.chars().count() >= 6 && distance(&na, &nb) <= 2 && years_agree {
        return Some("noms très proches");
    }
    None
}

/// Likely duplicates among a structure's beneficiaries (at most `limit` pairs). Names are
/// only compared within the same first letters, so this stays quick at thousands of people.
pub async fn find(db: &Db, structure_id: &str, limit: usize) -> Result<Vec<Pair>, DbError> {
    let people = beneficiaries::search(db, structure_id, "", 100_000).await?;
    let mut pairs = Vec::new();
    for (i, a) in people.iter().enumerate() {
        let key_a = search_key(&a.last_name);
        for b in &people[i + 1..] {
            let same_start = search_key(&b.last_name).chars().next() == key_a.chars().next();
            let same_phone = !a.phone.is_empty() && a.phone == b.phone;
            if !(same_start || same_phone) {
                continue;
            }
            if let Some(reason) = why(a, b) {
                pairs.push(Pair {
                    people: [a.clone(), b.clone()],
                    reason,
                });
                if pairs.len() >= limit {
                    return Ok(pairs);
                }
            }
        }
    }
    Ok(pairs)
}

/// Merges `other` into `keep`: activities move over, empty fields are filled from
/// `other`, notes are joined, then `other` is removed. Both must be the structure's.
pub async fn merge(
    tx: &mut Tx,
    structure_id: &str,
    keep: &Beneficiary,
    other: &Beneficiary,
) -> Result<(), DbError> {
    let mut merged = keep.clone();
    let fill = |mine: &mut String, theirs: &str| {
        if mine.is_empty() {
            *mine = theirs.to_string();
        }
    };
    fill(&mut merged.first_name, &other.first_name);
    fill(&mut merged.last_name, &other.last_name);
    fill(&mut merged.phone, &other.phone);
    fill(&mut merged.email, &other.email);
    fill(&mut merged.commune, &other.commune);
    merged.birth_year = merged.birth_year.or(other.birth_year);
    merged.no_phone = merged.phone.is_empty() && (merged.no_phone || other.no_phone);
    if merged.genre == super::vocab::NOT_GIVEN {
        merged.genre = other.genre.clone();
    }
    if merged.statut == super::vocab::NOT_GIVEN {
        merged.statut = other.statut.clone();
    }
    if !other.notes.is_empty() && other.notes != merged.notes {
        merged.notes = [merged.notes.as_str(), other.notes.as_str()]
            .iter()
            .filter(|n| !n.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
    }
    beneficiaries::update(tx, structure_id, &keep.id, &merged).await?;
    sqlx::query(
        "UPDATE activity_participants SET beneficiary_id = $1 WHERE beneficiary_id = $2 \
         AND activity_id NOT IN (SELECT activity_id FROM activity_participants WHERE beneficiary_id = $1)",
    )
    .bind(keep.id.clone())
    .bind(other.id.clone())
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM activity_participants WHERE beneficiary_id = $1")
        .bind(other.id.clone())
        .execute(&mut **tx)
        .await?;
    super::rollup::refresh_people(tx, &[keep.id.clone(), other.id.clone()]).await?;
    // The member file's rows (memberships, consents, household) follow the person.
    crate::members::store::merge_into(tx, structure_id, &keep.id, &other.id).await?;
    sqlx::query("DELETE FROM beneficiaries WHERE id = $1 AND structure_id = $2")
        .bind(other.id.clone())
        .bind(structure_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_found() {
        assert_eq!(distance("martin josette", "martin josete"), 1);
        assert_eq!(distance("dupont", "dupond"), 1);
        let a = Beneficiary {
            first_name: "Josette".into(),
            last_name: "Martin".into(),
            ..Beneficiary::default()
        };
        let b = Beneficiary {
            first_name: "Josete".into(),
            last_name: "MARTIN".into(),
            ..Beneficiary::default()
        };
        assert_eq!(why(&a, &b), Some("noms très proches"));
        let c = Beneficiary {
            first_name: "Josette".into(),
            last_name: "Martin".into(),
            birth_year: Some(1948),
            ..Beneficiary::default()
        };
        let d = Beneficiary {
            first_name: "Josette".into(),
            last_name: "Martin".into(),
            birth_year: Some(1990),
            ..Beneficiary::default()
        };
        assert_eq!(why(&c, &d), None, "same name, different years: two people");
    }
}
