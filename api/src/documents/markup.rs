//! Reads back the small HTML subset the document builders write (and its style sheet), so the
//! PDF is laid out from the very page the HTML endpoint serves: the two cannot say different
//! things.

/// A node of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element with its children.
    Element(Element),
    /// Text, entities decoded, whitespace as written.
    Text(String),
}

/// An element: its tag, its `class` and its children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub tag: String,
    pub class: String,
    pub children: Vec<Node>,
}

impl Element {
    /// The child elements, text left out.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first element with this tag, depth first.
    #[must_use]
    pub fn find(&self, tag: &str) -> Option<&Element> {
        self.elements().find_map(|e| if e.tag == tag { Some(e) } else { e.find(tag) })
    }

    /// All the text inside, concatenated.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => out.push_str(&e.text()),
            }
        }
        out
    }

    /// Whether the `class` attribute names `class`.
    #[must_use]
    pub fn has_class(&self, class: &str) -> bool {
        self.class.split_whitespace().any(|c| c == class)
    }
}

const VOID: [&str; 5] = ["br", "meta", "col", "link", "img"];

/// Parses the page into a tree under a synthetic `root` element. Unclosed elements are closed
/// at the end; a stray closing tag closes up to its match, or is ignored.
#[must_use]
pub fn parse(html: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element { tag: "root".to_owned(), ..Element::default() }];
    let mut rest = html;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            push_text(&mut stack, &rest[open..]);
            break;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if stack.iter().skip(1).any(|e| e.tag == name) {
                while let Some(top) = stack.pop() {
                    let done = top.tag == name;
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(Node::Element(top));
                    }
                    if done {
                        break;
                    }
                }
            }
            continue;
        }
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        let class = attribute(&tag[name_end..], "class").unwrap_or_default();
        let element = Element { tag: name, class, children: Vec::new() };
        if VOID.contains(&element.tag.as_str()) {
            if let Some(parent) = stack.last_mut() {
                parent.children.push(Node::Element(element));
            }
        } else {
            stack.push(element);
        }
    }
    while stack.len() > 1 {
        if let Some(top) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(Node::Element(top));
        }
    }
    stack.pop().unwrap_or_default()
}

fn push_text(stack: &mut [Element], raw: &str) {
    if raw.is_empty() {
        return;
    }
    if let Some(top) = stack.last_mut() {
        top.children.push(Node::Text(unescape(raw)));
    }
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = attrs.find(&key)? + key.len();
    let end = attrs[start..].find('"')? + start;
    Some(unescape(&attrs[start..end]))
}

/// Decodes the entities [`super::escape`] writes, and numeric ones.
#[must_use]
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One rule of a style sheet: its selectors and its `property: value` declarations.
type Rule = (Vec<String>, Vec<(String, String)>);

/// The style sheet of the page, read as `selector { property: value; … }` rules.
#[derive(Debug, Default)]
pub struct Css(Vec<Rule>);

impl Css {
    /// Reads the rules; `@media` blocks are skipped.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut rules = Vec::new();
        for chunk in text.split('}') {
            let Some((selectors, body)) = chunk.split_once('{') else { continue };
            let selectors: Vec<String> = selectors.split(',').map(|s| s.trim().to_owned()).collect();
            if selectors.iter().any(|s| s.starts_with("@media")) {
                continue;
            }
            let decls = body
                .split(';')
                .filter_map(|d| d.split_once(':'))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            rules.push((selectors, decls));
        }
        Self(rules)
    }

    /// The value the last rule naming `selector` gives `property`.
    #[must_use]
    pub fn get(&self, selector: &str, property: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .filter(|(sel, _)| sel.iter().any(|s| s == selector))
            .find_map(|(_, decls)| decls.iter().rev().find(|(k, _)| k == property).map(|(_, v)| v.as_str()))
    }

    /// A length in points (`pt`, `mm`, `px`), if the property is one.
    #[must_use]
    pub fn length(&self, selector: &str, property: &str) -> Option<f32> {
        self.get(selector, property).and_then(points)
    }
}

/// A CSS length in PDF points: `11.5pt`, `20mm`, `1px`.
#[must_use]
pub fn points(value: &str) -> Option<f32> {
    let value = value.trim();
    let (number, factor) = if let Some(n) = value.strip_suffix("pt") {
        (n, 1.0)
    } else if let Some(n) = value.strip_suffix("mm") {
        (n, 72.0 / 25.4)
    } else if let Some(n) = value.strip_suffix("px") {
        (n, 0.75)
    } else {
        (value, 1.0)
    };
    number.trim().parse::<f32>().ok().map(|n| n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_reads_back_as_a_tree_with_entities_decoded() {
        let root = parse(
            "<!DOCTYPE html>\n<html><body><p class=\"school\">«Ак-Жол» &amp; ңөү</p><br><ol><li>a &lt;b&gt;</li></ol></body></html>",
        );
        let body = root.find("body");
        assert!(body.is_some());
        let p = root.find("p");
        assert_eq!(p.map(Element::text).as_deref(), Some("«Ак-Жол» & ңөү"));
        assert!(p.is_some_and(|p| p.has_class("school")));
        assert_eq!(root.find("li").map(Element::text).as_deref(), Some("a <b>"));
    }

    #[test]
    fn the_style_sheet_gives_the_last_value_and_lengths_in_points() {
        let css = Css::parse(
            "@page { size: A4; margin: 20mm 18mm; }\nh2 { font-size: 13pt; }\nh2 { font-size: 12pt; } col.n { width: 8mm; }",
        );
        assert_eq!(css.get("h2", "font-size"), Some("12pt"));
        assert_eq!(css.get("@page", "margin"), Some("20mm 18mm"));
        assert!(css.length("col.n", "width").is_some_and(|w| (w - 22.677).abs() < 0.01));
        assert_eq!(unescape("&#39;x&#x4e;&bogus"), "'xN&bogus");
    }
}
