//! The laid-out pages as a PDF/A-2b file, written by krilla: the two
//! embedded fonts (subsetted by krilla), text as real text (selectable and
//! searchable), rectangles and lines as vector paths, the document outline
//! and the title in the metadata. krilla validates PDF/A-2b while it writes
//! and fails rather than write a file that breaks it.

use super::layout::{BOLD, Op, OutlineEntry, PAGE_H, PAGE_W, REGULAR};
use crate::report::palette::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Data, Document, SerializeSettings};
use std::sync::Arc;

/// What the PDF says about itself.
pub struct Info {
    pub title: String,
    pub language: &'static str,
    /// The creation date (PDF/A requires one): the scan's day.
    pub date: (u16, u8, u8),
}

fn font(bytes: &'static [u8]) -> Result<Font, String> {
    let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
    Font::new(Data::from(data), 0).ok_or_else(|| "the embedded font does not load".to_owned())
}

fn colour(hex: &str) -> krilla::color::rgb::Color {
    let (r, g, b) = rgb(hex);
    krilla::color::rgb::Color::new(r, g, b)
}

/// The PDF of `pages` (ops in points from the page's top left).
pub fn pdf(pages: &[Vec<Op>], outline: &[OutlineEntry], info: Info) -> Result<Vec<u8>, String> {
    let settings = SerializeSettings {
        configuration: krilla::configure::Configuration::new_with_validator(
            krilla::configure::Validator::A2_B,
        ),
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let fonts = [font(REGULAR)?, font(BOLD)?];
    for ops in pages {
        let mut page = doc.start_page_with(
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the page size is not valid")?,
        );
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, &fonts);
        }
        surface.finish();
        page.finish();
    }
    let mut tree = Outline::new();
    for (text, page, y) in outline {
        let dest = krilla::destination::XyzDestination::new(*page, Point::from_xy(0.0, *y));
        tree.push_child(OutlineNode::new(text.clone(), dest));
    }
    doc.set_outline(tree);
    doc.set_metadata(
        Metadata::new()
            .title(info.title)
            .language(info.language.to_owned())
            .creator(format!("sovscan {}", env!("CARGO_PKG_VERSION")))
            .creation_date(
                krilla::metadata::DateTime::new(info.date.0)
                    .month(info.date.1)
                    .day(info.date.2),
            ),
    );
    doc.finish().map_err(|e| format!("{e:?}"))
}

fn fill(hex: &str) -> Fill {
    Fill {
        paint: colour(hex).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface, op: &Op, fonts: &[Font; 2]) {
    match op {
        Op::Text { x, y, style, text } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(style.colour)));
            let font = fonts[usize::from(style.bold)].clone();
            surface.draw_text(
                Point::from_xy(*x, *y),
                font,
                style.size,
                text,
                false,
                TextDirection::LeftToRight,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill: f,
        } => {
            let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(f)));
                surface.draw_path(&path);
            }
        }
        Op::Stroke {
            points,
            width,
            colour: c,
            dash,
        } => {
            let mut pb = PathBuilder::new();
            for (i, (px, py)) in points.iter().enumerate() {
                if i == 0 {
                    pb.move_to(*px, *py);
                } else {
                    pb.line_to(*px, *py);
                }
            }
            let Some(path) = pb.finish() else { return };
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                paint: colour(c).into(),
                width: *width,
                dash: dash.map(|(on, off)| StrokeDash {
                    array: vec![on, off],
                    offset: 0.0,
                }),
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
}
