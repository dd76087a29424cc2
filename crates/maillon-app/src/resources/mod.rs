//! Resource commons: mediators make teaching resources, describe them with the field's
//! vocabularies and a licence, share them (draft, structure, network, public) and adapt
//! each other's, with attribution (decision 0012).

pub mod archive;
pub mod blocks;
pub mod catalogue;
pub mod collection_store;
pub mod collections;
pub mod feedback;
pub mod feedback_store;
pub mod files;
pub mod model;
pub mod moderation;
pub mod moderation_store;
pub mod postings;
pub mod routes;
pub mod search;
pub mod sharing;
pub mod store;
pub mod text;
pub mod vocab;

use crate::accounts::model::{CurrentUser, Role};
use model::Resource;
use vocab::Visibility;

/// A page of the resources' section, for a signed-in person.
pub async fn page(
    state: &crate::app::AppState,
    user: &CurrentUser,
    title: impl Into<String>,
) -> crate::app::page::Page {
    crate::app::page::Page::new(state, title)
        .await
        .user(user)
        .section("resources")
}

/// The same rule as `store::visible_to`, for one resource.
pub fn can_read(user: Option<&CurrentUser>, r: &Resource) -> bool {
    readable(user, r.visibility, &r.structure_id, &r.author_id)
}

/// Whether `user` may read a resource of this visibility, structure and author.
pub fn readable(
    user: Option<&CurrentUser>,
    visibility: Visibility,
    structure_id: &str,
    author_id: &str,
) -> bool {
    match (visibility, user) {
        (Visibility::Public, _) => true,
        (_, None) => false,
        (Visibility::Network, Some(_)) => true,
        (Visibility::Structure, Some(u)) => u.is_network_admin || u.role_in(structure_id).is_some(),
        (Visibility::Draft, Some(u)) => u.id == author_id,
    }
}

/// The author changes their resource; once shared, the structure's admins and mediators
/// may too (the team keeps its resources up to date when the author leaves).
pub fn can_edit(user: &CurrentUser, r: &Resource) -> bool {
    user.id == r.author_id
        || (r.visibility != Visibility::Draft
            && matches!(
                user.role_in(&r.structure_id),
                Some(Role::StructureAdmin | Role::Mediator)
            ))
}

/// The structures where `user` makes resources: where they are admin or mediator.
pub fn making_structures(user: &CurrentUser) -> Vec<(crate::tenancy::StructureId, String)> {
    user.memberships
        .iter()
        .filter(|m| matches!(m.role, Role::StructureAdmin | Role::Mediator))
        .map(|m| (m.structure_id.clone(), m.structure_name.clone()))
        .collect()
}

/// Every route of this capability (`app::router` merges one router per capability).
pub fn router() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(routes::routes())
        .merge(blocks::routes())
        .merge(files::routes())
        .merge(archive::routes())
        .merge(feedback::routes())
        .merge(moderation::routes())
        .merge(sharing::routes())
        .merge(collections::routes())
}
