//! The day and month reports as PDF, in English or Simplified Chinese: the figures in tables, the
//! pollutants as charts with their limits drawn, and the basis they were computed on (reference
//! O2, fuel, CO2 route, validity rules) with the data-validity summary, so the document stands on
//! its own when it is filed. A4 portrait; text in one font that has both Latin and Chinese glyphs
//! (Noto Sans CJK from Debian's fonts-noto-cjk, or another found on the system).

use std::sync::Arc;

use hearth_emissions::averaging::{Average, Validity};
use hearth_emissions::energy::EnergyKpi;
use hearth_model::config::Pollutant;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::accounting::{Basis, DayReport, MonthReport};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "no font with Chinese glyphs found (looked for {0}): install Debian's fonts-noto-cjk, or set HEARTH_REPORT_FONT to a .ttf/.ttc file"
    )]
    NoFont(String),
    #[error("the font {0} could not be read: {1}")]
    BadFont(String, String),
    #[error("writing the PDF: {0}")]
    Write(String),
}

/// Where fonts with Chinese glyphs are on Debian, with the face for Simplified Chinese.
const FONTS: [(&str, u32); 3] = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
];

fn load_font() -> Result<Font, PdfError> {
    let chosen = match std::env::var("HEARTH_REPORT_FONT") {
        Ok(p) if !p.is_empty() => Some((p, 0)),
        _ => FONTS
            .iter()
            .find(|(p, _)| std::path::Path::new(p).is_file())
            .map(|(p, i)| ((*p).to_owned(), *i)),
    };
    let Some((path, index)) = chosen else {
        return Err(PdfError::NoFont(
            FONTS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", "),
        ));
    };
    let data = std::fs::read(&path).map_err(|e| PdfError::BadFont(path.clone(), e.to_string()))?;
    Font::new(Arc::new(data).into(), index)
        .ok_or_else(|| PdfError::BadFont(path, "not a font Hearth can use".into()))
}

/// The report's words.
struct Words {
    day_title: &'static str,
    month_title: &'static str,
    plant: &'static str,
    period: &'static str,
    basis: &'static str,
    pollutant: &'static str,
    average: &'static str,
    limit: &'static str,
    validity: &'static str,
    valid_hours: &'static str,
    valid_days: &'static str,
    invalid: &'static str,
    excluded: &'static str,
    exceeded: &'static str,
    complies: &'static str,
    open: &'static str,
    hour: &'static str,
    day: &'static str,
    shift: &'static str,
    energy: &'static str,
    fuel: &'static str,
    production: &'static str,
    hourly: &'static str,
    daily: &'static str,
    concentration: &'static str,
    fuel_line: &'static str,
    rules: &'static str,
    benchmark: &'static str,
    computed: &'static str,
    marked: &'static str,
    withdrawn: &'static str,
    none: &'static str,
    page: &'static str,
}

const EN: Words = Words {
    day_title: "Daily emissions and energy report",
    month_title: "Monthly emissions and energy report",
    plant: "Plant",
    period: "Period",
    basis: "Basis",
    pollutant: "Pollutant",
    average: "Average",
    limit: "Limit",
    validity: "Validity",
    valid_hours: "Valid hours",
    valid_days: "Valid days",
    invalid: "invalid",
    excluded: "excluded",
    exceeded: "over the limit",
    complies: "within the limit",
    open: "not over yet",
    hour: "Hour",
    day: "Day",
    shift: "Shift",
    energy: "Energy",
    fuel: "Fuel",
    production: "Production",
    hourly: "hourly averages",
    daily: "daily averages",
    concentration: "mg/Nm3 dry at the reference O2",
    fuel_line: "Fuel",
    rules: "Validity rules",
    benchmark: "Benchmarks",
    computed: "Computed",
    marked: "Marked periods, left out of the averages",
    withdrawn: "withdrawn",
    none: "no data",
    page: "page",
};

const ZH: Words = Words {
    day_title: "排放与能耗日报",
    month_title: "排放与能耗月报",
    plant: "工厂",
    period: "时段",
    basis: "计算依据",
    pollutant: "污染物",
    average: "平均值",
    limit: "限值",
    validity: "有效性",
    valid_hours: "有效小时",
    valid_days: "有效天数",
    invalid: "无效",
    excluded: "剔除",
    exceeded: "超标",
    complies: "达标",
    open: "未结束",
    hour: "小时",
    day: "日",
    shift: "班次",
    energy: "能耗",
    fuel: "燃料",
    production: "产量",
    hourly: "小时均值",
    daily: "日均值",
    concentration: "mg/Nm3（干基，折算至基准含氧量）",
    fuel_line: "燃料",
    rules: "有效性规则",
    benchmark: "能耗基准",
    computed: "生成时间",
    marked: "标记时段（不计入均值）",
    withdrawn: "已撤销",
    none: "无数据",
    page: "页",
};

fn words(lang: &str) -> &'static Words {
    if lang.starts_with("zh") { &ZH } else { &EN }
}

const W: f32 = 595.0;
const H: f32 = 842.0;
const MARGIN: f32 = 42.0;

fn grey(l: u8) -> rgb::Color {
    rgb::Color::new(l, l, l)
}

/// A page being drawn, top to bottom.
struct Pen<'a, 'b> {
    s: Surface<'a>,
    font: &'b Font,
    y: f32,
}

impl Pen<'_, '_> {
    fn fill(&mut self, c: rgb::Color) {
        self.s.set_stroke(None);
        self.s.set_fill(Some(Fill {
            paint: c.into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, t: &str, c: rgb::Color) {
        self.fill(c);
        self.s.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            t,
            false,
            TextDirection::Auto,
        );
    }

    /// A line of text at the pen, moving it down.
    fn line(&mut self, size: f32, t: &str) {
        self.y += size * 1.45;
        let y = self.y;
        self.text_at(MARGIN, y, size, t, grey(20));
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn rule(&mut self) {
        self.y += 6.0;
        let y = self.y;
        self.stroke_line(MARGIN, y, W - MARGIN, y, 0.6, grey(150));
    }

    fn stroke_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, c: rgb::Color) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.s.set_fill(None);
            self.s.set_stroke(Some(Stroke {
                paint: c.into(),
                width,
                ..Stroke::default()
            }));
            self.s.draw_path(&path);
            self.s.set_stroke(None);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: rgb::Color) {
        let Some(r) = Rect::from_xywh(x, y, w.max(0.1), h.max(0.1)) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        if let Some(path) = pb.finish() {
            self.fill(c);
            self.s.draw_path(&path);
        }
    }

    /// A table: a header row and rows, columns at `xs` (offsets from the margin).
    fn table(&mut self, xs: &[f32], header: &[&str], rows: &[Vec<String>], size: f32) {
        self.y += size * 1.5;
        let y = self.y;
        for (x, h) in xs.iter().zip(header) {
            self.text_at(MARGIN + x, y, size, h, grey(70));
        }
        self.stroke_line(MARGIN, y + 3.0, W - MARGIN, y + 3.0, 0.4, grey(170));
        for r in rows {
            self.y += size * 1.35;
            let y = self.y;
            for (x, cell) in xs.iter().zip(r) {
                self.text_at(MARGIN + x, y, size, cell, grey(20));
            }
        }
    }

    /// A chart of values (None: no valid value) with the limit drawn, `bars` or a line.
    fn chart(
        &mut self,
        title: &str,
        labels: &[String],
        values: &[Option<f64>],
        limit: Option<f64>,
        bars: bool,
    ) {
        self.line(9.0, title);
        let (x0, y0, w, h) = (MARGIN + 34.0, self.y + 8.0, W - 2.0 * MARGIN - 40.0, 110.0);
        let top = values
            .iter()
            .flatten()
            .copied()
            .chain(limit)
            .fold(0.0f64, f64::max)
            .max(1.0)
            * 1.15;
        let y_of = |v: f64| y0 + h - (v / top) as f32 * h;
        self.rect(x0, y0, w, h, grey(246));
        for k in 0..=4 {
            let v = top * f64::from(k) / 4.0;
            let y = y_of(v);
            self.stroke_line(x0, y, x0 + w, y, 0.3, grey(215));
            self.text_at(MARGIN, y + 3.0, 7.0, &format!("{v:.0}"), grey(90));
        }
        let n = values.len().max(1);
        let step = w / n as f32;
        let mut last: Option<(f32, f32)> = None;
        for (i, v) in values.iter().enumerate() {
            let cx = x0 + step * (i as f32 + 0.5);
            match v {
                Some(v) if bars => {
                    let over = limit.is_some_and(|l| *v > l);
                    let c = if over {
                        rgb::Color::new(200, 60, 50)
                    } else {
                        rgb::Color::new(90, 110, 140)
                    };
                    self.rect(cx - step * 0.35, y_of(*v), step * 0.7, y0 + h - y_of(*v), c);
                }
                Some(v) => {
                    let p = (cx, y_of(*v));
                    if let Some((lx, ly)) = last {
                        self.stroke_line(lx, ly, p.0, p.1, 1.2, rgb::Color::new(60, 90, 140));
                    }
                    self.rect(p.0 - 1.5, p.1 - 1.5, 3.0, 3.0, rgb::Color::new(60, 90, 140));
                    last = Some(p);
                }
                // A gap stays a gap: nothing is drawn across a missing or invalid period.
                None => last = None,
            }
            // A label every few periods.
            let every = n.div_ceil(12);
            if i % every == 0
                && let Some(l) = labels.get(i)
            {
                self.text_at(cx - 6.0, y0 + h + 10.0, 6.5, l, grey(90));
            }
        }
        if let Some(l) = limit {
            let y = y_of(l);
            self.stroke_line(x0, y, x0 + w, y, 1.0, rgb::Color::new(200, 60, 50));
            self.text_at(
                x0 + w - 60.0,
                y - 3.0,
                7.0,
                &format!("{l:.0}"),
                rgb::Color::new(200, 60, 50),
            );
        }
        self.y = y0 + h + 16.0;
    }
}

fn num(v: Option<f64>, d: usize) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "—".into(), |v| format!("{v:.d$}"))
}

fn validity(w: &Words, v: Validity) -> &'static str {
    match v {
        Validity::Valid => "✓",
        Validity::Invalid => w.invalid,
        Validity::Excluded => w.excluded,
        Validity::Open => w.open,
    }
}

fn pollutant_name(p: Pollutant) -> &'static str {
    match p {
        Pollutant::Nox => "NOx (NO2)",
        Pollutant::Co => "CO",
    }
}

fn short_name(p: Pollutant) -> &'static str {
    match p {
        Pollutant::Nox => "NOx",
        Pollutant::Co => "CO",
    }
}

fn basis_lines(pen: &mut Pen<'_, '_>, w: &Words, b: &Basis) {
    pen.line(10.0, w.basis);
    pen.line(
        8.0,
        &format!(
            "{}: {} % O2, {}",
            w.concentration, b.reference_o2_percent, b.volumes
        ),
    );
    pen.line(
        8.0,
        &format!(
            "{}: LHV {} MJ/Nm3; {}; CO2 {} ({:.3} kg/Nm3, {:.1} kg/GJ)",
            w.fuel_line,
            b.fuel_lhv_mj_per_nm3,
            b.fuel_composition,
            b.co2_route,
            b.co2_kg_per_nm3,
            b.co2_kg_per_gj
        ),
    );
    pen.line(
        8.0,
        &format!(
            "{}: {:.0} % / h; {} h / d",
            w.rules,
            b.min_valid_fraction * 100.0,
            b.min_valid_hours_per_day
        ),
    );
    pen.line(
        8.0,
        &format!(
            "{}: {} GJ/t (min), {} GJ/t (best practice)",
            w.benchmark, b.theoretical_min_gj_per_t, b.benchmark_gj_per_t
        ),
    );
}

fn mark_lines(pen: &mut Pen<'_, '_>, w: &Words, marks: &[crate::marks::Mark], tz: &str) {
    if marks.is_empty() {
        return;
    }
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    let local = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&tz).format("%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    pen.gap(4.0);
    pen.line(10.0, w.marked);
    for m in marks {
        pen.line(
            8.0,
            &format!(
                "{:?} {} – {}, {}: {}{}",
                m.kind,
                local(m.from_ms),
                local(m.to_ms),
                m.user,
                m.reason,
                if m.withdrawn.is_some() {
                    format!(" ({})", w.withdrawn)
                } else {
                    String::new()
                }
            ),
        );
    }
}

fn energy_rows(ks: &[EnergyKpi]) -> Vec<Vec<String>> {
    ks.iter()
        .map(|k| {
            vec![
                k.label.clone(),
                num(Some(k.fuel_nm3), 0),
                num(Some(k.energy_gj), 1),
                num(Some(k.production_t), 1),
                num(k.gj_per_t, 3),
                num(Some(k.co2_kg / 1000.0), 2),
                num(k.kg_co2_per_t, 1),
                k.above_benchmark
                    .map_or_else(|| "—".into(), |a| format!("{:+.1} %", a * 100.0)),
            ]
        })
        .collect()
}

const ENERGY_HEADER: [&str; 8] = [
    "", "Nm3", "GJ", "t", "GJ/t", "t CO2", "kg CO2/t", "vs bench",
];
const ENERGY_X: [f32; 8] = [0.0, 90.0, 150.0, 205.0, 255.0, 305.0, 360.0, 425.0];

fn head(
    pen: &mut Pen<'_, '_>,
    w: &Words,
    title: &str,
    plant: &str,
    period: &str,
    tz: &str,
    computed_ms: i64,
) {
    pen.line(16.0, title);
    pen.gap(2.0);
    pen.line(9.0, &format!("{}: {plant}", w.plant));
    pen.line(9.0, &format!("{}: {period} ({tz})", w.period));
    let when = chrono::DateTime::from_timestamp_millis(computed_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    pen.line(8.0, &format!("{}: {when}", w.computed));
    pen.rule();
}

/// Draw one page, top to bottom.
fn with_page(
    doc: &mut Document,
    font: &Font,
    draw: impl FnOnce(&mut Pen<'_, '_>),
) -> Result<(), PdfError> {
    let mut page = doc.start_page_with(page_settings()?);
    let mut pen = Pen {
        s: page.surface(),
        font,
        y: MARGIN - 10.0,
    };
    draw(&mut pen);
    // The surface writes the page's content when it goes.
    drop(pen);
    page.finish();
    Ok(())
}

/// The header of a detail table: the period column, each pollutant's value and validity, then
/// the energy columns.
fn detail_header(
    w: &Words,
    first: &str,
    pollutants: impl Iterator<Item = Pollutant>,
    energy: &[String],
) -> Vec<String> {
    let mut header = vec![first.to_owned()];
    for p in pollutants {
        header.push(format!("{} mg/Nm3", short_name(p)));
        header.push(w.validity.to_owned());
    }
    header.extend(energy.iter().cloned());
    header
}

fn finish(doc: Document) -> Result<Vec<u8>, PdfError> {
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn page_settings() -> Result<PageSettings, PdfError> {
    PageSettings::from_wh(W, H).ok_or_else(|| PdfError::Write("page size".into()))
}

fn footer(pen: &mut Pen<'_, '_>, w: &Words, n: u32) {
    pen.text_at(
        W - MARGIN - 40.0,
        H - 24.0,
        7.0,
        &format!("{} {n}", w.page),
        grey(120),
    );
}

/// The daily report as PDF, in `lang` (`en` or `zh-CN`).
pub fn day_pdf(r: &DayReport, lang: &str) -> Result<Vec<u8>, PdfError> {
    let font = load_font()?;
    let w = words(lang);
    let mut doc = Document::new();
    with_page(&mut doc, &font, |pen| {
        head(
            pen,
            w,
            w.day_title,
            &r.plant,
            &r.period.label,
            &r.basis.time_zone,
            r.computed_ms,
        );
        let rows: Vec<Vec<String>> = r
            .pollutants
            .iter()
            .map(|p| {
                let lim = p.day_standing.as_ref().map(|s| s.limit.limit_mg_nm3);
                let state = match &p.day_standing {
                    Some(s) if s.exceeded => w.exceeded,
                    Some(_) if p.day.validity == Validity::Valid => w.complies,
                    _ => validity(w, p.day.validity),
                };
                vec![
                    pollutant_name(p.pollutant).to_owned(),
                    num(p.day.value, 1),
                    num(lim, 0),
                    state.to_owned(),
                    format!("{} / {}", p.day.counted, p.day.expected),
                    format!(
                        "{} {} · {} {}",
                        p.day.invalid, w.invalid, p.day.excluded, w.excluded
                    ),
                ]
            })
            .collect();
        pen.table(
            &[0.0, 90.0, 160.0, 215.0, 300.0, 370.0],
            &[
                w.pollutant,
                w.average,
                w.limit,
                w.validity,
                w.valid_hours,
                "",
            ],
            &rows,
            8.5,
        );
        pen.gap(8.0);
        for p in &r.pollutants {
            let labels: Vec<String> = p
                .hours
                .iter()
                .map(|h| h.period.label.get(11..13).unwrap_or("").to_owned())
                .collect();
            let values: Vec<Option<f64>> = p.hours.iter().map(|h| h.average.value).collect();
            let lim = p
                .hour_limit
                .as_ref()
                .or(p.day_standing.as_ref().map(|s| &s.limit))
                .map(|l| l.limit_mg_nm3);
            pen.chart(
                &format!(
                    "{} — {}, {}",
                    pollutant_name(p.pollutant),
                    w.hourly,
                    w.concentration
                ),
                &labels,
                &values,
                lim,
                false,
            );
        }
        pen.line(10.0, &format!("{} — {} / {}", w.energy, w.shift, w.day));
        let mut ks = r.energy_shifts.clone();
        ks.push(r.energy_day.clone());
        pen.table(&ENERGY_X, &ENERGY_HEADER, &energy_rows(&ks), 8.0);
        pen.gap(8.0);
        basis_lines(pen, w, &r.basis);
        mark_lines(pen, w, &r.marks, &r.basis.time_zone);
        footer(pen, w, 1);
    })?;
    // Page 2: every hour.
    with_page(&mut doc, &font, |pen| {
        pen.line(11.0, &format!("{} — {}", w.day_title, r.period.label));
        let header = detail_header(
            w,
            w.hour,
            r.pollutants.iter().map(|p| p.pollutant),
            &["Nm3".into(), "t".into(), "GJ/t".into()],
        );
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = r
            .energy_hours
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut row = vec![format!(
                    "{} ({})",
                    k.label.get(11..).unwrap_or(&k.label),
                    r.pollutants
                        .first()
                        .and_then(|p| p.hours.get(i))
                        .map(|h| h.period.utc_offset.clone())
                        .unwrap_or_default()
                )];
                for p in &r.pollutants {
                    let a: Option<&Average> = p.hours.get(i).map(|h| &h.average);
                    row.push(num(a.and_then(|a| a.value), 1));
                    row.push(a.map_or(w.none, |a| validity(w, a.validity)).to_owned());
                }
                row.push(num(Some(k.fuel_nm3), 0));
                row.push(num(Some(k.production_t), 1));
                row.push(num(k.gj_per_t, 3));
                row
            })
            .collect();
        let xs: Vec<f32> = (0..header.len())
            .map(|i| [0.0, 85.0, 150.0, 200.0, 265.0, 315.0, 375.0, 430.0][i.min(7)])
            .collect();
        pen.table(&xs, &header, &rows, 7.5);
        footer(pen, w, 2);
    })?;
    finish(doc)
}

/// The monthly report as PDF, in `lang` (`en` or `zh-CN`).
pub fn month_pdf(r: &MonthReport, lang: &str) -> Result<Vec<u8>, PdfError> {
    let font = load_font()?;
    let w = words(lang);
    let mut doc = Document::new();
    with_page(&mut doc, &font, |pen| {
        head(
            pen,
            w,
            w.month_title,
            &r.plant,
            &r.period.label,
            &r.basis.time_zone,
            r.computed_ms,
        );
        let rows: Vec<Vec<String>> = r
            .pollutants
            .iter()
            .map(|p| {
                vec![
                    pollutant_name(p.pollutant).to_owned(),
                    num(p.mean_of_valid_days, 1),
                    num(p.limit.as_ref().map(|l| l.limit_mg_nm3), 0),
                    format!("{} / {}", p.valid_days, p.days.len()),
                    format!("{} {}", p.exceeded_days, w.exceeded),
                    format!(
                        "{} {} · {} {}",
                        p.invalid_hours, w.invalid, p.excluded_hours, w.excluded
                    ),
                ]
            })
            .collect();
        pen.table(
            &[0.0, 90.0, 160.0, 215.0, 290.0, 370.0],
            &[w.pollutant, w.average, w.limit, w.valid_days, "", w.hourly],
            &rows,
            8.5,
        );
        pen.gap(8.0);
        for p in &r.pollutants {
            let labels: Vec<String> = p
                .days
                .iter()
                .map(|d| d.period.label.get(8..10).unwrap_or("").to_owned())
                .collect();
            let values: Vec<Option<f64>> = p.days.iter().map(|d| d.average.value).collect();
            pen.chart(
                &format!(
                    "{} — {}, {}",
                    pollutant_name(p.pollutant),
                    w.daily,
                    w.concentration
                ),
                &labels,
                &values,
                p.limit.as_ref().map(|l| l.limit_mg_nm3),
                true,
            );
        }
        pen.line(10.0, &format!("{} — {}", w.energy, w.period));
        pen.table(
            &ENERGY_X,
            &ENERGY_HEADER,
            &energy_rows(std::slice::from_ref(&r.energy_month)),
            8.0,
        );
        pen.gap(8.0);
        basis_lines(pen, w, &r.basis);
        mark_lines(pen, w, &r.marks, &r.basis.time_zone);
        footer(pen, w, 1);
    })?;
    with_page(&mut doc, &font, |pen| {
        pen.line(11.0, &format!("{} — {}", w.month_title, r.period.label));
        let header = detail_header(
            w,
            w.day,
            r.pollutants.iter().map(|p| p.pollutant),
            &[
                format!("{} Nm3", w.fuel),
                format!("{} t", w.production),
                "GJ/t".into(),
                "kg CO2/t".into(),
            ],
        );
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = r
            .energy_days
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut row = vec![k.label.clone()];
                for p in &r.pollutants {
                    let d = p.days.get(i);
                    row.push(num(d.and_then(|d| d.average.value), 1));
                    row.push(
                        d.map_or(w.none, |d| match &d.standing {
                            Some(s) if s.exceeded => w.exceeded,
                            _ => validity(w, d.average.validity),
                        })
                        .to_owned(),
                    );
                }
                row.push(num(Some(k.fuel_nm3), 0));
                row.push(num(Some(k.production_t), 1));
                row.push(num(k.gj_per_t, 3));
                row.push(num(k.kg_co2_per_t, 1));
                row
            })
            .collect();
        let xs: Vec<f32> = (0..header.len())
            .map(|i| [0.0, 62.0, 125.0, 175.0, 235.0, 285.0, 345.0, 395.0, 445.0][i.min(8)])
            .collect();
        pen.table(&xs, &header, &rows, 7.0);
        footer(pen, w, 2);
    })?;
    finish(doc)
}
