#!/usr/bin/env bash
# Redraw the four Birmingham charts the README shows (docs/figures/birmingham_reform_*.png)
# from a report of Birmingham 2015 against the reform, 10 replications of five years, the
# run the README's "Charts and the report" section quotes. Keeps the report in runs/report.
set -euo pipefail
cd "$(dirname "$0")/.."
staffsim report scenarios/birmingham_2015.yaml scenarios/birmingham_2015_reform.yaml \
  --years 5 --replications 10 --quiet --overwrite --out runs/report
F=docs/figures
cp runs/report/fan_vacancy_rate_fte.png "$F/birmingham_reform_vacancy_fan.png"
cp runs/report/differences.png "$F/birmingham_reform_differences.png"
cp runs/report/cumulative_cost.png "$F/birmingham_reform_cumulative_cost.png"
cp runs/report/cost_waterfall.png "$F/birmingham_reform_cost_waterfall.png"
