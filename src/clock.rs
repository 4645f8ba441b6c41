//! The site's idea of "now" and "today". What visitors see depends on the day in Berlin: news
//! scheduled for a date appear on it, events count down ("in 3 Tagen"). The clock is the
//! system's; a rehearsal (the tests) may start the site on a clock it can move forward, to see
//! what the site shows on a later day without waiting for it.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use tokio::sync::watch;

#[derive(Clone, Default)]
pub struct Clock {
    /// How many seconds a movable clock is ahead of the system's; `None` for the system clock.
    ahead_by_seconds: Option<Arc<watch::Sender<i64>>>,
}

/// Tells one listener when the clock was moved.
pub struct ClockMoves(Option<watch::Receiver<i64>>);

impl ClockMoves {
    /// Returns when the clock was moved since the last call; never for the system clock.
    pub async fn next(&mut self) {
        let moved = match &mut self.0 {
            Some(receiver) => receiver.changed().await.is_ok(),
            None => false,
        };
        if !moved {
            std::future::pending::<()>().await;
        }
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that starts at the system's time and can be moved forward with [`Clock::advance`].
    pub fn movable() -> Self {
        Self {
            ahead_by_seconds: Some(Arc::new(watch::Sender::new(0))),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        match &self.ahead_by_seconds {
            Some(ahead) => now + chrono::Duration::seconds(*ahead.borrow()),
            None => now,
        }
    }

    /// The date in Berlin, where the office is and whose calendar the site follows.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Berlin).date_naive()
    }

    /// Moves a movable clock forward by `by` (the system clock is left alone) and tells every
    /// [`ClockMoves`].
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(ahead) = &self.ahead_by_seconds {
            ahead.send_modify(|seconds| *seconds += by.num_seconds());
        }
    }

    /// Moves of this clock, for one listener.
    pub fn moves(&self) -> ClockMoves {
        ClockMoves(
            self.ahead_by_seconds
                .as_ref()
                .map(|ahead| ahead.subscribe()),
        )
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ahead_by_seconds {
            None => formatter.write_str("Clock::system"),
            Some(ahead) => write!(formatter, "Clock::movable({}s ahead)", *ahead.borrow()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_movable_clock_moves_and_the_system_clock_does_not() {
        let system = Clock::system();
        system.advance(chrono::Duration::days(3));
        assert!((system.now() - Utc::now()).num_seconds().abs() < 5);

        let movable = Clock::movable();
        movable.advance(chrono::Duration::days(3));
        let ahead = movable.now() - Utc::now();
        assert!(ahead > chrono::Duration::hours(71) && ahead < chrono::Duration::hours(73));
    }
}
