"""Charts worth pasting into a business case, in one house style.

Every chart takes tables (never runs the model), draws on an optional ``ax`` (or a new
figure) and returns the axes or figure; none calls ``plt.show()``. matplotlib is an
optional extra (``pip install "staffsim[plot]"``), imported only when a chart is drawn.

* :func:`fan_chart`: a key metric over time with the spread across replications;
* :func:`differences_chart`: options minus the base by year with 95% intervals;
* :func:`cumulative_cost_chart`, :func:`cost_waterfall_chart`, :func:`tornado_chart`: the
  money of a business case;
* :func:`draw_standard_charts`: the standard set for a run or a comparison, as files.

The house style (palette, titles, units, legends, files) is :mod:`staffsim.charts.style`.
"""

from __future__ import annotations

from staffsim.charts.costs import cost_waterfall_chart, cumulative_cost_chart, tornado_chart
from staffsim.charts.differences import differences_chart
from staffsim.charts.fan import fan_chart
from staffsim.charts.standard import charts_available, draw_standard_charts

__all__ = [
    "charts_available",
    "cost_waterfall_chart",
    "cumulative_cost_chart",
    "differences_chart",
    "draw_standard_charts",
    "fan_chart",
    "tornado_chart",
]
