//! A report as a file: CSV or PDF, named for what it covers (`hearth-emissions-2026-11.pdf`).
//! The HTTP face, the desktop window and `hearth report` all make files here.

use crate::accounting::{DayReport, MonthReport};
use crate::engine::EngineError;

#[derive(Debug, Clone)]
pub enum Report {
    Day(DayReport),
    Month(MonthReport),
}

#[derive(Debug)]
pub struct ReportFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Report {
    pub fn label(&self) -> &str {
        match self {
            Report::Day(r) => &r.period.label,
            Report::Month(r) => &r.period.label,
        }
    }

    /// `format` is `csv` or `pdf`; `lang` (`en`, `zh-CN`) only matters for PDF.
    pub fn render(&self, format: &str, lang: &str) -> Result<ReportFile, EngineError> {
        let name = |ext: &str| format!("hearth-emissions-{}.{ext}", self.label());
        match format {
            "csv" => Ok(ReportFile {
                name: name("csv"),
                content_type: "text/csv; charset=utf-8",
                bytes: match self {
                    Report::Day(r) => crate::report_csv::day_csv(r),
                    Report::Month(r) => crate::report_csv::month_csv(r),
                }
                .into_bytes(),
            }),
            "pdf" => Ok(ReportFile {
                name: name("pdf"),
                content_type: "application/pdf",
                bytes: match self {
                    Report::Day(r) => crate::report_pdf::day_pdf(r, lang),
                    Report::Month(r) => crate::report_pdf::month_pdf(r, lang),
                }
                .map_err(|e| EngineError::Internal(e.to_string()))?,
            }),
            other => Err(EngineError::BadQuery(format!(
                "format `{other}`: csv or pdf"
            ))),
        }
    }
}
