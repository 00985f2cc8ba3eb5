//! Documents as A4 PDF, laid out from the HTML page the document endpoints serve (read back by
//! [`super::markup`]): the same blocks, in the same order, with the sizes and margins of its
//! style sheet. DejaVu Serif Condensed (regular and bold; near Times in width, as the HTML asks for) is embedded — subset, with a `ToUnicode` map so
//! the text can be searched and copied — so Kyrgyz ң ө ү print wherever the file is opened.
//! Written by `krilla`; lines are broken here, and long tables run on over pages with their
//! header repeated.

use super::markup::{Css, Element, Node};
use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider};

static SERIF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerifCondensed.ttf");
static SERIF_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerifCondensed-Bold.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MM: f32 = 72.0 / 25.4;
/// A border: 1px.
const HAIRLINE: f32 = 0.75;

/// The PDF could not be made (a font that does not load, or the writer refusing).
#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

/// The font's advances, for breaking lines.
struct Face {
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn new(data: &'static [u8]) -> Result<Self, PdfError> {
        let font = FontRef::new(data).map_err(|e| PdfError(format!("font: {e}")))?;
        let units_per_em = f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
        Ok(Self {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
                self.metrics.advance_width(glyph).unwrap_or(0.0)
            })
            .sum();
        units * size / self.units_per_em
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

impl Faces {
    fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        if bold { self.bold.width(text, size) } else { self.regular.width(text, size) }
    }
}

/// What goes on a page.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// Text with its baseline at `y`.
    Text { x: f32, y: f32, size: f32, bold: bool, text: String },
    /// A ruled line.
    Rule { x1: f32, y1: f32, x2: f32, y2: f32 },
}

/// A piece of running text.
#[derive(Debug, Clone)]
enum Inline {
    Text {
        text: String,
        bold: bool,
    },
    Break,
    /// A blank signature line of this width.
    Blank(f32),
}

#[derive(Debug, Clone)]
enum Item {
    Text { dx: f32, text: String, bold: bool },
    Blank { dx: f32, width: f32 },
}

#[derive(Debug, Clone, Default)]
struct Line {
    items: Vec<Item>,
    width: f32,
    /// The size it was measured at (0: the block's).
    size: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// A word (several runs when bold and plain touch without a space) or a blank.
enum Unit {
    Word(Vec<(String, bool)>),
    Space,
    Break,
    Blank(f32),
}

fn units(inlines: &[Inline]) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Break => out.push(Unit::Break),
            Inline::Blank(w) => out.push(Unit::Blank(*w)),
            Inline::Text { text, bold } => {
                for (i, piece) in text.split(|c: char| c.is_whitespace() && c != '\u{a0}').enumerate() {
                    if i > 0 && !matches!(out.last(), Some(Unit::Space)) {
                        out.push(Unit::Space);
                    }
                    if piece.is_empty() {
                        continue;
                    }
                    match out.last_mut() {
                        Some(Unit::Word(runs)) => runs.push((piece.to_owned(), *bold)),
                        _ => out.push(Unit::Word(vec![(piece.to_owned(), *bold)])),
                    }
                }
            }
        }
    }
    out
}

/// Breaks running text into lines no wider than `max`; a word wider than a line is cut.
fn wrap(faces: &Faces, inlines: &[Inline], max: f32, size: f32) -> Vec<Line> {
    let space = faces.width(" ", false, size);
    let mut lines = Vec::new();
    let mut line = Line::default();
    let mut pending_space = false;
    for unit in units(inlines) {
        match unit {
            Unit::Break => {
                lines.push(std::mem::take(&mut line));
                pending_space = false;
            }
            Unit::Space => pending_space = !line.items.is_empty(),
            Unit::Blank(width) => {
                let gap = if pending_space { space } else { 0.0 };
                if !line.items.is_empty() && line.width + gap + width > max {
                    lines.push(std::mem::take(&mut line));
                }
                let gap = if line.items.is_empty() { 0.0 } else { gap };
                line.items.push(Item::Blank { dx: line.width + gap, width: width.min(max) });
                line.width += gap + width.min(max);
                pending_space = false;
            }
            Unit::Word(runs) => {
                let width: f32 = runs.iter().map(|(t, b)| faces.width(t, *b, size)).sum();
                let gap = if pending_space { space } else { 0.0 };
                if !line.items.is_empty() && line.width + gap + width > max {
                    lines.push(std::mem::take(&mut line));
                }
                let mut x = line.width + if line.items.is_empty() { 0.0 } else { gap };
                for (text, bold) in runs {
                    let w = faces.width(&text, bold, size);
                    if x + w <= max {
                        line.items.push(Item::Text { dx: x, text, bold });
                        x += w;
                        continue;
                    }
                    // Too wide for what is left: cut it character by character.
                    let mut chunk = String::new();
                    for c in text.chars() {
                        let cw = faces.width(c.encode_utf8(&mut [0; 4]), bold, size);
                        if x + faces.width(&chunk, bold, size) + cw > max && (!chunk.is_empty() || x > 0.0) {
                            if !chunk.is_empty() {
                                line.items.push(Item::Text { dx: x, text: std::mem::take(&mut chunk), bold });
                            }
                            line.width = max;
                            lines.push(std::mem::take(&mut line));
                            x = 0.0;
                        }
                        chunk.push(c);
                    }
                    let w = faces.width(&chunk, bold, size);
                    line.items.push(Item::Text { dx: x, text: chunk, bold });
                    x += w;
                }
                line.width = x;
                pending_space = false;
            }
        }
    }
    if !line.items.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    for l in &mut lines {
        l.size = size;
    }
    lines
}

/// The page's measures, from its style sheet.
struct Style {
    css: Css,
    size: f32,
    leading: f32,
    top: f32,
    right: f32,
    bottom: f32,
    left: f32,
}

impl Style {
    fn new(css: Css) -> Self {
        let size = css.length("body", "font-size").unwrap_or(12.0);
        let leading = css.get("body", "line-height").and_then(|v| v.parse::<f32>().ok()).unwrap_or(1.3);
        let margins: Vec<f32> = css
            .get("@page", "margin")
            .map(|m| m.split_whitespace().filter_map(super::markup::points).collect())
            .unwrap_or_default();
        let [top, right, bottom, left] = match margins.as_slice() {
            [a] => [*a; 4],
            [v, h] => [*v, *h, *v, *h],
            [t, h, b] => [*t, *h, *b, *h],
            [t, r, b, l, ..] => [*t, *r, *b, *l],
            [] => [20.0 * MM; 4],
        };
        Self { css, size, leading, top, right, bottom, left }
    }

    /// Top and bottom margin of a block: its class's rule, else its tag's, else `fallback`.
    fn margins(&self, e: &Element, fallback: (f32, f32)) -> (f32, f32) {
        let class = e.class.split_whitespace().map(|c| format!(".{c}")).find(|c| self.css.get(c, "margin").is_some());
        let value = class.and_then(|c| self.css.get(&c, "margin")).or_else(|| self.css.get(&e.tag, "margin"));
        let mut top = fallback.0;
        let mut bottom = fallback.1;
        if let Some(v) = value {
            let parts: Vec<f32> = v.split_whitespace().map(|p| super::markup::points(p).unwrap_or(0.0)).collect();
            match parts.as_slice() {
                [a] | [a, _] => (top, bottom) = (*a, *a),
                [t, _, b, ..] => (top, bottom) = (*t, *b),
                [] => {}
            }
        }
        let single = |prop: &str| {
            e.class
                .split_whitespace()
                .find_map(|c| self.css.length(&format!(".{c}"), prop))
                .or_else(|| self.css.length(&e.tag, prop))
        };
        (single("margin-top").unwrap_or(top), single("margin-bottom").unwrap_or(bottom))
    }
}

/// Lays the blocks out on pages.
struct Layout<'a> {
    faces: &'a Faces,
    style: Style,
    pages: Vec<Vec<Op>>,
    y: f32,
    /// The margin still owed below the last block (collapsed with the next one's top).
    gap: f32,
}

impl Layout<'_> {
    fn width(&self) -> f32 {
        PAGE_W - self.style.left - self.style.right
    }

    fn floor(&self) -> f32 {
        PAGE_H - self.style.bottom
    }

    fn line_height(&self, size: f32) -> f32 {
        size * self.style.leading
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.style.top;
        self.gap = 0.0;
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a block: the collapsed margin above it, and a new page when `keep` does not fit.
    fn open(&mut self, top: f32, keep: f32) {
        let gap = self.gap.max(top);
        self.gap = 0.0;
        if self.y > self.style.top {
            self.y += gap;
        }
        if self.y + keep > self.floor() && self.y > self.style.top {
            self.new_page();
        }
    }

    fn close(&mut self, bottom: f32) {
        self.gap = bottom;
    }

    fn place(&mut self, line: &Line, x: f32, width: f32, align: Align, y: f32, size: f32) {
        let lh = self.line_height(size);
        let block_size = size;
        let size = if line.size > 0.0 { line.size } else { size };
        let x0 = match align {
            Align::Left => x,
            Align::Center => x + (width - line.width) / 2.0,
            Align::Right => x + width - line.width,
        };
        // DejaVu's ascent and descent are 0.928 and 0.236 of the size: centre them in the line.
        let baseline = y + (lh - block_size * 1.164) / 2.0 + block_size * 0.928;
        for item in &line.items {
            match item {
                Item::Text { dx, text, bold } => {
                    self.ops().push(Op::Text { x: x0 + dx, y: baseline, size, bold: *bold, text: text.clone() });
                }
                Item::Blank { dx, width } => self.ops().push(Op::Rule {
                    x1: x0 + dx,
                    y1: baseline + 1.5,
                    x2: x0 + dx + width,
                    y2: baseline + 1.5,
                }),
            }
        }
    }

    /// Running text in the full width, a line at a time, breaking pages between lines.
    fn flow(&mut self, lines: &[Line], x: f32, width: f32, align: Align, size: f32) {
        let lh = self.line_height(size);
        for line in lines {
            if self.y + lh > self.floor() && self.y > self.style.top {
                self.new_page();
            }
            self.place(line, x, width, align, self.y, size);
            self.y += lh;
        }
    }

    fn inlines(&self, e: &Element, bold: bool, out: &mut Vec<Inline>) {
        for n in &e.children {
            match n {
                Node::Text(text) => out.push(Inline::Text { text: text.clone(), bold }),
                Node::Element(child) => match child.tag.as_str() {
                    "br" => out.push(Inline::Break),
                    "span" if child.has_class("line") => {
                        let w = self.style.css.length(".line", "min-width").unwrap_or(30.0 * MM);
                        out.push(Inline::Blank(w));
                    }
                    "b" | "strong" | "th" => self.inlines(child, true, out),
                    _ => self.inlines(child, bold, out),
                },
            }
        }
    }

    fn paragraph(&mut self, e: &Element, size: f32, bold: bool, align: Align, fallback: (f32, f32)) {
        let mut inlines = Vec::new();
        self.inlines(e, bold, &mut inlines);
        let upper = self.style.css.get(&e.tag, "text-transform") == Some("uppercase");
        if upper {
            for i in &mut inlines {
                if let Inline::Text { text, .. } = i {
                    *text = text.to_uppercase();
                }
            }
        }
        let lines = wrap(self.faces, &inlines, self.width(), size);
        let (top, bottom) = self.style.margins(e, fallback);
        // A heading keeps two lines of what follows with it.
        let keep = if e.tag.starts_with('h') { 3.0 } else { 1.0 };
        self.open(top, self.line_height(size) * keep);
        self.flow(&lines, self.style.left, self.width(), align, size);
        self.close(bottom);
    }

    fn align_of(&self, e: &Element, default: Align) -> Align {
        let rule = e
            .class
            .split_whitespace()
            .find_map(|c| self.style.css.get(&format!(".{c}"), "text-align"))
            .or_else(|| self.style.css.get(&e.tag, "text-align"));
        match rule {
            Some("center") => Align::Center,
            Some("right") => Align::Right,
            Some("left") => Align::Left,
            _ => default,
        }
    }

    fn bold_of(&self, e: &Element) -> bool {
        e.class
            .split_whitespace()
            .find_map(|c| self.style.css.get(&format!(".{c}"), "font-weight"))
            .or_else(|| self.style.css.get(&e.tag, "font-weight"))
            == Some("bold")
    }

    fn block(&mut self, e: &Element) {
        let size = self.style.size;
        match e.tag.as_str() {
            "head" | "style" | "title" | "script" => {}
            "p" => {
                let align = self.align_of(e, Align::Left);
                let bold = self.bold_of(e);
                self.paragraph(e, size, bold, align, (size, size));
            }
            "h1" | "h2" | "h3" => {
                let factor = match e.tag.as_str() {
                    "h1" => 2.0,
                    "h2" => 1.5,
                    _ => 1.17,
                };
                let hsize = self.style.css.length(&e.tag, "font-size").unwrap_or(size * factor);
                let align = self.align_of(e, Align::Left);
                self.paragraph(e, hsize, true, align, (hsize * 0.67, hsize * 0.67));
            }
            "ol" | "ul" => self.list(e),
            "table" => self.table(e),
            "div" if e.has_class("approval") || e.has_class("meta") => self.columns(e),
            "div" if e.has_class("signatures") => self.signatures(e),
            _ => {
                let mut loose = Vec::new();
                for n in &e.children {
                    match n {
                        Node::Element(child) if !matches!(child.tag.as_str(), "b" | "span" | "br" | "i" | "strong") => {
                            self.loose_text(&mut loose, size);
                            self.block(child);
                        }
                        other => loose.push(other.clone()),
                    }
                }
                self.loose_text(&mut loose, size);
            }
        }
    }

    /// Text written straight into a container, as a paragraph of its own.
    fn loose_text(&mut self, loose: &mut Vec<Node>, size: f32) {
        let nodes = std::mem::take(loose);
        let e = Element { tag: "div".to_owned(), class: String::new(), children: nodes };
        if e.text().trim().is_empty() {
            return;
        }
        self.paragraph(&e, size, false, Align::Left, (0.0, 0.0));
    }

    /// Blocks laid side by side: the approval block (reviewed left, approved right) and the
    /// date/year line; the last one is set to the right.
    fn columns(&mut self, e: &Element) {
        let size = self.style.size;
        let parts: Vec<&Element> = e.elements().collect();
        if parts.is_empty() {
            return;
        }
        let total = self.width();
        let share = if e.has_class("approval") {
            self.style
                .css
                .get(".approval div", "width")
                .and_then(|w| w.strip_suffix('%'))
                .and_then(|w| w.parse::<f32>().ok())
        } else {
            None
        };
        let col_w = share.map_or(total, |pct| total * pct / 100.0);
        let laid: Vec<(Vec<Line>, Align)> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut inlines = Vec::new();
                self.inlines(p, false, &mut inlines);
                let align = if i + 1 == parts.len() && parts.len() > 1 { Align::Right } else { Align::Left };
                (wrap(self.faces, &inlines, col_w, size), align)
            })
            .collect();
        let lh = self.line_height(size);
        let rows = laid.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let (top, bottom) = self.style.margins(e, (0.0, 0.0));
        #[allow(clippy::cast_precision_loss)]
        self.open(top, lh * rows as f32);
        let y0 = self.y;
        for (i, (lines, align)) in laid.iter().enumerate() {
            let x = if *align == Align::Right { self.style.left + total - col_w } else { self.style.left };
            let _ = i;
            for (n, line) in lines.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                self.place(line, x, col_w, *align, y0 + lh * n as f32, size);
            }
        }
        #[allow(clippy::cast_precision_loss)]
        {
            self.y = y0 + lh * rows as f32;
        }
        self.close(bottom);
    }

    fn list(&mut self, e: &Element) {
        let size = self.style.size;
        let indent = self.style.css.length(&e.tag, "padding-left").unwrap_or(10.0 * MM);
        let (top, bottom) = self.style.margins(e, (size, size));
        self.open(top, self.line_height(size));
        let item_gap = self.style.css.length("li", "margin-bottom").unwrap_or(0.0);
        let x = self.style.left + indent;
        let width = self.width() - indent;
        for (n, li) in e.elements().filter(|c| c.tag == "li").enumerate() {
            let mut inlines = Vec::new();
            self.inlines(li, false, &mut inlines);
            let lines = wrap(self.faces, &inlines, width, size);
            let lh = self.line_height(size);
            if self.y + lh > self.floor() {
                self.new_page();
            }
            let marker = if e.tag == "ol" { format!("{}.", n + 1) } else { "•".to_owned() };
            let mw = self.faces.width(&marker, false, size);
            let marker_line =
                Line { items: vec![Item::Text { dx: 0.0, text: marker, bold: false }], width: mw, size: 0.0 };
            self.place(&marker_line, x - mw - 2.0 * MM, mw, Align::Left, self.y, size);
            self.flow(&lines, x, width, Align::Left, size);
            self.y += item_gap;
        }
        self.close(bottom);
    }

    fn signatures(&mut self, e: &Element) {
        let size = self.style.size;
        let (top, _) = self.style.margins(e, (0.0, 0.0));
        let row_gap = self.style.css.length(".signatures div", "margin-bottom").unwrap_or(0.0);
        let blank = self.style.css.length(".line", "min-width").unwrap_or(45.0 * MM);
        let lh = self.line_height(size);
        self.open(top, (lh + row_gap) * 2.0);
        let x = self.style.left;
        let total = self.width();
        for row in e.elements() {
            let spans: Vec<&Element> = row.elements().collect();
            let label = spans.first().map(|s| s.text()).unwrap_or_default();
            let name = spans.last().filter(|_| spans.len() > 2).map(|s| s.text()).unwrap_or_default();
            if self.y + lh > self.floor() {
                self.new_page();
            }
            let lw = self.faces.width(&label, false, size);
            let nw = self.faces.width(&name, false, size);
            let y = self.y;
            self.place(
                &Line { items: vec![Item::Text { dx: 0.0, text: label, bold: false }], width: lw, size: 0.0 },
                x,
                total,
                Align::Left,
                y,
                size,
            );
            self.place(
                &Line { items: vec![Item::Text { dx: 0.0, text: name, bold: false }], width: nw, size: 0.0 },
                x,
                total,
                Align::Right,
                y,
                size,
            );
            let middle = x + lw + (total - lw - nw - blank) / 2.0;
            self.place(
                &Line { items: vec![Item::Blank { dx: 0.0, width: blank }], width: blank, size: 0.0 },
                middle,
                blank,
                Align::Left,
                y,
                size,
            );
            self.y += lh + row_gap;
        }
        self.gap = 0.0;
    }

    fn table(&mut self, e: &Element) {
        let size = self.style.size;
        let lh = self.line_height(size);
        let padding: Vec<f32> = self
            .style
            .css
            .get("td", "padding")
            .map(|p| p.split_whitespace().filter_map(super::markup::points).collect())
            .unwrap_or_default();
        let (pad_v, pad_h) = match padding.as_slice() {
            [a] => (*a, *a),
            [v, h, ..] => (*v, *h),
            [] => (1.0 * MM, 1.5 * MM),
        };
        let rows_of = |section: Option<&Element>| -> Vec<Vec<Element>> {
            section
                .map(|s| s.elements().filter(|r| r.tag == "tr").map(|r| r.elements().cloned().collect()).collect())
                .unwrap_or_default()
        };
        let head = rows_of(e.elements().find(|c| c.tag == "thead"));
        let mut body = rows_of(e.elements().find(|c| c.tag == "tbody"));
        body.extend(rows_of(Some(e)));
        let columns = head.first().or_else(|| body.first()).map_or(0, Vec::len);
        if columns == 0 {
            return;
        }
        // Fixed widths from the colgroup; the others share what is left.
        let total = self.width();
        let declared: Vec<Option<f32>> = match e.elements().find(|c| c.tag == "colgroup") {
            Some(group) => group
                .elements()
                .filter(|c| c.tag == "col")
                .map(|c| {
                    c.class.split_whitespace().find_map(|class| self.style.css.length(&format!("col.{class}"), "width"))
                })
                .chain(std::iter::repeat(None))
                .take(columns)
                .collect(),
            None => vec![None; columns],
        };
        let fixed: f32 = declared.iter().flatten().sum();
        let free = declared.iter().filter(|w| w.is_none()).count().max(1);
        #[allow(clippy::cast_precision_loss)]
        let share = ((total - fixed) / free as f32).max(10.0 * MM);
        let widths: Vec<f32> = declared.iter().map(|w| w.unwrap_or(share)).collect();
        let lay_row = |this: &Self, cells: &[Element]| -> Vec<(Vec<Line>, Align)> {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let Some(cell) = cells.get(i) else { return (Vec::new(), Align::Left) };
                    let mut inlines = Vec::new();
                    this.inlines(cell, cell.tag == "th", &mut inlines);
                    let align = if cell.tag == "th" { Align::Center } else { Align::Left };
                    // A word a little wider than its narrow column (a date) is set a little
                    // smaller rather than cut, as a browser's narrower Times would fit it.
                    let inner = w - 2.0 * pad_h;
                    let widest = units(&inlines)
                        .iter()
                        .map(|u| match u {
                            Unit::Word(runs) => runs.iter().map(|(t, b)| this.faces.width(t, *b, size)).sum(),
                            _ => 0.0,
                        })
                        .fold(0.0_f32, f32::max);
                    let cell_size = if widest > inner { (size * inner / widest).max(size * 0.85) } else { size };
                    (wrap(this.faces, &inlines, inner, cell_size), align)
                })
                .collect()
        };
        let head: Vec<Vec<(Vec<Line>, Align)>> = head.iter().map(|r| lay_row(self, r)).collect();
        let rows: Vec<Vec<(Vec<Line>, Align)>> = body.iter().map(|r| lay_row(self, r)).collect();
        let height = |row: &[(Vec<Line>, Align)]| {
            #[allow(clippy::cast_precision_loss)]
            let n = row.iter().map(|(l, _)| l.len()).max().unwrap_or(0).max(1) as f32;
            n * lh + 2.0 * pad_v
        };
        let head_h: f32 = head.iter().map(|r| height(r)).sum();
        let first_h = rows.first().map_or(0.0, |r| height(r));
        let (top, bottom) = self.style.margins(e, (0.0, 2.0 * MM));
        self.open(top, head_h + first_h.min(lh * 2.0 + 2.0 * pad_v));
        let page_room = self.floor() - self.style.top - head_h;
        for row in &head {
            self.row(row, &widths, pad_v, pad_h, size);
        }
        for row in rows {
            let mut row = row;
            loop {
                let h = height(&row);
                let fits = self.y + h <= self.floor();
                // A row that fits on a page is not split (page-break-inside: avoid).
                if !fits && (h <= page_room || self.y + lh + 2.0 * pad_v > self.floor()) {
                    self.new_page();
                    for hr in &head {
                        self.row(hr, &widths, pad_v, pad_h, size);
                    }
                    if h <= page_room || self.y + h <= self.floor() {
                        continue;
                    }
                }
                if self.y + h <= self.floor() {
                    self.row(&row, &widths, pad_v, pad_h, size);
                    break;
                }
                // Taller than a page: as many lines as fit here, the rest on the next page.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let fit = (((self.floor() - self.y - 2.0 * pad_v) / lh).floor().max(1.0)) as usize;
                let (now, later): (Vec<_>, Vec<_>) = row
                    .into_iter()
                    .map(|(lines, align)| {
                        let cut = fit.min(lines.len());
                        let (a, b) = lines.split_at(cut);
                        ((a.to_vec(), align), (b.to_vec(), align))
                    })
                    .unzip();
                self.row(&now, &widths, pad_v, pad_h, size);
                row = later;
                self.new_page();
                for hr in &head {
                    self.row(hr, &widths, pad_v, pad_h, size);
                }
            }
        }
        self.close(bottom);
    }

    fn row(&mut self, row: &[(Vec<Line>, Align)], widths: &[f32], pad_v: f32, pad_h: f32, size: f32) {
        let lh = self.line_height(size);
        #[allow(clippy::cast_precision_loss)]
        let h = row.iter().map(|(l, _)| l.len()).max().unwrap_or(0).max(1) as f32 * lh + 2.0 * pad_v;
        let mut x = self.style.left;
        let y = self.y;
        for ((lines, align), w) in row.iter().zip(widths) {
            for (n, line) in lines.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                self.place(line, x + pad_h, w - 2.0 * pad_h, *align, y + pad_v + lh * n as f32, size);
            }
            for (x1, y1, x2, y2) in
                [(x, y, x + w, y), (x, y + h, x + w, y + h), (x, y, x, y + h), (x + w, y, x + w, y + h)]
            {
                self.ops().push(Op::Rule { x1, y1, x2, y2 });
            }
            x += w;
        }
        self.y += h;
    }
}

fn lay_out(faces: &Faces, html: &str) -> (Vec<Vec<Op>>, String) {
    let root = super::markup::parse(html);
    let css = Css::parse(&root.find("style").map(Element::text).unwrap_or_default());
    let title = root.find("title").map(Element::text).unwrap_or_default();
    let style = Style::new(css);
    let y = style.top;
    let mut layout = Layout { faces, style, pages: vec![Vec::new()], y, gap: 0.0 };
    match root.find("body") {
        Some(body) => layout.block(body),
        None => layout.block(&root),
    }
    (layout.pages, title)
}

/// The page as an A4 PDF in `language` (its metadata), laid out from its HTML.
///
/// # Errors
/// [`PdfError`] when a font cannot be read or the writer fails; neither depends on the input.
pub fn render(html: &str, language: &str) -> Result<Vec<u8>, PdfError> {
    let faces = Faces { regular: Face::new(SERIF)?, bold: Face::new(SERIF_BOLD)? };
    let (pages, title) = lay_out(&faces, html);
    let regular = Font::new(SERIF.into(), 0).ok_or_else(|| PdfError("DejaVu Serif".into()))?;
    let bold = Font::new(SERIF_BOLD.into(), 0).ok_or_else(|| PdfError("DejaVu Serif Bold".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language(language.to_owned())
            .creator("Usul".to_owned())
            .producer("krilla".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError("page size".into()))?;
    for ops in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, bold: is_bold, text } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    let font = if is_bold { bold.clone() } else { regular.clone() };
                    surface.draw_text(Point::from_xy(x, y), font, size, &text, false, TextDirection::Auto);
                }
                Op::Rule { x1, y1, x2, y2 } => {
                    let mut path = PathBuilder::new();
                    path.move_to(x1, y1);
                    path.line_to(x2, y2);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke { width: HAIRLINE, ..Stroke::default() }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces() -> Faces {
        match (Face::new(SERIF), Face::new(SERIF_BOLD)) {
            (Ok(regular), Ok(bold)) => Faces { regular, bold },
            _ => panic!("the embedded fonts load"),
        }
    }

    #[test]
    fn lines_break_between_words_within_the_width() {
        let f = faces();
        let text = "Мугалимдердин өз алдынча билим алуусу боюнча ачык сабактарды өткөрүү жана талкуулоо ".repeat(5);
        let lines = wrap(&f, &[Inline::Text { text, bold: false }], 200.0, 11.0);
        assert!(lines.len() > 3, "{}", lines.len());
        assert!(lines.iter().all(|l| l.width <= 200.0 + 0.01));
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        let f = faces();
        let lines = wrap(&f, &[Inline::Text { text: "ң".repeat(80), bold: true }], 100.0, 12.0);
        assert!(lines.len() > 1);
        let chars: usize = lines
            .iter()
            .flat_map(|l| &l.items)
            .map(|i| match i {
                Item::Text { text, .. } => text.chars().count(),
                Item::Blank { .. } => 0,
            })
            .sum();
        assert_eq!(chars, 80);
    }

    #[test]
    fn a_long_table_runs_on_over_pages_with_its_header_repeated() {
        let f = faces();
        let mut html = String::from(
            "<html><head><style>body { font-size: 11pt; } @page { margin: 15mm; }</style></head><body><table><thead><tr><th>№</th><th>Иш-чаралар</th></tr></thead><tbody>",
        );
        for n in 0..120 {
            html.push_str(&format!("<tr><td>{n}</td><td>Өңүттөр ү {n}</td></tr>"));
        }
        html.push_str("</tbody></table></body></html>");
        let (pages, _) = lay_out(&f, &html);
        assert!(pages.len() >= 3, "{}", pages.len());
        for page in &pages {
            let headers = page
                .iter()
                .filter(|op| matches!(op, Op::Text { text, bold: true, .. } if text == "Иш-чаралар"))
                .count();
            assert_eq!(headers, 1);
            assert!(page.iter().all(|op| match op {
                Op::Text { y, .. } => *y < PAGE_H - 15.0 * MM,
                Op::Rule { y2, .. } => *y2 <= PAGE_H - 15.0 * MM + 0.01,
            }));
        }
        let cells: usize =
            pages.iter().flatten().filter(|op| matches!(op, Op::Text { text, .. } if text.starts_with('Ө'))).count();
        assert_eq!(cells, 120);
    }
}
