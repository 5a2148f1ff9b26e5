//! Document types and routing decisions.

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable snake_case name, as stored and as shown in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::document::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::document::UnknownName { kind: stringify!($name), name: s.chars().take(64).collect() }),
                }
            }
        }
    };
}
pub(crate) use string_enum;

/// A stored name that no variant carries (a newer database, or a hand edit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}

string_enum! {
    /// The kinds of original the kiosks recognize. `Other` always goes to an officer.
    DocumentType {
        CitizenId => "citizen_id",
        BirthCertificate => "birth_certificate",
        Diploma => "diploma",
        Decision => "decision",
        Other => "other",
    }
}

string_enum! {
    /// What the automation decided for a case.
    Decision {
        Issue => "issue",
        Flag => "flag",
        Reject => "reject",
    }
}

impl DocumentType {
    /// Vietnamese name, as printed on copies and the portal.
    pub fn name_vi(self) -> &'static str {
        match self {
            DocumentType::CitizenId => "Căn cước công dân",
            DocumentType::BirthCertificate => "Giấy khai sinh",
            DocumentType::Diploma => "Bằng tốt nghiệp đại học",
            DocumentType::Decision => "Quyết định",
            DocumentType::Other => "Giấy tờ khác",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            DocumentType::CitizenId => "Citizen identity card",
            DocumentType::BirthCertificate => "Birth certificate",
            DocumentType::Diploma => "University diploma",
            DocumentType::Decision => "Administrative decision",
            DocumentType::Other => "Other document",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in DocumentType::ALL {
            assert_eq!(t.as_str().parse::<DocumentType>(), Ok(*t));
        }
        assert!("passport".parse::<DocumentType>().is_err());
        assert_eq!(
            serde_json::to_string(&DocumentType::BirthCertificate).ok(),
            Some("\"birth_certificate\"".to_string())
        );
    }
}
