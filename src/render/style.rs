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

    /// Colour on when the stream is a terminal and `NO_COLOR` is unset (anstream's
    /// detection, which also honours `CLICOLOR_FORCE`).
    pub fn detect_stdout() -> Styles {
        Styles::new(
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
        )
    }

    pub fn detect_stderr() -> Styles {
        Styles::new(
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never,
        )
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
