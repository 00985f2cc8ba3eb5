//! The three languages the service speaks, Kyrgyz first.

use serde::Serialize;

/// A language a label, status or error title is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Kyrgyz (*кыргызча*), the regulation's own language.
    Ky,
    /// Russian.
    Ru,
    /// English, the default when the client asks for nothing we speak.
    En,
}

impl Lang {
    /// Picks the first language of an `Accept-Language` header that we speak, honouring
    /// q-values; English when the header is missing or names nothing we speak.
    #[must_use]
    pub fn negotiate(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::En;
        };
        let mut best: Option<(f32, usize, Self)> = None;
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Self::from_code(primary) else {
                continue;
            };
            if quality <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((q, _, _)) => quality > q,
            };
            if better {
                best = Some((quality, position, lang));
            }
        }
        best.map_or(Self::En, |(_, _, lang)| lang)
    }

    /// The language for a two-letter code (`ky`, `ru`, `en`).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "ky" => Some(Self::Ky),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The two-letter code, as used in `Content-Language`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Ky => "ky",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }
}

/// A text in the three languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub ky: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

impl Text {
    /// The text in `lang`.
    #[must_use]
    pub const fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ky => self.ky,
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_header_means_english() {
        assert_eq!(Lang::negotiate(None), Lang::En);
    }

    #[test]
    fn first_spoken_language_wins() {
        assert_eq!(Lang::negotiate(Some("ky-KG,ru;q=0.8")), Lang::Ky);
        assert_eq!(Lang::negotiate(Some("de, ru-RU;q=0.9, en;q=0.5")), Lang::Ru);
    }

    #[test]
    fn quality_values_are_honoured() {
        assert_eq!(Lang::negotiate(Some("en;q=0.3, ky;q=0.9")), Lang::Ky);
        assert_eq!(Lang::negotiate(Some("ky;q=0, ru")), Lang::Ru);
    }

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(Lang::negotiate(Some("fr, de")), Lang::En);
    }
}
