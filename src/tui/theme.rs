//! Colour themes from TOML (`themes/*.toml` built in, more in the config folder's `themes/`),
//! and the colourless theme for `NO_COLOR`.

use std::collections::BTreeMap;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const BUILT_IN: [(&str, &str); 2] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
];

/// Every style the views use.
/// Why a theme cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "no theme named {name:?}; built in: dark, light (or add {name}.toml to the themes folder)"
    )]
    Unknown { name: String },
    #[error("{origin}: {problem}")]
    Invalid { origin: String, problem: String },
    #[error("cannot read the theme {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub muted: Style,
    pub header: Style,
    pub selected: Style,
    pub group: Style,
    pub changed: Style,
    pub invalid: Style,
    pub ok: Style,
    pub error: Style,
    pub border: Style,
    pub focus: Style,
    pub key: Style,
    /// The characters a filter matched (open-contact list, jump, palette).
    pub matched: Style,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: String,
    styles: BTreeMap<String, RawStyle>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    underlined: bool,
}

impl RawStyle {
    fn style(&self, key: &str) -> Result<Style, String> {
        let color = |c: &Option<String>| -> Result<Option<Color>, String> {
            c.as_deref()
                .map(|c| {
                    c.parse::<Color>()
                        .map_err(|_| format!("styles.{key}: {c:?} is not a colour"))
                })
                .transpose()
        };
        let mut style = Style::default();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.reversed, Modifier::REVERSED),
            (self.underlined, Modifier::UNDERLINED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        Ok(style)
    }
}

impl Theme {
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawTheme = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let get = |key: &str| -> Result<Style, String> {
            raw.styles
                .get(key)
                .map(|s| s.style(key))
                .unwrap_or(Ok(Style::default()))
        };
        if let Some(unknown) = raw
            .styles
            .keys()
            .find(|k| !STYLE_NAMES.contains(&k.as_str()))
        {
            return Err(format!(
                "unknown style {unknown:?} (known: {})",
                STYLE_NAMES.join(", ")
            ));
        }
        Ok(Self {
            name: raw.name.clone(),
            text: get("text")?,
            muted: get("muted")?,
            header: get("header")?,
            selected: get("selected")?,
            group: get("group")?,
            changed: get("changed")?,
            invalid: get("invalid")?,
            ok: get("ok")?,
            error: get("error")?,
            border: get("border")?,
            focus: get("focus")?,
            key: get("key")?,
            // A theme written before this style still shows what matched.
            matched: match raw.styles.get("matched") {
                Some(s) => s.style("matched")?,
                None => Style::default().add_modifier(Modifier::UNDERLINED),
            },
        })
    }

    /// The named theme: a file `NAME.toml` in `user_dir`, else a built-in one.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Self, ThemeError> {
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            // A missing file means the built-in theme of that name; any other failure is said,
            // never silently replaced by a built-in.
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    return Self::parse(&text).map_err(|problem| ThemeError::Invalid {
                        origin: path.display().to_string(),
                        problem,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ThemeError::Unreadable {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        let (_, text) =
            BUILT_IN
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| ThemeError::Unknown {
                    name: name.to_string(),
                })?;
        Self::parse(text).map_err(|problem| ThemeError::Invalid {
            origin: format!("the built-in theme {name}"),
            problem,
        })
    }

    /// No colours at all (`NO_COLOR`): emphasis by bold and reverse video only.
    pub fn monochrome() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Self {
            name: "no-color".into(),
            text: plain,
            muted: plain,
            header: bold.add_modifier(Modifier::REVERSED),
            selected: plain.add_modifier(Modifier::REVERSED),
            group: bold,
            changed: bold,
            invalid: bold.add_modifier(Modifier::UNDERLINED),
            ok: bold,
            error: bold,
            border: plain,
            focus: bold,
            key: bold,
            matched: bold.add_modifier(Modifier::UNDERLINED),
        }
    }
}

const STYLE_NAMES: [&str; 13] = [
    "text", "muted", "header", "selected", "group", "changed", "invalid", "ok", "error", "border",
    "focus", "key", "matched",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_load_and_differ() {
        let dark = Theme::load("dark", None).unwrap();
        let light = Theme::load("light", None).unwrap();
        assert_eq!(dark.name, "dark");
        assert_ne!(dark.header, light.header);
        assert!(
            Theme::load("neon", None)
                .unwrap_err()
                .to_string()
                .contains("no theme named \"neon\"")
        );
    }

    #[test]
    fn user_themes_override_and_bad_ones_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "name = \"mine\"\n[styles]\nok = { fg = \"green\", bold = true }\n",
        )
        .unwrap();
        let mine = Theme::load("mine", Some(dir.path())).unwrap();
        assert_eq!(
            mine.ok,
            Style::default()
                .fg(Color::Green)
                .add_modifier(Modifier::BOLD)
        );
        std::fs::write(
            dir.path().join("bad.toml"),
            "name = \"bad\"\n[styles]\nok = { fg = \"blurple\" }\n",
        )
        .unwrap();
        assert!(
            Theme::load("bad", Some(dir.path()))
                .unwrap_err()
                .to_string()
                .contains("\"blurple\" is not a colour")
        );
        // A theme that exists but cannot be read is said, not replaced by the built-in dark.
        std::fs::create_dir(dir.path().join("dark.toml")).unwrap();
        let err = Theme::load("dark", Some(dir.path())).unwrap_err();
        assert!(matches!(err, ThemeError::Unreadable { .. }), "{err}");
    }
}
