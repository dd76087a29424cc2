//! When messages go out. Everything waits for the structure's sending hours (local time,
//! 09:00–19:00 unless the structure says otherwise); an SMS also never goes out from 22:00
//! to 08:00, on a Sunday or on a public holiday (French national ones; the local holidays
//! of Alsace-Moselle are not known).

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::ToSpan;

/// Easter Sunday of a Gregorian year (the "anonymous" algorithm, Meeus/Jones/Butcher).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    jiff::civil::date(year, month as i8, day as i8)
}

/// The eleven national public holidays of France.
pub fn is_public_holiday(d: Date) -> bool {
    const FIXED: &[(i8, i8)] = &[
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    if FIXED.contains(&(d.month(), d.day())) {
        return true;
    }
    let easter = easter(d.year());
    // Easter Monday, Ascension Thursday, Whit Monday.
    [1, 39, 50]
        .iter()
        .any(|days| easter.checked_add(days.days()).ok() == Some(d))
}

/// Hours within which something may go out: from `from` (included) to `until` (excluded),
/// and whether Sundays and public holidays are excluded.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub from: i8,
    pub until: i8,
    pub rest_days: bool,
}

impl Window {
    /// The structure's sending hours (e-mails).
    pub fn sending(from: i64, until: i64) -> Window {
        Window {
            from: from.clamp(0, 23) as i8,
            until: until.clamp(1, 24) as i8,
            rest_days: false,
        }
    }

    /// SMS: inside the sending hours, never at night, on Sundays or public holidays.
    pub fn sms(from: i64, until: i64) -> Window {
        let w = Window::sending(from, until);
        Window {
            from: w.from.max(8),
            until: w.until.min(22),
            rest_days: true,
        }
    }
}

/// The first moment at or after `t` inside the window.
pub fn next_slot(t: DateTime, w: Window) -> DateTime {
    let opening = |d: Date| d.to_datetime(jiff::civil::time(w.from, 0, 0, 0));
    let mut t = t;
    // A window is never closed more than a few days running; a year is a safe bound.
    for _ in 0..366 {
        let date = t.date();
        let closed_day =
            w.rest_days && (date.weekday() == Weekday::Sunday || is_public_holiday(date));
        if closed_day || t.hour() >= w.until {
            t = opening(date.tomorrow().unwrap_or(date));
        } else if t.hour() < w.from {
            return opening(date);
        } else {
            return t;
        }
    }
    t
}

/// The same on instants (seconds since 1970), in a structure's time zone.
pub fn next_slot_at(seconds: i64, zone: &str, w: Window) -> i64 {
    let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let Ok(t) = jiff::Timestamp::from_second(seconds) else {
        return seconds;
    };
    let local = t.to_zoned(zone.clone()).datetime();
    let slot = next_slot(local, w);
    if slot == local {
        return seconds;
    }
    slot.to_zoned(zone)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, datetime};

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
        assert!(is_public_holiday(date(2026, 4, 6)), "Easter Monday");
        assert!(is_public_holiday(date(2026, 5, 14)), "Ascension");
        assert!(is_public_holiday(date(2026, 5, 25)), "Whit Monday");
        assert!(is_public_holiday(date(2026, 11, 11)));
        assert!(!is_public_holiday(date(2026, 11, 12)));
    }

    #[test]
    fn sms_wait_for_morning_and_skip_sundays_and_holidays() {
        let sms = Window::sms(9, 19);
        // Saturday 21 November 2026 at 20:00: after hours; Sunday is closed: Monday 9:00.
        assert_eq!(
            next_slot(datetime(2026, 11, 21, 20, 0, 0, 0), sms),
            datetime(2026, 11, 23, 9, 0, 0, 0)
        );
        // Tuesday 10 November at 23:30: Wednesday 11 is a holiday: Thursday 9:00.
        assert_eq!(
            next_slot(datetime(2026, 11, 10, 23, 30, 0, 0), sms),
            datetime(2026, 11, 12, 9, 0, 0, 0)
        );
        // Inside the window: unchanged.
        let t = datetime(2026, 11, 24, 14, 5, 0, 0);
        assert_eq!(next_slot(t, sms), t);
        // Even with sending hours 0–24, an SMS never leaves at night.
        assert_eq!(
            next_slot(datetime(2026, 11, 24, 6, 0, 0, 0), Window::sms(0, 24)),
            datetime(2026, 11, 24, 8, 0, 0, 0)
        );
    }

    #[test]
    fn e_mails_wait_for_the_sending_hours_but_go_on_sundays() {
        let mail = Window::sending(9, 19);
        assert_eq!(
            next_slot(datetime(2026, 11, 22, 7, 0, 0, 0), mail),
            datetime(2026, 11, 22, 9, 0, 0, 0)
        );
        assert_eq!(
            next_slot(datetime(2026, 11, 22, 19, 0, 0, 0), mail),
            datetime(2026, 11, 23, 9, 0, 0, 0)
        );
    }
}
