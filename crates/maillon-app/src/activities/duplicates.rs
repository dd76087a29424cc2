//! Finding the same person entered twice, and merging the two records.

use std::collections::HashMap;

use super::beneficiaries::{self, Beneficiary};
use crate::db::{Db, DbError, Tx};
use crate::tenancy::StructureId;
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

/// Likely duplicates among a structure's beneficiaries (at most `limit` pairs, in the
/// order of the list). Names are only compared within the same first letter of the last
/// name; the index finds the few candidates of each person, so this stays linear.
pub async fn find(db: &Db, structure_id: &StructureId, limit: usize) -> Result<Vec<Pair>, DbError> {
    let people = beneficiaries::search(db, structure_id, "", 100_000).await?;
    let mut index = PeopleIndex::default();
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    for (j, b) in people.iter().enumerate() {
        let start_b = search_key(&b.last_name).chars().next();
        for i in index.candidates(b) {
            let a = &people[i];
            let same_start = search_key(&a.last_name).chars().next() == start_b;
            let same_phone = !a.phone.is_empty() && a.phone == b.phone;
            if !(same_start || same_phone) {
                continue;
            }
            if let Some(reason) = why(a, b) {
                found.push((i, j, reason));
            }
        }
        index.add(j, b);
    }
    found.sort();
    Ok(found
        .into_iter()
        .take(limit)
        .map(|(i, j, reason)| Pair {
            people: [people[i].clone(), people[j].clone()],
            reason,
        })
        .collect())
}

/// The people seen so far, indexed so that those [`why`] could call the same as a new
/// one are found without comparing them all: by phone, by name, and by pieces of the name
/// for "noms très proches". A name within two edits of another keeps one of its three
/// pieces whole, shifted by two characters at most (the pigeonhole principle, as in the
/// "Pass-Join" method): each name is stored under its three pieces, and a new name looks
/// up the pieces it could hold.
#[derive(Default)]
pub struct PeopleIndex {
    by_phone: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    /// (length of the name, piece number, piece) → people.
    by_piece: HashMap<(usize, usize, String), Vec<usize>>,
}

/// Names shorter than this are never "very close" (see [`why`]).
const NEAR_MIN_CHARS: usize = 6;
const NEAR_EDITS: usize = 2;

/// Where the three pieces of a name of `len` characters start, and their lengths.
fn pieces(len: usize) -> [(usize, usize); NEAR_EDITS + 1] {
    let base = len / (NEAR_EDITS + 1);
    let longer = len % (NEAR_EDITS + 1);
    let mut out = [(0, 0); NEAR_EDITS + 1];
    let mut start = 0;
    for (i, piece) in out.iter_mut().enumerate() {
        // The last pieces take the characters left over.
        let l = base + usize::from(i >= NEAR_EDITS + 1 - longer);
        *piece = (start, l);
        start += l;
    }
    out
}

fn name_key(b: &Beneficiary) -> String {
    search_key(&format!("{} {}", b.last_name, b.first_name))
}

impl PeopleIndex {
    pub fn add(&mut self, id: usize, b: &Beneficiary) {
        if !b.phone.is_empty() {
            self.by_phone.entry(b.phone.clone()).or_default().push(id);
        }
        let key = name_key(b);
        let chars: Vec<char> = key.chars().collect();
        if chars.len() >= NEAR_MIN_CHARS {
            for (i, (start, len)) in pieces(chars.len()).into_iter().enumerate() {
                let piece: String = chars[start..start + len].iter().collect();
                self.by_piece
                    .entry((chars.len(), i, piece))
                    .or_default()
                    .push(id);
            }
        }
        self.by_name.entry(key).or_default().push(id);
    }

    /// Everyone added whom [`why`] might pair with `b` (more, never fewer), in the order
    /// they were added.
    pub fn candidates(&self, b: &Beneficiary) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        if let Some(ids) = self.by_phone.get(&b.phone).filter(|_| !b.phone.is_empty()) {
            out.extend(ids);
        }
        let key = name_key(b);
        if let Some(ids) = self.by_name.get(&key) {
            out.extend(ids);
        }
        let chars: Vec<char> = key.chars().collect();
        let m = chars.len();
        for len in m.saturating_sub(NEAR_EDITS).max(NEAR_MIN_CHARS)..=m + NEAR_EDITS {
            for (i, (start, piece_len)) in pieces(len).into_iter().enumerate() {
                for shifted in start.saturating_sub(NEAR_EDITS)..=start + NEAR_EDITS {
                    if shifted + piece_len > m {
                        break;
                    }
                    let piece: String = chars[shifted..shifted + piece_len].iter().collect();
                    if let Some(ids) = self.by_piece.get(&(len, i, piece)) {
                        out.extend(ids);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Merges `other` into `keep`: activities move over, empty fields are filled from
/// `other`, notes are joined, then `other` is removed. Both must be the structure's.
pub async fn merge(
    tx: &mut Tx,
    structure_id: &StructureId,
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

    /// The index finds every pair the rule finds, comparing all pairs as the rule says.
    #[test]
    fn the_index_misses_no_pair() {
        let names = [
            ("Josette", "Martin"),
            ("Josete", "Martin"),
            ("Josette", "Martine"),
            ("Paul", "Vial"),
            ("Paule", "Vial"),
            ("Ahmed", "Benali"),
            ("Ahmet", "Benalli"),
            ("Jo", "Li"),
            ("Jo", "Lu"),
            ("Marie-Hélène", "Dupré"),
            ("Marie Helene", "Dupre"),
            ("Élodie", "Cœur"),
            ("Elodie", "Coeur"),
            ("Xavier", "Zola"),
            ("Javier", "Zolla"),
            ("Nadia", "Roux"),
            ("Nadia", "Rouxe"),
            ("Sam", "Martin"),
            ("Samuel", "Martin"),
        ];
        // And names of a small alphabet, so that many are close to each other.
        let mut seed: u64 = 42;
        let mut random = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut made: Vec<(String, String)> = Vec::new();
        for _ in 0..400 {
            let len = 2 + random(7) as usize;
            let last: String = (0..len).map(|_| (b'a' + random(3) as u8) as char).collect();
            let first: String = (0..random(3))
                .map(|_| (b'a' + random(3) as u8) as char)
                .collect();
            made.push((first, last));
        }
        let names: Vec<(&str, &str)> = names
            .iter()
            .copied()
            .chain(made.iter().map(|(f, l)| (f.as_str(), l.as_str())))
            .collect();
        let people: Vec<Beneficiary> = names
            .iter()
            .enumerate()
            .map(|(i, (first, last))| Beneficiary {
                first_name: first.to_string(),
                last_name: last.to_string(),
                phone: if i % 7 == 0 {
                    "+33612345678".into()
                } else {
                    String::new()
                },
                ..Beneficiary::default()
            })
            .collect();
        let mut index = PeopleIndex::default();
        for (j, b) in people.iter().enumerate() {
            let candidates = index.candidates(b);
            for (i, a) in people[..j].iter().enumerate() {
                if why(a, b).is_some() {
                    assert!(
                        candidates.contains(&i),
                        "{} {} / {} {}",
                        a.first_name,
                        a.last_name,
                        b.first_name,
                        b.last_name
                    );
                }
            }
            index.add(j, b);
        }
    }
}
