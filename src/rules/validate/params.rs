//! Checks of the model parameters that the rule database's `[model]` and a
//! policy's `[model]` override share, so that both refuse the same values.
//! Each returns the reason a value is refused; the caller locates it and
//! gives it the code of its own format (`R030`, `P003`...).

use crate::model::risk::{Thresholds, Weights};

/// The weights of D1..D6: finite, non-negative, with a positive sum (the
/// exposure divides by it).
pub fn weights(w: &Weights) -> Result<(), &'static str> {
    let ws = w.all();
    if ws.iter().any(|x| !x.is_finite() || *x < 0.0) || ws.iter().sum::<f64>() <= 0.0 {
        return Err("weights must be non-negative with a positive sum");
    }
    Ok(())
}

/// The level thresholds on exposure × impact (0..16): they rise, so every
/// score has exactly one level.
pub fn thresholds(t: &Thresholds) -> Result<(), &'static str> {
    if !(0.0 < t.medium && t.medium < t.high && t.high < t.critical && t.critical <= 16.0) {
        return Err("thresholds must rise: 0 < medium < high < critical <= 16");
    }
    Ok(())
}

/// The open-source share target: a share.
pub fn oss_target(x: f64) -> Result<(), &'static str> {
    if !(0.0..=1.0).contains(&x) {
        return Err("oss_target is a share between 0 and 1");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Weights = Weights {
        d1: 20.0,
        d2: 15.0,
        d3: 10.0,
        d4: 15.0,
        d5: 15.0,
        d6: 10.0,
    };

    #[test]
    fn weights_must_be_non_negative_with_a_positive_sum() {
        assert_eq!(weights(&W), Ok(()));
        assert_eq!(weights(&Weights { d2: 0.0, ..W }), Ok(()));
        for bad in [
            Weights { d3: -1.0, ..W },
            Weights { d6: f64::NAN, ..W },
            Weights {
                d1: f64::INFINITY,
                ..W
            },
            Weights {
                d1: 0.0,
                d2: 0.0,
                d3: 0.0,
                d4: 0.0,
                d5: 0.0,
                d6: 0.0,
            },
        ] {
            assert!(weights(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn thresholds_must_rise_within_the_score_range() {
        let t = |medium, high, critical| Thresholds {
            medium,
            high,
            critical,
        };
        assert_eq!(thresholds(&t(2.0, 4.0, 8.0)), Ok(()));
        assert_eq!(thresholds(&t(2.0, 4.0, 16.0)), Ok(()));
        for bad in [
            t(0.0, 4.0, 8.0),
            t(4.0, 4.0, 8.0),
            t(2.0, 8.0, 4.0),
            t(2.0, 4.0, 16.5),
            t(f64::NAN, 4.0, 8.0),
        ] {
            assert!(thresholds(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn oss_target_is_a_share() {
        for ok in [0.0, 0.7, 1.0] {
            assert_eq!(oss_target(ok), Ok(()));
        }
        for bad in [-0.1, 1.5, f64::NAN] {
            assert!(oss_target(bad).is_err(), "{bad}");
        }
    }
}
