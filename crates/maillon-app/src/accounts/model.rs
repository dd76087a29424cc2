//! Who is signed in and what they may do in each structure.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    StructureAdmin,
    Mediator,
    /// The welcome desk (accueil): the member file and messages, never the activity log.
    Desk,
    Volunteer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::StructureAdmin,
        Role::Mediator,
        Role::Desk,
        Role::Volunteer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::StructureAdmin => "structure_admin",
            Role::Mediator => "mediator",
            Role::Desk => "desk",
            Role::Volunteer => "volunteer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::StructureAdmin => "Responsable de la structure",
            Role::Mediator => "Médiateur ou médiatrice numérique",
            Role::Desk => "Accueil et adhésions",
            Role::Volunteer => "Bénévole",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Clone, Debug)]
pub struct Membership {
    pub structure_id: crate::tenancy::StructureId,
    pub structure_name: String,
    pub role: Role,
}

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_network_admin: bool,
    pub memberships: Vec<Membership>,
    /// Hash of this session's token, to sign out of this session only.
    pub session_hash: String,
}

impl CurrentUser {
    /// The network's pages: 403 for anyone else.
    pub fn require_network_admin(&self) -> Result<(), crate::web::error::AppError> {
        if self.is_network_admin {
            Ok(())
        } else {
            Err(crate::web::error::AppError::Forbidden)
        }
    }

    pub fn role_in(&self, structure_id: &str) -> Option<Role> {
        self.memberships
            .iter()
            .find(|m| m.structure_id == structure_id)
            .map(|m| m.role)
    }
}
