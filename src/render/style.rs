//! The styles of human output. Whether colour is on is the caller's decision (the
//! command looks at the terminal); this module only paints.

use anstyle::{AnsiColor, Style};

/// The styles used in human output; all plain when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub create: Style,
    pub update: Style,
    pub delete: Style,
    pub note: Style,
    pub bold: Style,
}

impl Styles {
    pub fn new(color: bool) -> Styles {
        if !color {
            return Styles::plain();
        }
        Styles {
            create: AnsiColor::Green.on_default(),
            update: AnsiColor::Yellow.on_default(),
            delete: AnsiColor::Red.on_default(),
            note: Style::new().dimmed(),
            bold: Style::new().bold(),
        }
    }

    pub fn plain() -> Styles {
        Styles {
            create: Style::new(),
            update: Style::new(),
            delete: Style::new(),
            note: Style::new(),
            bold: Style::new(),
        }
    }
}

/// `style` around `text`, with a reset; nothing extra when the style is plain.
pub fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}
