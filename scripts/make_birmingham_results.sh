#!/usr/bin/env bash
# Regenerate the results quoted in the README and docs/model.md (about 15 minutes on 2 cores):
# the reform against Birmingham 2015 with and without the feedback loops, every single policy,
# the loop diagnostics and the tipping-point sweeps. Tables and charts go to docs/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
R=docs/results
mkdir -p "$R"
staffsim compare scenarios/birmingham_2015.yaml scenarios/birmingham_2015_reform.yaml \
  --years 5 --replications 20 --feedback-off-too --quiet --overwrite --out runs/reform
cp runs/reform/comparison.csv "$R/reform_comparison.csv"
cp runs/reform/comparison_feedback.csv "$R/reform_comparison_feedback.csv"
staffsim compare scenarios/birmingham_2015.yaml \
  scenarios/birmingham_2015_{caseload_cap,establishment,admin_share,supervision,culture,pay,recruitment,newly_qualified,agency_cap,agency_price_cap,reform}.yaml \
  --years 5 --replications 10 --quiet --overwrite --out runs/policies
cp runs/policies/comparison.csv "$R/policies_comparison.csv"
staffsim run scenarios/birmingham_2015.yaml --years 5 --replications 10 --explain --quiet --overwrite --out runs/explain
cp runs/explain/explain.csv runs/explain/explain.png "$R/"
staffsim tipping scenarios/birmingham_2015.yaml \
  --lever initial.vacant_case_holding_posts=0,40,80,120,161,200,240,280,320 \
  --years 5 --replications 6 --overwrite --out runs/tipping_birmingham_vacancy
cp runs/tipping_birmingham_vacancy/tipping.csv "$R/tipping_birmingham_vacancy.csv"
cp runs/tipping_birmingham_vacancy/tipping.png "$R/tipping_birmingham_vacancy.png"
staffsim tipping scenarios/birmingham_2015.yaml \
  --lever capacity.admin_share=0.15,0.2,0.25,0.3,0.35,0.4,0.45 \
  --years 5 --replications 6 --overwrite --out runs/tipping_birmingham_admin
cp runs/tipping_birmingham_admin/tipping.csv "$R/tipping_birmingham_admin.csv"
cp runs/tipping_birmingham_admin/tipping.png "$R/tipping_birmingham_admin.png"
staffsim tipping scenarios/england_2025.yaml \
  --lever capacity.admin_share=0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55 \
  --years 5 --replications 8 --overwrite --out runs/tipping_england_admin
cp runs/tipping_england_admin/tipping.csv "$R/tipping_england_admin.csv"
cp runs/tipping_england_admin/tipping.png "$R/tipping_england_admin.png"
