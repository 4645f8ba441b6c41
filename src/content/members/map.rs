//! Where a position lies on the map of Germany the members page draws. The outline
//! (`germany-outline.txt`, made by `tests/tools/make-germany-outline.py` from Natural Earth)
//! starts with the box it was projected into; markers use the same projection, so they land
//! where the outline says.

use std::sync::LazyLock;

use crate::content::members::Position;

/// The outline file: its box in degrees and in map units, and the SVG path of its rings.
pub struct Outline {
    west: f64,
    north: f64,
    pub width: u32,
    pub height: u32,
    pub path: &'static str,
}

/// Map units per degree of latitude; a degree of longitude is shorter by the cosine of the
/// latitude in the middle of Germany (the same numbers as in the script).
const SCALE: f64 = 100.0;
const MIDDLE_LATITUDE: f64 = 51.0;

pub static OUTLINE: LazyLock<Outline> = LazyLock::new(|| {
    let text = include_str!("germany-outline.txt");
    let (header, path) = text.split_once('\n').unwrap_or_default();
    let numbers: Vec<f64> = header
        .split_whitespace()
        .filter_map(|number| number.parse().ok())
        .collect();
    let number = |index: usize| numbers.get(index).copied().unwrap_or_default();
    Outline {
        west: number(0),
        north: number(3),
        width: number(4) as u32,
        height: number(5) as u32,
        path: path.trim(),
    }
});

impl Outline {
    /// The point on the map for `position`, in map units from the top left corner.
    pub fn project(&self, position: Position) -> (f64, f64) {
        let x = (position.longitude - self.west) * MIDDLE_LATITUDE.to_radians().cos() * SCALE;
        let y = (self.north - position.latitude) * SCALE;
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_file_has_its_box_and_path() {
        assert!(OUTLINE.width > 500 && OUTLINE.height > 700);
        assert!(OUTLINE.path.starts_with('M') && OUTLINE.path.ends_with('Z'));
    }

    #[test]
    fn hannover_lies_north_of_kassel_and_east_of_bremen() {
        let at = |latitude, longitude| {
            OUTLINE.project(Position {
                latitude,
                longitude,
            })
        };
        let hannover = at(52.3759, 9.7320);
        let kassel = at(51.3127, 9.4797);
        let bremen = at(53.0793, 8.8017);
        assert!(hannover.1 < kassel.1, "smaller y is further north");
        assert!(hannover.0 > bremen.0);
        let width = f64::from(OUTLINE.width);
        assert!((0.0..width).contains(&hannover.0));
    }
}
