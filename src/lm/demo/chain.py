"""The callers' futures as explicit laws: when a next call happens and what the line does at any time.

Every law here is a known function of what is known at a call's end, so that the generator draws from it
(:mod:`lm.demo.calls`) and the truth (:mod:`lm.demo.truth`) computes probabilities with it:

* :func:`expected_load`: the line's load at a moment is the calendar's expected inbound volume of that
  hour against the staff on shift (not the realised count), so a future call's status law is known;
* :func:`next_law`: the probabilities of each kind of next call (none, retry, follow-up, return,
  callback) after a finished call, by how it ended;
* :class:`Delays`: the start time of the next call of each kind: a retry 60 s + exponential after the
  end; a follow-up / return on a day offset with geometric-like weights times the target day's volume
  (weekday, holiday), at an hour from that day's profile; a callback the same day (later) or within two
  days, in opening hours. Each has a closed-form CDF (:meth:`Delays.cdf`) and draws, free or truncated
  to a deadline (:meth:`Delays.draw`).
"""

from __future__ import annotations

import numpy as np

from lm.demo import behaviour as b
from lm.demo.behaviour import GeneratorConfig
from lm.demo.calendar import calendar, growth
from lm.demo.sampling import DAY

# hour profiles: 0 inbound on a weekday, 1 inbound on a weekend or holiday, 2 outbound (opening hours)
_PROFILES = np.stack([b.HOURS_WEEKDAY, b.HOURS_WEEKEND, b.HOURS_OUTBOUND]).astype(float)
_PROFILES /= _PROFILES.sum(axis=1, keepdims=True)
_CUM = np.concatenate([np.zeros((3, 1)), np.cumsum(_PROFILES, axis=1)], axis=1)  # _CUM[p, h] = P(hour < h)
_CUM[:, -1] = 1.0
PROFILE_WEEKDAY, PROFILE_WEEKEND, PROFILE_OUTBOUND = 0, 1, 2


def _tod_table() -> np.ndarray:
    s = np.arange(DAY + 1)
    h = s // 3600
    return (_CUM[:, h] + _PROFILES[:, np.minimum(h, 23)] * (s % 3600) / 3600.0).ravel()


_TOD_BELOW = _tod_table()  # [profile * (DAY + 1) + s]


def tod_below(profile: np.ndarray, s: np.ndarray) -> np.ndarray:
    """P(time of day < s) for integer seconds s in [0, 86400] (an hour from the profile, then uniform seconds)."""
    return _TOD_BELOW[np.asarray(profile) * (DAY + 1) + np.asarray(s, np.int64).clip(0, DAY)]


def tod_draw(profile: np.ndarray, u: np.ndarray, lo: np.ndarray | int = 0, hi: np.ndarray | int = DAY) -> np.ndarray:
    """A time of day (integer s) from the profile, truncated to lo <= tod < hi (the range must have mass)."""
    g_lo, g_hi = tod_below(profile, lo), tod_below(profile, hi)
    v = g_lo + u * (g_hi - g_lo)
    flat = (_CUM + 2.0 * np.arange(3)[:, None]).ravel()
    h = (np.searchsorted(flat, v + 2.0 * profile, side="right") - 1 - 25 * profile).clip(0, 23)
    width = _PROFILES[profile, h]
    frac = np.where(width > 0, (v - _CUM[profile, h]) / np.where(width > 0, width, 1.0), 0.0)
    tod = h * 3600 + np.floor(frac * 3600).astype(np.int64).clip(0, 3599)
    return np.clip(tod, lo, np.asarray(hi) - 1)


def day_weight(days: np.ndarray) -> np.ndarray:
    """Relative volume of a day: the weekday factor, holidays quiet."""
    weekday, holiday, _, _ = calendar(days)
    return b.WEEKDAY[weekday] * np.where(holiday, b.HOLIDAY_VOLUME, 1.0)


def inbound_profile(days: np.ndarray) -> np.ndarray:
    weekday, holiday, _, _ = calendar(days)
    return np.where((weekday >= 5) | holiday, PROFILE_WEEKEND, PROFILE_WEEKDAY)


def expected_load(cfg: GeneratorConfig, ts: np.ndarray) -> np.ndarray:
    """The line's load at each moment: the calendar's expected inbound calls of that hour / the staff's capacity."""
    slot = ts // 3600
    if len(slot) > 64:  # many calls in few hours: the load of the hour range, looked up
        first = int(slot.min())
        span = np.arange(first, int(slot.max()) + 1, dtype=np.int64)
        if len(span) < len(slot):
            return _hourly_load(cfg, span)[slot - first]
    return _hourly_load(cfg, slot)


def _hourly_load(cfg: GeneratorConfig, slot: np.ndarray) -> np.ndarray:
    days = slot // 24
    hour = slot % 24
    weekday, holiday, campaign, doy = calendar(days)
    weekend_like = (weekday >= 5) | holiday
    season = 1.0 + 0.07 * np.cos(2 * np.pi * (doy - 40) / 365.25)
    per_day = (
        cfg.calls_per_day
        * b.WEEKDAY[weekday]
        * growth(days, cfg)
        * season
        * np.where(holiday, b.HOLIDAY_VOLUME, 1.0)
        * np.where(campaign, 1.05, 1.0)
    )
    open_hours = (hour >= b.OPENING_HOURS[0]) & (hour < b.OPENING_HOURS[1])
    per_hour = per_day * _PROFILES[np.where(weekend_like, 1, 0), hour] * np.where(open_hours, b.INBOUND_SHARE_OPEN, 1.0)
    capacity = cfg.calls_per_day * 0.11 * growth(days, cfg) ** 0.6 * np.where(weekend_like, 0.55, 1.0)
    return per_hour / capacity


def next_law(
    answered: np.ndarray,
    inbound: np.ndarray,
    open_hours: np.ndarray,
    line_problem: np.ndarray,
    long_wait: np.ndarray,
    state: np.ndarray,
    promised_callback: np.ndarray,
    waited_long: np.ndarray,
    repeat_line: np.ndarray,
) -> np.ndarray:
    """(rows, 5): probability of each kind of next call (NEXT_KINDS order) after a finished call."""
    n = len(answered)
    p = np.zeros((n, 5))
    unanswered = b.NEXT_UNANSWERED

    def put(rows: np.ndarray, values: tuple[float, ...]) -> None:
        p[rows, 1:] = values

    put(~answered & inbound, unanswered["inbound"])
    put(~answered & inbound & long_wait, unanswered["long_wait"])
    put(~answered & inbound & ~open_hours, unanswered["closed"])
    put(~answered & line_problem, unanswered["line"])
    put(~answered & ~inbound, unanswered["outbound"])
    p[answered, 1:] = b.NEXT_ANSWERED[state[answered]]
    p[answered & promised_callback, b.NEXT_CALLBACK] += b.NEXT_PROMISED_CALLBACK
    p[answered & waited_long, b.NEXT_RETURN] *= b.NEXT_LONG_WAIT_RETURN
    p[answered & repeat_line, b.NEXT_RETURN] *= b.NEXT_REPEAT_LINE_RETURN
    total = p[:, 1:].sum(axis=1)
    scale = np.where(total > b.NEXT_MAX, b.NEXT_MAX / np.maximum(total, 1e-12), 1.0)
    p[:, 1:] *= scale[:, None]
    p[:, 0] = 1.0 - p[:, 1:].sum(axis=1)
    return p


class _DayTable:
    """A day-offset law k in [k0, k1] with weights w(k) x day_weight(start_day + k), per start day."""

    def __init__(self, first_day: int, last_day: int, k_range: tuple[int, int], scale: float) -> None:
        k0, k1 = k_range
        self.first_day, self.k1 = first_day, k1
        start = np.arange(first_day, last_day + 1, dtype=np.int64)
        k = np.arange(k1 + 1)
        base = np.where(k >= k0, np.exp(-(k - k0) / scale), 0.0)
        targets = np.arange(first_day, last_day + k1 + 1, dtype=np.int64)
        weight = day_weight(targets)
        idx = (start - first_day)[:, None] + k[None, :]
        pmf = base[None, :] * weight[idx]
        pmf /= pmf.sum(axis=1, keepdims=True)
        self.pmf = pmf
        self.cum = np.cumsum(pmf, axis=1)  # cum[i, k] = P(offset <= k)
        self.cum[:, -1] = 1.0
        self.n_cols = k1 + 1

    def rows(self, day: np.ndarray) -> np.ndarray:
        i = day - self.first_day
        if len(i) and (i.min() < 0 or i.max() >= len(self.pmf)):
            raise ValueError("a day outside the delay table's range")
        return i

    def below(self, i: np.ndarray, k: np.ndarray) -> np.ndarray:
        """P(offset < k)."""
        kk = np.clip(k - 1, 0, self.k1)
        return np.where(k <= 0, 0.0, np.where(k > self.k1, 1.0, self.cum[i, kk]))

    def at(self, i: np.ndarray, k: np.ndarray) -> np.ndarray:
        inside = (k >= 0) & (k <= self.k1)
        return np.where(inside, self.pmf[i, np.clip(k, 0, self.k1)], 0.0)

    def draw(self, i: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The offset k with P(offset < k) <= v < P(offset <= k), v in [0, 1)."""
        flat = (self.cum + np.arange(len(self.cum))[:, None]).ravel()
        pos = np.searchsorted(flat, v + i, side="right") - i * self.n_cols
        return pos.clip(0, self.k1)


class Delays:
    """Start times of next calls (epoch s) from a call's end, for calls ending on days [first_day, last_day]."""

    def __init__(self, first_day: int, last_day: int) -> None:
        self.follow_up = _DayTable(first_day, last_day, b.FOLLOW_UP_DAYS, b.FOLLOW_UP_SCALE)
        self.returning = _DayTable(first_day, last_day, b.RETURN_DAYS, b.RETURN_SCALE)
        self.callback_w = np.array(b.CALLBACK_DAY_WEIGHTS, float)

    # -- callbacks: k in {0, 1, 2} x the day's weight, the same day only after the end + a gap ---------------
    def _callback_mass(self, end: np.ndarray) -> np.ndarray:
        """(rows, 3) unnormalised weight of each day offset."""
        lo = end % DAY + b.CALLBACK_MIN_GAP_SEC
        out = np.full(len(end), PROFILE_OUTBOUND)
        same_day = self.callback_w[0] * (1.0 - tod_below(out, lo))
        mass = np.tile(self.callback_w, (len(end), 1))
        mass[:, 0] = same_day
        end_day = end // DAY
        for k in range(3):  # fewer callbacks on quiet days (weekends, holidays)
            mass[:, k] *= day_weight(end_day + k)
        return mass

    # -- the CDF ---------------------------------------------------------------------------------------------
    def cdf(self, kind: int, end: np.ndarray, deadline: np.ndarray) -> np.ndarray:
        """P(next call's start <= deadline | a next call of `kind` after a call that ended at `end`)."""
        if kind == b.NEXT_RETRY:
            room = deadline - end - b.RETRY_MIN_SEC + 1
            return np.where(room > 0, -np.expm1(-np.maximum(room, 0) / b.RETRY_MEAN_SEC), 0.0)
        end_day, dl_day, dl_tod = end // DAY, deadline // DAY, deadline % DAY
        k = dl_day - end_day
        if kind == b.NEXT_CALLBACK:
            mass = self._callback_mass(end)
            out = np.full(len(end), PROFILE_OUTBOUND)
            lo = np.where(k == 0, end % DAY + b.CALLBACK_MIN_GAP_SEC, 0)
            last = np.maximum(tod_below(out, dl_tod + 1) - tod_below(out, lo), 0.0)
            offsets = np.arange(3)[None, :]
            full = (offsets < k[:, None]) * mass
            part = (
                (offsets == k[:, None])
                * mass
                * (last / np.where(k == 0, np.maximum(1 - tod_below(out, lo), 1e-300), 1.0))[:, None]
            )
            return np.where(k >= 3, 1.0, (full + part).sum(axis=1) / mass.sum(axis=1))
        table = self.follow_up if kind == b.NEXT_FOLLOW_UP else self.returning
        i = table.rows(end_day)
        profile = inbound_profile(dl_day)
        return table.below(i, k) + table.at(i, k) * tod_below(profile, dl_tod + 1)

    # -- draws -----------------------------------------------------------------------------------------------
    def draw(
        self, kind: int, end: np.ndarray, u_day: np.ndarray, u_tod: np.ndarray, deadline: np.ndarray | None = None
    ) -> np.ndarray:
        """Start times of next calls of `kind`; with a deadline, conditioned on start <= deadline (which must
        have mass: cdf > 0)."""
        if kind == b.NEXT_RETRY:
            scale = 1.0
            if deadline is not None:
                room = deadline - end - b.RETRY_MIN_SEC + 1
                scale = -np.expm1(-np.maximum(room, 0) / b.RETRY_MEAN_SEC)
            wait = -b.RETRY_MEAN_SEC * np.log1p(-u_day * scale)
            start = end + b.RETRY_MIN_SEC + np.floor(wait).astype(np.int64)
            return start if deadline is None else np.minimum(start, deadline)
        end_day = end // DAY
        if kind == b.NEXT_CALLBACK:
            mass = self._callback_mass(end)
            out = np.full(len(end), PROFILE_OUTBOUND)
            same_lo = end % DAY + b.CALLBACK_MIN_GAP_SEC
            if deadline is not None:
                k_dl = deadline // DAY - end_day
                lo_dl = np.where(k_dl == 0, same_lo, 0)
                share_dl = np.maximum(tod_below(out, deadline % DAY + 1) - tod_below(out, lo_dl), 0.0)
                share_dl /= np.where(k_dl == 0, np.maximum(1 - tod_below(out, same_lo), 1e-300), 1.0)
                offsets = np.arange(3)[None, :]
                mass = np.where(
                    offsets < k_dl[:, None], mass, np.where(offsets == k_dl[:, None], mass * share_dl[:, None], 0.0)
                )
            cum = np.cumsum(mass, axis=1)
            k = (u_day[:, None] * cum[:, -1:] >= cum).sum(axis=1).clip(0, 2)
            lo = np.where(k == 0, same_lo, 0)
            hi = np.full(len(end), DAY)
            if deadline is not None:
                hi = np.where(k == deadline // DAY - end_day, deadline % DAY + 1, hi)
            return (end_day + k) * DAY + tod_draw(out, u_tod, lo, hi)
        table = self.follow_up if kind == b.NEXT_FOLLOW_UP else self.returning
        i = table.rows(end_day)
        if deadline is None:
            k = table.draw(i, u_day)
            return (end_day + k) * DAY + tod_draw(inbound_profile(end_day + k), u_tod)
        k_dl = deadline // DAY - end_day
        below = table.below(i, k_dl)
        last = table.at(i, k_dl) * tod_below(inbound_profile(deadline // DAY), deadline % DAY + 1)
        v = u_day * (below + last)
        on_last = v >= below
        k = np.where(on_last, k_dl, table.draw(i, np.minimum(v, np.nextafter(below, 0))))
        k = np.where(on_last, k_dl, np.minimum(k, k_dl - 1))
        day = end_day + k
        hi = np.where(on_last, deadline % DAY + 1, DAY)
        return day * DAY + tod_draw(inbound_profile(day), u_tod, 0, hi)

    def draw_between(
        self, kind: int, end: np.ndarray, after: np.ndarray, until: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """Start times of next calls of a day-offset `kind` (follow-up, return) conditioned on after < start <=
        until (which must have mass): one uniform through the joint CDF of day and time of day."""
        table = self.follow_up if kind == b.NEXT_FOLLOW_UP else self.returning
        end_day = end // DAY
        i = table.rows(end_day)
        f_after, f_until = self.cdf(kind, end, after), self.cdf(kind, end, until)
        v = f_after + u * (f_until - f_after)
        k = table.draw(i, v)
        below, at = table.below(i, k), table.at(i, k)
        w = np.clip((v - below) / np.where(at > 0, at, 1.0), 0.0, np.nextafter(1.0, 0.0))
        day = end_day + k
        start = day * DAY + tod_draw(inbound_profile(day), w)
        return np.clip(start, after + 1, until)
