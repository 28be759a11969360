//! Where something is declared in the configuration: a file's name and text and the
//! bytes of the declaration, so that an error found later (a plan refused because
//! `prevent_destroy` protects an object) can point into the source like the
//! configuration's own diagnostics do.
//!
//! Plain data: the text is held, never read from disk here.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A span of one configuration file.
#[derive(Clone, PartialEq, Eq)]
pub struct Place {
    /// The file's name as diagnostics show it (`prod/main.hcl`).
    pub file: String,
    /// The whole file.
    pub text: Arc<str>,
    pub span: Range<usize>,
}

impl Place {
    /// `main.hcl:3:5`.
    pub fn describe(&self) -> String {
        let offset = self.span.start.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}", self.file)
    }

    /// The span as miette labels it.
    pub fn source_span(&self) -> SourceSpan {
        SourceSpan::from(self.span.clone())
    }
}

impl fmt::Debug for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The file, named, as the source of a diagnostic.
impl SourceCode for Place {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        let contents = MietteSpanContents::new_named(
            self.file.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )
        .with_language("hcl");
        Ok(Box::new(contents))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_names_its_file_line_and_column() {
        let place = Place {
            file: "main.hcl".into(),
            text: Arc::from("a = 1\n  b = 2\n"),
            span: 8..9,
        };
        assert_eq!(place.describe(), "main.hcl:2:3");
        let contents = place.read_span(&place.source_span(), 0, 0).unwrap();
        assert_eq!(contents.name(), Some("main.hcl"));
        assert_eq!(contents.line(), 1);
    }
}
