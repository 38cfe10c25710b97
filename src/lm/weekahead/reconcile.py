"""Reconciliation of a hierarchy of forecasts (channels add up to the total), top-down by forecast proportions.

For every total and timestamp the children's points are scaled by one factor, total point / sum of the children's
points, so they add up to the total's point (the total's own forecast is kept: it is usually the most accurate one).
Each child's interval bounds are scaled by the same factor as its point. This is an approximation (an interval of
a sum is not the sum of intervals), but it keeps every bound non-negative and in order, and keeps the child's
relative width. Where the children's points add up to zero while the total's does not, the total (point and
bounds) is split by each child's share of the horizon (equal shares if that is zero too). Nested hierarchies are
reconciled from the top down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

VALUE_COLUMNS = ("point", "lo_80", "hi_80", "lo_95", "hi_95")


def _top_down_order(hierarchy: Mapping[str, Sequence[str]]) -> list[str]:
    """The totals, each after every total that lists it as a child; raises on a cycle."""
    depth: dict[str, int] = {}

    def walk(node: str, seen: tuple[str, ...]) -> int:
        if node in seen:
            raise ValueError(f"hierarchy has a cycle through {node!r}")
        if node not in depth:
            parents = [p for p, kids in hierarchy.items() if node in kids]
            depth[node] = 1 + max((walk(p, (*seen, node)) for p in parents), default=-1)
        return depth[node]

    for total in hierarchy:
        walk(total, ())
    return sorted(hierarchy, key=lambda t: depth[t])


def reconcile(frame: pd.DataFrame, hierarchy: Mapping[str, Sequence[str]], by: Sequence[str]) -> pd.DataFrame:
    """Scale the children of each total so their points add up to the total's point per `by` group and ds.

    `frame` has columns series_id, ds, the `by` columns (e.g. grain, model) and point, lo_80, hi_80, lo_95, hi_95.
    A group where the total is absent is left alone; a group with the total but a child missing is an error.
    """
    out = frame.reset_index(drop=True).copy()
    keys = [*by, "ds"]
    for total in _top_down_order(hierarchy):
        children = list(hierarchy[total])
        if not children:
            continue
        is_total = out["series_id"] == total
        is_child = out["series_id"].isin(children)
        if not is_total.any():
            continue
        groups_total = out.loc[is_total, list(by)].drop_duplicates()
        present = out.loc[is_child, [*by, "series_id"]].drop_duplicates()
        counts = present.groupby(list(by)).size() if by else pd.Series([len(present)])
        for key in groups_total.itertuples(index=False):
            k = tuple(key) if len(by) > 1 else key[0]
            if counts.get(k, 0) != len(set(children)):
                raise ValueError(
                    f"hierarchy {total!r}: not every child has a forecast for {dict(zip(by, key, strict=True))}"
                )
        tot = out.loc[is_total, [*keys, *VALUE_COLUMNS]].rename(columns={c: f"t_{c}" for c in VALUE_COLUMNS})
        kids = out.loc[is_child, [*keys, "series_id", "point"]]
        child_sum = kids.groupby(keys, as_index=False)["point"].sum().rename(columns={"point": "c_sum"})
        horizon = kids.groupby([*by, "series_id"], as_index=False)["point"].sum().rename(columns={"point": "h_sum"})
        horizon["h_share"] = horizon["h_sum"] / horizon.groupby(list(by))["h_sum"].transform("sum")
        horizon["h_share"] = horizon["h_share"].fillna(1.0 / len(children))
        idx = out.index[is_child]
        merged = (
            out.loc[idx, [*keys, "series_id"]]
            .reset_index()
            .merge(tot, on=keys, how="left")
            .merge(child_sum, on=keys, how="left")
            .merge(horizon[[*by, "series_id", "h_share"]], on=[*by, "series_id"], how="left")
            .set_index("index")
            .loc[idx]
        )
        if merged["t_point"].isna().any():
            raise ValueError(f"hierarchy {total!r}: a child has timestamps the total has not")
        c_sum = merged["c_sum"].to_numpy(float)
        t_point = merged["t_point"].to_numpy(float)
        scalable = c_sum > 0
        factor = np.where(scalable, t_point / np.where(scalable, c_sum, 1.0), 0.0)
        share = merged["h_share"].to_numpy(float)
        for col in VALUE_COLUMNS:
            own = out.loc[idx, col].to_numpy(float)
            split = merged[f"t_{col}"].to_numpy(float) * share
            out.loc[idx, col] = np.where(scalable, own * factor, split)
    return out
